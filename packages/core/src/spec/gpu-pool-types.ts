// The GPU pool spec: one description consumed by the Karpenter NodePool (cdk8s), the EKS managed node
// group (Pulumi) and the workloads that target the pool.
import { AmiFamily, AmiFamilyId } from '../catalogue/ami-families';
import { GpuModel } from '../catalogue/gpu-models';
import { Architecture, GpuInstanceType, InstanceQuery } from '../catalogue/instance-types';
import { ValidationWarning } from '../errors';
import { Taint } from '../labels';
import { GpuSharingSpec, PoolSharing } from './gpu-sharing';

/** How a pool's nodes are bought. `reserved` uses On-Demand Capacity Reservations or Capacity Blocks. */
export type CapacityType = 'on-demand' | 'spot' | 'reserved';
/** Every `CapacityType`, for validation and the config reference. */
export const CAPACITY_TYPES: readonly CapacityType[] = ['on-demand', 'spot', 'reserved'];

/** What provisions a pool's nodes. */
export type PoolProvisioner = 'karpenter' | 'managed-node-group';
/** Every `PoolProvisioner`, for validation and the config reference. */
export const POOL_PROVISIONERS: readonly PoolProvisioner[] = ['karpenter', 'managed-node-group'];

/** What a pool's nodes are for; it sets the disruption defaults. */
export type PoolPurpose = 'training' | 'inference' | 'interactive';
/** Every `PoolPurpose`, for validation and the config reference. */
export const POOL_PURPOSES: readonly PoolPurpose[] = ['training', 'inference', 'interactive'];

/** Why Karpenter may disrupt a node. */
export type DisruptionReason = 'Underutilized' | 'Empty' | 'Drifted';

/** A Karpenter disruption budget: at most `nodes` nodes disrupted at once, for `reasons`, during a window. */
export interface DisruptionBudget {
  /** A count (`'1'`) or percentage (`'10%'`). `'0'` blocks disruption. */
  readonly nodes: string;
  /**
   * The reasons the budget limits.
   * @default - all reasons
   */
  readonly reasons?: readonly DisruptionReason[];
  /**
   * Cron schedule (UTC) of the window the budget is active in; needs `duration`.
   * @default - always active
   */
  readonly schedule?: string;
  /**
   * How long the window lasts (`'8h'`, `'30m'`).
   * @default - always active
   */
  readonly duration?: string;
}

/** Which capacity reservations a `reserved` pool launches into. */
export interface CapacityReservationSpec {
  /**
   * Reservation ids (`cr-0123...`).
   * @default - select by tags instead
   */
  readonly ids?: readonly string[];
  /**
   * Reservation tags.
   * @default - select by ids instead
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The reservations are Capacity Blocks for ML (time-boxed; instances stop when the block ends).
   * @default false
   */
  readonly capacityBlock?: boolean;
}

