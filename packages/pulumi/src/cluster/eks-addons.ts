import { EKS_ADDONS, KubernetesVersion, ValidationWarning } from '@aiready/core';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { awsManagedPolicy, serviceRole } from '../private/iam';

export interface EksAddonsArgs {
  readonly cluster: aws.eks.Cluster;
  readonly version: KubernetesVersion;
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
}

/** The add-on versions a cluster gets, and a warning for each add-on not pinned for its minor. */
export function planEksAddons(version: KubernetesVersion): { name: string; addonVersion?: string }[] {
  return EKS_ADDONS.map((a) => ({ name: a.name, ...(a.versions[version] ? { addonVersion: a.versions[version] } : {}) }));
}

/** A warning naming the add-ons that take the EKS default version for this Kubernetes minor. */
export function unpinnedAddonWarnings(version: KubernetesVersion): ValidationWarning[] {
  const unpinned = planEksAddons(version)
    .filter((a) => !a.addonVersion)
    .map((a) => a.name);
  if (unpinned.length === 0) return [];
  return [
    {
      path: 'eksAddons',
      message: `${unpinned.join(', ')}: no verified version is pinned for Kubernetes ${version}, so EKS installs its default for ${version} at creation (and never upgrades it by itself); pin versions in the version lock`,
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
      const planned = planEksAddons(args.version).find((a) => a.name === pin.name)!;
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
