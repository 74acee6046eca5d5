import {
  EKS_ADDON_VERSION_PATTERN,
  EKS_ADDONS,
  KubernetesVersion,
  nearest,
  ValidationProblem,
  ValidationWarning,
} from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { awsManagedPolicy, serviceRole } from '../private/iam';

/** Arguments of `EksAddons`. */
export interface EksAddonsArgs {
  readonly cluster: aws.eks.Cluster;
  readonly version: KubernetesVersion;
  /**
   * `addonVersion` per add-on name, over the version lock's pin for `version` (check them with
   * {@link addonVersionProblems}).
   * @default - the version lock's pins
   */
  readonly versions?: Readonly<Record<string, string>>;
  /**
   * Tags on every resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * What the add-ons wait for. coredns and the EBS CSI controller only become healthy once nodes
   * exist, so pass the system node group.
   * @default - nothing beyond the cluster
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Turn on the vpc-cni network policy agent, which enforces NetworkPolicies; without it they are
   * written and ignored. Pass `platform.writesNetworkPolicies`.
   * @default false
   */
  readonly enableNetworkPolicy?: boolean;
}

/** The vpc-cni add-on configuration that turns on its network policy agent (EKS add-on schema). */
export const VPC_CNI_NETWORK_POLICY_CONFIGURATION = JSON.stringify({ enableNetworkPolicy: 'true' });

/** Version overrides per add-on name, as the stack config gives them. */
export type AddonVersions = Readonly<Record<string, string>>;

/** Problems with add-on version overrides: unknown add-on names and strings that are not EKS versions. */
export function addonVersionProblems(path: string, versions: unknown): ValidationProblem[] {
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) {
    return [
      { path, value: versions, problem: 'must map add-on names to versions', fix: "e.g. { coredns: 'v1.14.3-eksbuild.3' }" },
    ];
  }
  const names = EKS_ADDONS.map((a) => a.name);
  return Object.entries(versions).flatMap(([name, version]): ValidationProblem[] => {
    if (!names.includes(name)) {
      return [
        {
          path: `${path}.${name}`,
          value: version,
          problem: 'not an add-on aiready installs',
          fix: `did you mean ${nearest(name, names, 1)[0]}? (one of ${names.join(', ')})`,
        },
      ];
    }
    if (typeof version !== 'string' || !EKS_ADDON_VERSION_PATTERN.test(version)) {
      return [
        {
          path: `${path}.${name}`,
          value: version,
          problem: 'not an EKS add-on version',
          fix: `use a string like v1.2.3-eksbuild.1 from: aws eks describe-addon-versions --addon-name ${name} --kubernetes-version <minor>`,
        },
      ];
    }
    return [];
  });
}

/** The add-on versions a cluster gets: the overrides, else the version lock's pin for its minor. */
export function planEksAddons(
  version: KubernetesVersion,
  overrides: AddonVersions = {},
): { name: string; addonVersion?: string }[] {
  return EKS_ADDONS.map((a) => {
    const addonVersion = overrides[a.name] ?? a.versions[version];
    return { name: a.name, ...(addonVersion ? { addonVersion } : {}) };
  });
}

/** A warning naming the add-ons that take the EKS default version for this Kubernetes minor. */
export function unpinnedAddonWarnings(version: KubernetesVersion, overrides: AddonVersions = {}): ValidationWarning[] {
  const unpinned = planEksAddons(version, overrides)
    .filter((a) => !a.addonVersion)
    .map((a) => a.name);
  if (unpinned.length === 0) return [];
  return [
    {
      path: 'eksAddonVersions',
      message: `${unpinned.join(', ')}: no version is pinned for Kubernetes ${version}, so EKS installs its default for ${version} at creation (and never upgrades it by itself); pin them with eksAddonVersions`,
    },
  ];
}

/**
 * The EKS add-ons every aiready cluster runs: vpc-cni, coredns, kube-proxy, the Pod Identity agent
 * and the EBS CSI driver, whose controller gets its AWS permissions through Pod Identity (a role
 * with only the AWS-managed EBS CSI policy), never node credentials.
 */
export class EksAddons extends pulumi.ComponentResource {
  public readonly addons: Record<string, aws.eks.Addon> = {};

  constructor(name: string, args: EksAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:cluster:EksAddons', name, {}, opts);
    const tags = args.tags ?? {};
    const child = { parent: this };
    const agent = 'eks-pod-identity-agent';
    for (const pin of EKS_ADDONS) {
      const planned = planEksAddons(args.version, args.versions).find((a) => a.name === pin.name)!;
      const role = pin.podIdentity
        ? serviceRole(
            `${name}-${pin.name}`,
            'pods.eks.amazonaws.com',
            [awsManagedPolicy(pin.podIdentity.managedPolicy)],
            tags,
            child,
          )
        : undefined;
      this.addons[pin.name] = new aws.eks.Addon(
        `${name}-${pin.name}`,
        {
          clusterName: args.cluster.name,
          addonName: pin.name,
          ...(planned.addonVersion ? { addonVersion: planned.addonVersion } : {}),
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'PRESERVE',
          ...(pin.name === 'vpc-cni' && args.enableNetworkPolicy
            ? { configurationValues: VPC_CNI_NETWORK_POLICY_CONFIGURATION }
            : {}),
          ...(role && pin.podIdentity
            ? { podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: pin.podIdentity.serviceAccount }] }
            : {}),
          tags,
        },
        // Pod Identity associations need the agent first.
        { ...child, dependsOn: [...(args.dependsOn ?? []), ...(role && this.addons[agent] ? [this.addons[agent]] : [])] },
      );
    }
    this.registerOutputs({});
  }
}
