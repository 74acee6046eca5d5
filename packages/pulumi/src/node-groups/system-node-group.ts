import { AireadyValidationError, CPU_NODE_ROOT_GIB, POOL_LABEL, ValidationProblem } from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { nodeLaunchTemplate } from './launch-template';

/** The value of `aiready.dev/pool` on system nodes. */
export const SYSTEM_POOL_NAME = 'system';

/** Arguments of `SystemNodeGroup`. */
export interface SystemNodeGroupArgs {
  /** The cluster to join. */
  readonly cluster: aws.eks.Cluster;
  /** Node IAM role ARN. */
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnets. */
  readonly subnetIds: pulumi.Input<string>[];
  /**
   * Instance types.
   * @default ['m7i.large']
   */
  readonly instanceTypes?: readonly string[];
  /**
   * Minimum nodes. Two keep controllers (Karpenter, operators) available through a node loss.
   * @default 2
   */
  readonly minNodes?: number;
  /**
   * Maximum nodes.
   * @default 4
   */
  readonly maxNodes?: number;
  /**
   * Root volume size in GiB.
   * @default 50
   */
  readonly diskSizeGiB?: number;
  /**
   * Tags on every resource.
   * @default - none beyond the aiready tags
   */
  readonly tags?: Record<string, string>;
  /**
   * What the nodes need before they launch: the network's NAT gateways and routes (`network.ready`),
   * without which they cannot pull images or join.
   * @default - the cluster only
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The CPU node group that runs the platform's controllers (Karpenter, GPU operator, Argo). Nodes are
 * labelled `aiready.dev/pool=system`, AL2023, IMDSv2 with hop limit 1.
 */
export class SystemNodeGroup extends pulumi.ComponentResource {
  public readonly nodeGroup: aws.eks.NodeGroup;

  constructor(name: string, args: SystemNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:nodes:SystemNodeGroup', name, {}, opts);
    const min = args.minNodes ?? 2;
    const max = args.maxNodes ?? 4;
    const problems: ValidationProblem[] = [];
    if (!Number.isInteger(min) || min < 1)
      problems.push({ path: 'minNodes', value: min, problem: 'system nodes must be at least 1', fix: 'use 2 for availability' });
    if (!Number.isInteger(max) || max < min)
      problems.push({
        path: 'maxNodes',
        value: max,
        problem: `must be a whole number >= minNodes (${min})`,
        fix: `set maxNodes >= ${min}`,
      });
    if (problems.length) throw new AireadyValidationError(name, problems);

    const tags = { ...args.tags, [POOL_LABEL]: SYSTEM_POOL_NAME };
    const child = { parent: this, dependsOn: [args.cluster, ...(args.dependsOn ?? [])] };
    const lt = nodeLaunchTemplate(
      `${name}-lt`,
      { volumes: [{ deviceName: '/dev/xvda', sizeGiB: args.diskSizeGiB ?? CPU_NODE_ROOT_GIB }], tags },
      child,
    );
    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}-ng`,
      {
        clusterName: args.cluster.name,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: 'AL2023_x86_64_STANDARD',
        capacityType: 'ON_DEMAND',
        instanceTypes: [...(args.instanceTypes ?? ['m7i.large'])],
        scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
        labels: { [POOL_LABEL]: SYSTEM_POOL_NAME },
        launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) },
        updateConfig: { maxUnavailable: 1 },
        tags,
      },
      child,
    );
    this.registerOutputs({});
  }
}
