import {
  AireadyValidationError,
  bottlerocketSettings,
  clusterAutoscalerTags,
  efaInterfaces,
  eksTaintEffect,
  GpuPool,
  GpuPoolSpec,
  managedNodeGroupAmiType,
  managedNodeGroupLabels,
  normalizeGpuPool,
  nodeVolumes,
  placementGroupName,
  POOL_LABEL,
  ValidationProblem,
} from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { nodeLaunchTemplate } from './launch-template';

/** Arguments of `GpuNodeGroup`. */
export interface GpuNodeGroupArgs {
  /**
   * The pool (`provisioner: 'managed-node-group'`): planned already (a `GpuPool` of `planPlatform`,
   * the one the Kubernetes side renders), or the same spec the Kubernetes side uses.
   */
  readonly pool: GpuPool | GpuPoolSpec;
  /** The cluster to join. */
  readonly cluster: aws.eks.Cluster;
  /** The cluster's name (tags are keyed by it). */
  readonly clusterName: string;
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnets by availability zone; a pool with `zones` uses only those. */
  readonly subnetIdsByZone: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Security groups of the node interfaces; required for EFA pools (EFA interfaces carry their own).
   * @default - the cluster security group EKS attaches
   */
  readonly securityGroupIds?: pulumi.Input<string>[];
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

/** EKS `capacityType` of a pool. */
export function managedCapacityType(pool: GpuPool): 'ON_DEMAND' | 'SPOT' | 'CAPACITY_BLOCK' {
  if (pool.capacityType === 'spot') return 'SPOT';
  if (pool.capacityType === 'reserved' && pool.capacityReservation?.capacityBlock) return 'CAPACITY_BLOCK';
  return 'ON_DEMAND';
}

/**
 * A GPU pool as an EKS managed node group: the NVIDIA AMI type of the pool's family and architecture,
 * the same taints and labels as the Karpenter side (plus `k8s.amazonaws.com/accelerator`), IMDSv2
 * with hop limit 1, EFA interfaces and a cluster placement group for EFA pools, and the cluster
 * autoscaler's node-template tags on the Auto Scaling group so it can scale from zero.
 */
export class GpuNodeGroup extends pulumi.ComponentResource {
  public readonly pool: GpuPool;
  public readonly nodeGroup: aws.eks.NodeGroup;
  public readonly placementGroup?: aws.ec2.PlacementGroup;

  constructor(name: string, args: GpuNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:nodes:GpuNodeGroup', name, {}, opts);
    // A planned pool carries its normalised fields (gpuModels among them); a spec is normalised here.
    this.pool =
      typeof args.pool === 'object' && args.pool !== null && 'gpuModels' in args.pool
        ? args.pool
        : normalizeGpuPool(args.pool, name);
    const pool = this.pool;
    const problems: ValidationProblem[] = [];
    if (pool.provisioner !== 'managed-node-group') {
      problems.push({
        path: 'pool.provisioner',
        value: pool.provisioner,
        problem: `pool '${pool.name}' is provisioned by Karpenter; a managed node group would scale the same pool twice`,
        fix: "set provisioner: 'managed-node-group' on the pool, or let Karpenter alone provision it",
      });
    }
    const zones = pool.zones.length ? pool.zones : Object.keys(args.subnetIdsByZone).sort();
    const missing = zones.filter((z) => !(z in args.subnetIdsByZone));
    if (missing.length || zones.length === 0) {
      problems.push({
        path: 'pool.zones',
        value: pool.zones,
        problem: `no private subnet in ${missing.join(', ') || 'any zone'}`,
        fix: `use zones of the network: ${Object.keys(args.subnetIdsByZone).sort().join(', ')}`,
      });
    }
    if (pool.efaInterfaces > 0 && !args.securityGroupIds?.length) {
      problems.push({
        path: 'securityGroupIds',
        value: args.securityGroupIds,
        problem: 'EFA interfaces need their security groups',
        fix: 'pass the cluster security group id',
      });
    }
    if (problems.length) throw new AireadyValidationError(name, problems);

    const tags = { ...args.tags, [POOL_LABEL]: pool.name };
    const child = { parent: this, dependsOn: [args.cluster, ...(args.dependsOn ?? [])] };
    const groupName = placementGroupName(args.clusterName, pool);
    if (groupName) {
      this.placementGroup = new aws.ec2.PlacementGroup(`${name}-pg`, { name: groupName, strategy: 'cluster', tags }, child);
    }
    const lt = nodeLaunchTemplate(
      `${name}-lt`,
      {
        volumes: nodeVolumes(pool),
        tags,
        userData: bottlerocketSettings(pool),
        ...(pool.efaInterfaces > 0
          ? {
              efa: {
                interfaces: efaInterfaces(pool),
                securityGroupIds: args.securityGroupIds!,
                ...(this.placementGroup ? { placementGroup: this.placementGroup.name } : {}),
              },
            }
          : {}),
        ...(pool.capacityType === 'reserved' && !pool.capacityReservation?.capacityBlock
          ? { capacityReservationId: pool.capacityReservation!.ids![0] }
          : {}),
      },
      child,
    );
    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}-ng`,
      {
        clusterName: args.cluster.name,
        // Named after the pool, so the autoscaler's priority expander can match its ASG (eks-<name>-<uuid>).
        nodeGroupName: pool.name,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: zones.map((z) => args.subnetIdsByZone[z]),
        amiType: managedNodeGroupAmiType(pool),
        capacityType: managedCapacityType(pool),
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
    // EKS does not copy node group labels and taints to the Auto Scaling group; the autoscaler reads them there.
    const asgName = this.nodeGroup.resources.apply((r) => r[0]?.autoscalingGroups?.[0]?.name ?? '');
    for (const [key, value] of Object.entries(clusterAutoscalerTags(pool, args.clusterName))) {
      new aws.autoscaling.Tag(
        `${name}-ca-${key.replace(/^k8s\.io\/cluster-autoscaler\//, '').replace(/[^A-Za-z0-9-]+/g, '-')}`,
        { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: false } },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
