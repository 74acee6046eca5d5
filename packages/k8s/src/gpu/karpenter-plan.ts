// Pure planning of Karpenter objects: what the NodePool and EC2NodeClass specs of a pool are.
import {
  bottlerocketSettings,
  efaInterfaces,
  GpuPool,
  KARPENTER_DISCOVERY_TAG,
  KARPENTER_LABELS,
  karpenterPoolLimits,
  NODE_METADATA_OPTIONS,
  nodeVolumes,
  placementGroupName,
  POOL_LABEL,
  Taint,
  WELL_KNOWN_LABELS,
} from '@aiready/core';
import {
  Ec2NodeClassSpec,
  Ec2NodeClassSpecBlockDeviceMappings,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptions,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
  Ec2NodeClassSpecNetworkInterfacesInterfaceType,
} from '../imports/karpenter.k8s.aws';
import {
  NodePoolSpec,
  NodePoolSpecDisruptionBudgetsReasons,
  NodePoolSpecDisruptionConsolidationPolicy as Consolidation,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirements,
  NodePoolSpecTemplateSpecRequirementsOperator as Op,
  NodePoolSpecTemplateSpecTaints,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../imports/karpenter.sh';

/** Where a pool's nodes join: the cluster's discovery tag and the node IAM role. */
export interface NodeClassTarget {
  /** EKS cluster name; subnets and security groups are discovered by the `karpenter.sh/discovery` tag with this value. */
  readonly clusterName: string;
  /** IAM role (name) of the nodes. */
  readonly nodeRole: string;
}

/** The tag key Karpenter discovers subnets and security groups by. */

/** The node metadata settings of core's `NODE_METADATA_OPTIONS` (IMDSv2 only, hop limit 1), as Karpenter spells them. */
export const IMDS_V2_HOP_LIMIT_1: Ec2NodeClassSpecMetadataOptions = {
  httpEndpoint: NODE_METADATA_OPTIONS.httpEndpoint as Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  httpProtocolIPv6: NODE_METADATA_OPTIONS.httpProtocolIPv6 as Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  httpPutResponseHopLimit: NODE_METADATA_OPTIONS.httpPutResponseHopLimit,
  httpTokens: NODE_METADATA_OPTIONS.httpTokens as Ec2NodeClassSpecMetadataOptionsHttpTokens,
};

/** An encrypted gp3 volume mapping. */
export function encryptedGp3(
  deviceName: string,
  sizeGiB: number,
  rootVolume: boolean,
  throughputMiBps?: number,
): Ec2NodeClassSpecBlockDeviceMappings {
  return {
    deviceName,
    ...(rootVolume ? { rootVolume: true } : {}),
    ebs: {
      volumeSize: `${sizeGiB}Gi`,
      volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
      encrypted: true,
      deleteOnTermination: true,
      ...(throughputMiBps === undefined ? {} : { throughput: throughputMiBps }),
    },
  };
}

/** A NodePool requirement. */
export function requirement(key: string, operator: `${Op}`, values?: readonly string[]): NodePoolSpecTemplateSpecRequirements {
  return { key, operator: operator as Op, ...(values ? { values: [...values] } : {}) };
}

/** The subnet and security group selectors and the role of a node class. */
export function nodeClassBase(
  target: NodeClassTarget,
): Pick<Ec2NodeClassSpec, 'role' | 'subnetSelectorTerms' | 'securityGroupSelectorTerms' | 'metadataOptions'> {
  return {
    role: target.nodeRole,
    subnetSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: target.clusterName } }],
    securityGroupSelectorTerms: [{ tags: { [KARPENTER_DISCOVERY_TAG]: target.clusterName } }],
    metadataOptions: IMDS_V2_HOP_LIMIT_1,
  };
}