/** A GPU node pool as the user describes it: GPU, instance types, size, capacity, sharing. `planGpuPool` validates and normalises it. */
export interface GpuPoolSpec {
  /** Pool name: a DNS label of at most 40 characters, unique in the platform. It becomes the `aiready.dev/pool` node label. */
  readonly name: string;
  /**
   * EC2 instance types the pool may launch, from the catalogue (`p5.48xlarge`). Give this or `instanceSelector`.
   * @default - resolved from `instanceSelector`
   */
  readonly instanceTypes?: readonly string[];
  /**
   * Select instance types from the catalogue by GPU model, count, memory or EFA instead of listing them.
   * @default - use `instanceTypes`
   */
  readonly instanceSelector?: InstanceQuery;
  /**
   * What provisions the nodes: a Karpenter NodePool or an EKS managed node group. Exactly one per
   * pool, so two autoscalers never fight over it.
   * @default 'karpenter'
   */
  readonly provisioner?: PoolProvisioner;
  /**
   * How nodes are bought.
   * @default 'on-demand'
   */
  readonly capacityType?: CapacityType;
  /**
   * The reservations of a `reserved` pool (required then, refused otherwise).
   * @default - none
   */
  readonly capacityReservation?: CapacityReservationSpec;
  /**
   * What the pool is for. Training pools are never consolidated while pods run and give pods 48 h to
   * finish; inference pools consolidate when underutilized.
   * @default 'inference'
   */
  readonly purpose?: PoolPurpose;
  /**
   * Karpenter disruption budgets. Budgets that block every disruption forever raise a warning unless
   * `allowNoDisruption` says so, since such a pool never picks up new AMIs or frees idle GPUs.
   * @default - 10% of nodes at a time
   */
  readonly disruptionBudgets?: readonly DisruptionBudget[];
  /**
   * Say that budgets blocking every disruption forever are meant (silences the warning).
   * @default false
   */
  readonly allowNoDisruption?: boolean;
  /**
   * Minimum nodes (managed node groups; Karpenter keeps no minimum). A pool at zero nodes scales up
   * only for pods whose resources its autoscaler knows before a node exists: Karpenter knows whole
   * GPUs and EFA of its instance types, and learns MIG slices and shares from the NodeOverlays
   * aiready writes for shared pools (Karpenter's alpha `nodeOverlay` feature gate, which `AiPlatform`
   * turns on); the cluster autoscaler reads them from the node group's node-template tags.
   * @default 0
   */
  readonly minNodes?: number;
  /**
   * Maximum nodes.
   * @default 2
   */
  readonly maxNodes?: number;
  /**
   * The most GPUs the pool may hold at once (Karpenter `limits`: `nvidia.com/gpu`, or for a pool that
   * shares its GPUs the slices or shares of this many GPUs, plus `nodes: maxNodes`).
   * @default - maxNodes × the largest GPU count among the instance types
   */
  readonly gpuLimit?: number;
  /**
   * GPU sharing: none, MIG, time-slicing or MPS. See {@link GpuSharingSpec}.
   * @default - none: whole GPUs
   */
  readonly sharing?: GpuSharingSpec;
  /**
   * Attach EFA interfaces on every network card and place nodes in a cluster placement group, for
   * multi-node training over NCCL. Needs instance types with EFA and exactly one zone. Only pods with
   * whole GPUs use it: on a pool that shares its GPUs (MIG, time-slicing, MPS) the devices sit idle,
   * so there it is off unless asked, and asking raises a warning.
   * @default - true for training pools of p-family instances (which all have EFA) that do not share their GPUs, false otherwise
   */
  readonly efa?: boolean;
  /**
   * Availability zones the pool may use.
   * @default - any zone of the cluster's subnets
   */
  readonly zones?: readonly string[];
  /**
   * AMI family. Both ship the NVIDIA driver and container toolkit; Bottlerocket also ships its own device plugin.
   * @default 'al2023'
   */
  readonly amiFamily?: AmiFamilyId;
  /**
   * AMI release: `'latest'` to float, or an explicit release (`v20260801` for AL2023, `v1.62.0` for
   * Bottlerocket). A floating AMI replaces nodes through drift when AWS publishes a new one.
   * @default - the release pinned in the catalogue (AL2023 v20260724, Bottlerocket v1.61.0)
   */
  readonly amiRelease?: string;
  /**
   * Size of the volume that holds container images (the root volume on AL2023, the data volume on Bottlerocket), GiB.
   * @default 200
   */
  readonly imageVolumeGiB?: number;
  /**
   * gp3 throughput of that volume, MiB/s (125 to 1000). Large images pull faster with more.
   * @default 250
   */
  readonly volumeThroughputMiBps?: number;
  /**
   * Karpenter weight (1 to 100): higher-weight pools are tried first.
   * @default - 50 for reserved pools (use the reservation first), none otherwise
   */
  readonly weight?: number;
  /**
   * Your price per instance-hour (negotiated, Savings Plan, another region) by instance type, used
   * for every cost figure instead of the catalogue's us-east-1 on-demand list price.
   * @default - the catalogue's list price
   */
  readonly pricePerHour?: Readonly<Record<string, number>>;
  /**
   * Extra node labels. Keys under aiready.dev/, karpenter.sh/, karpenter.k8s.aws/ and kubernetes.io/ are reserved.
   * @default - none beyond the pool, purpose and GPU labels aiready sets
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Extra node taints, on top of `nvidia.com/gpu=true:NoSchedule`, which every GPU pool carries.
   * @default - only the GPU taint
   */
  readonly taints?: readonly Taint[];
}

/** A validated pool with every default resolved. Every layer consumes this, never the raw spec. */
export interface GpuPool {
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  /** The distinct GPU models of the instance types, in catalogue order. */
  readonly gpuModels: readonly GpuModel[];
  readonly architecture: Architecture;
  readonly provisioner: PoolProvisioner;
  readonly capacityType: CapacityType;
  readonly capacityReservation?: CapacityReservationSpec;
  readonly purpose: PoolPurpose;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly gpuLimit: number;
  /** GPUs on the largest instance type of the pool. */
  readonly maxGpusPerNode: number;
  /** GPUs on the smallest instance type of the pool. */
  readonly minGpusPerNode: number;
  readonly sharing: PoolSharing;
  /** EFA interfaces per node (one per EFA network card); 0 without EFA. */
  readonly efaInterfaces: number;
  /** Zones the pool may use; empty means any. */
  readonly zones: readonly string[];
  readonly amiFamily: AmiFamily;
  /** Karpenter AMI alias (`al2023@v20260724`). */
  readonly amiAlias: string;
  /** True when the AMI floats to the newest release. */
  readonly amiFloating: boolean;
  readonly imageVolumeGiB: number;
  readonly volumeThroughputMiBps: number;
  readonly weight?: number;
  readonly disruptionBudgets: readonly DisruptionBudget[];
  /** Every label the pool's nodes carry, sorted by key. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** Every taint the pool's nodes carry; the GPU taint first. */
  readonly taints: readonly Taint[];
  /** Soft issues found while normalising. */
  readonly warnings: readonly ValidationWarning[];
}
