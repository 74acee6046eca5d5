import {
  AireadyValidationError,
  clusterNameProblem,
  DEFAULT_KUBERNETES_VERSION,
  KARPENTER_DISCOVERY_TAG,
  KubernetesVersion,
  kubernetesVersionProblem,
  ValidationProblem,
} from '@aiready/core';
import * as aws from '../private/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { awsManagedPolicy, serviceRole } from '../private/iam';
import { execKubeconfig } from './kubeconfig';

/** Every EKS control-plane log type. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** Arguments of `EksCluster`. */
export interface EksClusterArgs {
  /** EKS cluster name (also the Karpenter discovery tag value). */
  readonly clusterName: string;
  /** Private subnets for the control plane's network interfaces and the nodes. */
  readonly subnetIds: pulumi.Input<string>[];
  /** AWS region, for the kubeconfig. */
  readonly region: string;
  /**
   * Kubernetes version, from the version lock's supported range.
   * @default '1.36'
   */
  readonly version?: KubernetesVersion;
  /**
   * IAM principal ARNs granted cluster admin through EKS access entries (no aws-auth ConfigMap).
   * Leave out the identity that runs `pulumi up` when `deployerAdmin` is on: EKS allows one access
   * entry per principal.
   * @default - none beyond the deployer
   */
  readonly adminPrincipalArns?: pulumi.Input<string>[];
  /**
   * Grant the IAM identity that runs `pulumi up` (the role behind an assumed-role session) cluster
   * admin through an access entry, so the Kubernetes resources of the same program can be applied.
   * Turn off only when that identity is in `adminPrincipalArns` or gets access some other way.
   * @default true
   */
  readonly deployerAdmin?: boolean;
  /**
   * Kubernetes groups per IAM principal ARN: access entries that map principals to the groups
   * Kubernetes RBAC binds (a team's edit and view groups). One entry per principal.
   * @default - none
   */
  readonly principalGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * CIDRs allowed to reach the public API endpoint. Empty keeps the endpoint private only.
   * @default - private endpoint only
   */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * Retention of control-plane logs, in days.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * Tags on every resource.
   * @default - none beyond the aiready tags
   */
  readonly tags?: Record<string, string>;
}

/**
 * An EKS cluster secured by default: API authentication through access entries only, Kubernetes
 * secrets envelope-encrypted with a dedicated KMS key (rotation on), every control-plane log type
 * sent to CloudWatch, and a private API endpoint unless public CIDRs are given.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  public readonly certificateAuthority: pulumi.Output<string>;
  /** The cluster security group, tagged for Karpenter discovery. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** A kubeconfig that uses `aws eks get-token`; it holds no credentials. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** A Kubernetes provider for the cluster. */
  public readonly provider: k8s.Provider;
  public readonly cluster: aws.eks.Cluster;
  public readonly version: KubernetesVersion;
  /** The access entries and admin policy associations; the Kubernetes provider waits for them. */
  public readonly accessGrants: readonly pulumi.Resource[];

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:cluster:EksCluster', name, {}, opts);
    const version = args.version ?? DEFAULT_KUBERNETES_VERSION;
    const publicCidrs = args.publicAccessCidrs ?? [];
    const retention = args.logRetentionDays ?? 90;
    const problems: ValidationProblem[] = [];
    const nameProblem = clusterNameProblem('clusterName', args.clusterName);
    if (nameProblem) problems.push(nameProblem);
    const versionProblem = kubernetesVersionProblem('version', version);
    if (versionProblem) problems.push(versionProblem);
    publicCidrs.forEach((cidr, i) => {
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) {
        problems.push({
          path: `publicAccessCidrs[${i}]`,
          value: cidr,
          problem: 'not an IPv4 CIDR',
          fix: "use e.g. '203.0.113.0/24'",
        });
      }
    });
    if (!Number.isInteger(retention) || retention < 1) {
      problems.push({
        path: 'logRetentionDays',
        value: retention,
        problem: 'must be a whole number of days',
        fix: 'use e.g. 90',
      });
    }
    if (problems.length) throw new AireadyValidationError(name, problems);
    this.version = version;

    const tags = { ...args.tags, 'aiready.dev/cluster': args.clusterName };
    const child = { parent: this };
    const role = serviceRole(
      `${name}-cluster-role`,
      'eks.amazonaws.com',
      [awsManagedPolicy('AmazonEKSClusterPolicy')],
      tags,
      child,
    );
    const key = new aws.kms.Key(
      `${name}-secrets`,
      { description: `EKS secrets encryption for ${args.clusterName}`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      child,
    );
    // Created before the cluster so retention is ours, not "never expire".
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: retention, tags },
      child,
    );
    this.cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        version,
        roleArn: role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: publicCidrs.length > 0,
          ...(publicCidrs.length > 0 ? { publicAccessCidrs: [...publicCidrs] } : {}),
        },
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ['secrets'] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        tags,
      },
      { ...child, dependsOn: [logGroup] },
    );
    this.clusterSecurityGroupId = this.cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId ?? '');
    new aws.ec2.Tag(
      `${name}-sg-discovery`,
      { resourceId: this.clusterSecurityGroupId, key: KARPENTER_DISCOVERY_TAG, value: args.clusterName },
      child,
    );

    const admin = (id: string, principalArn: pulumi.Input<string>): pulumi.Resource => {
      const entry = new aws.eks.AccessEntry(
        `${name}-${id}`,
        { clusterName: this.cluster.name, principalArn, type: 'STANDARD', tags },
        child,
      );
      return new aws.eks.AccessPolicyAssociation(
        `${name}-${id}`,
        {
          clusterName: this.cluster.name,
          principalArn: entry.principalArn,
          policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          accessScope: { type: 'cluster' },
        },
        child,
      );
    };
    const grants: pulumi.Resource[] = [];
    if (args.deployerAdmin ?? true) {
      // An assumed-role session's ARN is not a principal EKS accepts; the role behind it is.
      const caller = aws.getCallerIdentityOutput({}, child);
      const deployer = aws.iam.getSessionContextOutput({ arn: caller.arn }, child).issuerArn;
      grants.push(admin('deployer-admin', deployer));
    }
    (args.adminPrincipalArns ?? []).forEach((arn, i) => grants.push(admin(`admin-${i}`, arn)));
    for (const [principalArn, groups] of Object.entries(args.principalGroups ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      grants.push(
        new aws.eks.AccessEntry(
          `${name}-groups-${principalArn.slice(principalArn.lastIndexOf(':') + 1).replace(/[^A-Za-z0-9-]+/g, '-')}`,
          { clusterName: this.cluster.name, principalArn, type: 'STANDARD', kubernetesGroups: [...groups].sort(), tags },
          child,
        ),
      );
    }
    this.accessGrants = grants;

    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthority = this.cluster.certificateAuthority.apply((c) => c.data ?? '');
    this.kubeconfig = pulumi.secret(execKubeconfig(this.cluster.name, this.endpoint, this.certificateAuthority, args.region));
    // Nothing reaches the API before the access grants exist: the provider waits for them.
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { ...child, dependsOn: grants },
    );
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig });
  }
}