/** Disruption defaults per purpose. Training pools are never consolidated while pods run. */
const DISRUPTION: Record<GpuPool['purpose'], { policy: Consolidation; after: string; grace: string }> = {
  training: { policy: Consolidation.WHEN_EMPTY, after: '10m', grace: '48h' },
  inference: { policy: Consolidation.WHEN_EMPTY_OR_UNDERUTILIZED, after: '5m', grace: '1h' },
  interactive: { policy: Consolidation.WHEN_EMPTY, after: '30m', grace: '8h' },
};

function karpenterTaint(t: Taint): NodePoolSpecTemplateSpecTaints {
  return {
    key: t.key,
    effect: t.effect as NodePoolSpecTemplateSpecTaintsEffect,
    ...(t.value === undefined ? {} : { value: t.value }),
  };
}

/** The NodePool spec of a GPU pool. */
export function planNodePool(pool: GpuPool): NodePoolSpec {
  const d = DISRUPTION[pool.purpose];
  return {
    template: {
      metadata: { labels: { ...pool.nodeLabels } },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.name },
        requirements: [
          requirement(WELL_KNOWN_LABELS.instanceType, 'In', pool.instanceTypes.map((t) => t.name).sort()),
          requirement(KARPENTER_LABELS.capacityType, 'In', [pool.capacityType]),
          requirement(WELL_KNOWN_LABELS.arch, 'In', [pool.architecture]),
          requirement(WELL_KNOWN_LABELS.os, 'In', ['linux']),
          ...(pool.zones.length ? [requirement(WELL_KNOWN_LABELS.zone, 'In', pool.zones)] : []),
        ],
        taints: pool.taints.map(karpenterTaint),
        expireAfter: '720h',
        terminationGracePeriod: d.grace,
      },
    },
    disruption: {
      consolidationPolicy: d.policy,
      consolidateAfter: d.after,
      budgets: pool.disruptionBudgets.map((b) => ({
        nodes: b.nodes,
        ...(b.reasons?.length ? { reasons: b.reasons.map((r) => r as NodePoolSpecDisruptionBudgetsReasons) } : {}),
        ...(b.schedule ? { schedule: b.schedule, duration: b.duration } : {}),
      })),
    },
    limits: Object.fromEntries(Object.entries(karpenterPoolLimits(pool)).map(([r, n]) => [r, NodePoolSpecLimits.fromNumber(n)])),
    ...(pool.weight === undefined ? {} : { weight: pool.weight }),
  };
}

/**
 * The EC2NodeClass spec of a GPU pool: pinned AMI, IMDSv2 with hop limit 1, encrypted gp3 volumes,
 * reservations of reserved pools, and for EFA pools an EFA interface per network card and the pool's
 * cluster placement group.
 */
export function planNodeClass(pool: GpuPool, target: NodeClassTarget): Ec2NodeClassSpec {
  const volumes = nodeVolumes(pool).map((v) => encryptedGp3(v.deviceName, v.sizeGiB, v.root, v.throughputMiBps));
  const reservation = pool.capacityReservation;
  const placementGroup = placementGroupName(target.clusterName, pool);
  return {
    ...nodeClassBase(target),
    amiSelectorTerms: [{ alias: pool.amiAlias }],
    blockDeviceMappings: volumes,
    ...(reservation
      ? {
          capacityReservationSelectorTerms: reservation.ids?.length
            ? reservation.ids.map((id) => ({ id }))
            : [{ tags: { ...reservation.tags } }],
        }
      : {}),
    ...(pool.efaInterfaces > 0
      ? {
          networkInterfaces: efaInterfaces(pool).map((i) => ({
            networkCardIndex: i.networkCardIndex,
            deviceIndex: i.deviceIndex,
            interfaceType: i.interfaceType as Ec2NodeClassSpecNetworkInterfacesInterfaceType,
          })),
          ...(placementGroup ? { placementGroupSelector: { name: placementGroup } } : {}),
        }
      : {}),
    ...(bottlerocketSettings(pool) ? { userData: bottlerocketSettings(pool) } : {}),
    tags: { [POOL_LABEL]: pool.name },
  };
}
