import {
  AireadyValidationError,
  eksTaintEffect,
  GpuPool,
  GpuPoolSpec,
  managedNodeGroupAmiType,
  managedNodeGroupLabels,
  normalizeGpuPool,
  POOL_LABEL,
} from '@aiready/core';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { nodeLaunchTemplate, NodeVolume } from './launch-template';

export interface GpuNodeGroupArgs {
  /** The pool, the same spec the Kubernetes side uses. */
  readonly pool: GpuPoolSpec;
  readonly clusterName: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /**
   * Tags on every resource.
   * @default - none beyond the aiready tags
   */
  readonly tags?: Record<string, string>;
}

/** Volumes of a GPU node: large enough for CUDA images. */
export function gpuNodeVolumes(pool: GpuPool): NodeVolume[] {
  return pool.amiFamily.id === 'bottlerocket'
    ? [
        { deviceName: '/dev/xvda', sizeGiB: 4 },
        { deviceName: '/dev/xvdb', sizeGiB: 200 },
      ]
    : [{ deviceName: '/dev/xvda', sizeGiB: 200 }];
}

/**
 * A GPU pool as an EKS managed node group: the NVIDIA AMI type of the pool's family and architecture,
 * the same taints and labels as the Karpenter side (plus `k8s.amazonaws.com/accelerator` for the
 * cluster autoscaler), IMDSv2 with hop limit 1.
 */
export class GpuNodeGroup extends pulumi.ComponentResource {
  public readonly pool: GpuPool;
  public readonly nodeGroup: aws.eks.NodeGroup;

  constructor(name: string, args: GpuNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:nodes:GpuNodeGroup', name, {}, opts);
    this.pool = normalizeGpuPool(args.pool, name);
    const pool = this.pool;
    if (pool.provisioner !== 'managed-node-group') {
      throw new AireadyValidationError(name, [
        {
          path: 'pool.provisioner',
          value: pool.provisioner,
          problem: `pool '${pool.name}' is provisioned by Karpenter; a managed node group would scale the same pool twice`,
          fix: "set provisioner: 'managed-node-group' on the pool, or let Karpenter alone provision it",
        },
      ]);
    }
    const tags = { ...args.tags, [POOL_LABEL]: pool.name };
    const child = { parent: this };
    const lt = nodeLaunchTemplate(`${name}-lt`, gpuNodeVolumes(pool), tags, child);
    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}-ng`,
      {
        clusterName: args.clusterName,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: managedNodeGroupAmiType(pool),
        capacityType: pool.capacityType === 'spot' ? 'SPOT' : 'ON_DEMAND',
        instanceTypes: pool.instanceTypes.map((t) => t.name),
        scalingConfig: { minSize: pool.minNodes, maxSize: pool.maxNodes, desiredSize: pool.minNodes },
        labels: managedNodeGroupLabels(pool),
        taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: eksTaintEffect(t.effect) })),
        launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) },
        updateConfig: { maxUnavailable: 1 },
        tags,
      },
      { ...child, ignoreChanges: ['scalingConfig.desiredSize'] },
    );
    this.registerOutputs({});
  }
}
