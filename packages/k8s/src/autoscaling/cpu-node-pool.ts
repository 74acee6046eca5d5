import {
  AMI_FAMILIES,
  CPU_NODE_ROOT_GIB,
  KARPENTER_LABELS,
  karpenterNodeRoleName,
  POOL_LABEL,
  WELL_KNOWN_LABELS,
} from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { encryptedGp3, nodeClassBase, requirement } from '../gpu/karpenter-plan';
import { Ec2NodeClass } from '../imports/karpenter.k8s.aws';
import { NodePool, NodePoolSpecDisruptionConsolidationPolicy, NodePoolSpecLimits } from '../imports/karpenter.sh';
import { componentLabels } from '../private/metadata';

/** Props of `CpuNodePool`. */
export interface CpuNodePoolProps {
  /** EKS cluster name, for subnet and security group discovery. */
  readonly clusterName: string;
  /**
   * IAM role (name) of the nodes.
   * @default - `KarpenterNodeRole-<clusterName>`
   */
  readonly nodeRole?: string;
  /**
   * NodePool and EC2NodeClass name.
   * @default 'default'
   */
  readonly name?: string;
  /**
   * Most vCPUs the pool may hold.
   * @default 1000
   */
  readonly cpuLimit?: number;
}

/**
 * The default Karpenter pool for non-GPU work. It excludes every instance type with a GPU, so CPU
 * pods never land on (and never keep alive) an expensive GPU node.
 */
export class CpuNodePool extends Construct {
  public readonly nodePool: ApiObject;
  public readonly nodeClass: ApiObject;

  constructor(scope: Construct, id: string, props: CpuNodePoolProps) {
    super(scope, id);
    const name = props.name ?? 'default';
    const metadata = { name, labels: componentLabels('cpu-node-pool') };
    const target = { clusterName: props.clusterName, nodeRole: props.nodeRole ?? karpenterNodeRoleName(props.clusterName) };
    this.nodeClass = new Ec2NodeClass(this, 'NodeClass', {
      metadata,
      spec: {
        ...nodeClassBase(target),
        amiSelectorTerms: [{ alias: AMI_FAMILIES.al2023.pinnedAlias }],
        blockDeviceMappings: [encryptedGp3('/dev/xvda', CPU_NODE_ROOT_GIB, true)],
        tags: { [POOL_LABEL]: name },
      },
    });
    this.nodePool = new NodePool(this, 'Resource', {
      metadata,
      spec: {
        template: {
          metadata: { labels: { [POOL_LABEL]: name } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name },
            requirements: [
              requirement('karpenter.k8s.aws/instance-category', 'In', ['c', 'm', 'r']),
              requirement('karpenter.k8s.aws/instance-generation', 'Gt', ['5']),
              // Only instances with GPUs carry this label.
              requirement(KARPENTER_LABELS.instanceGpuCount, 'DoesNotExist'),
              requirement(KARPENTER_LABELS.capacityType, 'In', ['on-demand', 'spot']),
              requirement(WELL_KNOWN_LABELS.arch, 'In', ['amd64']),
              requirement(WELL_KNOWN_LABELS.os, 'In', ['linux']),
            ],
            expireAfter: '720h',
          },
        },
        disruption: {
          consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
          consolidateAfter: '1m',
          budgets: [{ nodes: '10%' }],
        },
        limits: { cpu: NodePoolSpecLimits.fromNumber(props.cpuLimit ?? 1000) },
      },
    });
  }
}
