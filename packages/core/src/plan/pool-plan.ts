// Decisions about a pool that both the Kubernetes and the cloud side need, as pure functions.
import { ACCELERATOR_LABEL, EFA_RESOURCE, Taint } from '../labels';
import { schedulableResources } from '../spec/gpu-sharing';
import { GpuPool } from '../spec/gpu-pool-types';

/**
 * Labels of a pool's EKS managed node group: the pool's node labels plus the accelerator label the
 * cluster autoscaler reads, so it does not scale up again while the device plugin starts.
 */
export function managedNodeGroupLabels(pool: GpuPool): Record<string, string> {
  const accelerator = `nvidia-${pool.gpuModels.map((m) => m.id).join('_')}`;
  return Object.fromEntries(
    Object.entries({ ...pool.nodeLabels, [ACCELERATOR_LABEL]: accelerator }).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The extended resources `gpus` physical GPUs of `pool` advertise: whole GPUs, MIG slices or shares,
 * each resource of the pool listed (at 0 for 0 GPUs).
 */
export function poolGpuResources(pool: GpuPool, gpus: number): Record<string, number> {
  const oneGpu = { ...pool.instanceTypes[0], gpuCount: 1 };
  return Object.fromEntries(Object.entries(schedulableResources(pool.sharing, oneGpu)).map(([r, n]) => [r, n * gpus]));
}

/** The EKS API spelling of a taint effect. */
export function eksTaintEffect(effect: Taint['effect']): 'NO_SCHEDULE' | 'PREFER_NO_SCHEDULE' | 'NO_EXECUTE' {
  switch (effect) {
    case 'NoSchedule':
      return 'NO_SCHEDULE';
    case 'PreferNoSchedule':
      return 'PREFER_NO_SCHEDULE';
    case 'NoExecute':
      return 'NO_EXECUTE';
  }
}

/** EKS managed node group `amiType` for a pool. */
export function managedNodeGroupAmiType(pool: GpuPool): string {
  return pool.amiFamily.nvidiaAmiType[pool.architecture];
}

/** What a pool can cost at full size, for the summary. */
export interface PoolCapacity {
  readonly maxNodes: number;
  /** Most GPUs the pool can hold: min(gpuLimit, maxNodes × GPUs of the largest type). */
  readonly maxGpus: number;
  /** Upper bound of GPU-hours per day at full size. */
  readonly maxGpuHoursPerDay: number;
  /**
   * Indicative on-demand cost per hour at full size (maxNodes of the most expensive priced type),
   * or undefined when no instance type of the pool has a verified price.
   */
  readonly maxUsdPerHour?: number;
}

/** Capacity and indicative cost of a pool at full size. */
export function poolCapacity(pool: GpuPool): PoolCapacity {
  const maxGpus = Math.min(pool.gpuLimit, pool.maxNodes * pool.maxGpusPerNode);
  const prices = pool.instanceTypes.map((t) => t.onDemandPrice?.usdPerHour).filter((p): p is number => p !== undefined);
  // Nodes are bounded both by maxNodes and by the GPU limit on the smallest type.
  const nodes = Math.min(pool.maxNodes, Math.floor(pool.gpuLimit / Math.max(pool.minGpusPerNode, 1)));
  const maxUsdPerHour = prices.length ? round(nodes * Math.max(...prices), 4) : undefined;
  return {
    maxNodes: pool.maxNodes,
    maxGpus,
    maxGpuHoursPerDay: maxGpus * 24,
    ...(maxUsdPerHour === undefined ? {} : { maxUsdPerHour }),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The tag prefix the cluster autoscaler reads node templates from, for scale-from-zero. */
export const CA_NODE_TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';

/**
 * The Auto Scaling group tags that let the cluster autoscaler scale a managed node group up from
 * zero: auto-discovery, and a node template (labels, taints, GPU/EFA resources) of the group's first
 * instance type, which is the one the autoscaler models. EKS does not copy node group labels and
 * taints to the ASG, so these go on the ASG itself.
 */
export function clusterAutoscalerTags(pool: GpuPool, clusterName: string): Record<string, string> {
  const tags: Record<string, string> = {
    'k8s.io/cluster-autoscaler/enabled': 'true',
    [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
  };
  for (const [k, v] of Object.entries(managedNodeGroupLabels(pool))) tags[`${CA_NODE_TEMPLATE}/label/${k}`] = v;
  for (const t of pool.taints) tags[`${CA_NODE_TEMPLATE}/taint/${t.key}`] = `${t.value ?? ''}:${t.effect}`;
  const first = pool.instanceTypes[0];
  for (const [resource, n] of Object.entries(schedulableResources(pool.sharing, first)))
    tags[`${CA_NODE_TEMPLATE}/resources/${resource}`] = String(n);
  if (pool.efaInterfaces > 0) tags[`${CA_NODE_TEMPLATE}/resources/${EFA_RESOURCE}`] = String(pool.efaInterfaces);
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
}

/** One EFA network interface of a node: card, device index, and whether it carries IP traffic too. */
export interface EfaInterface {
  readonly networkCardIndex: number;
  readonly deviceIndex: number;
  /** `interface`: the primary ENA (IP traffic); `efa-only`: EFA without IP, one per network card. */
  readonly interfaceType: 'interface' | 'efa-only';
}

/**
 * The network interfaces of an EFA node: the primary interface on card 0, and one EFA-only interface
 * on every network card (device index 1 on card 0, 0 on the others), as EC2 recommends for P-family
 * instances.
 */
export function efaInterfaces(pool: GpuPool): EfaInterface[] {
  if (pool.efaInterfaces === 0) return [];
  const out: EfaInterface[] = [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: 'interface' }];
  for (let card = 0; card < pool.efaInterfaces; card++) {
    out.push({ networkCardIndex: card, deviceIndex: card === 0 ? 1 : 0, interfaceType: 'efa-only' });
  }
  return out;
}

/**
 * The cluster placement group an EFA pool's nodes share (created by the cloud side), or undefined.
 * Capacity Blocks get none: their instances are already co-located, and a placement group on top
 * makes launches into the block fail.
 */
export function placementGroupName(clusterName: string, pool: GpuPool): string | undefined {
  if (pool.efaInterfaces === 0 || pool.capacityReservation?.capacityBlock) return undefined;
  return `${clusterName}-${pool.name}`;
}

/**
 * Bottlerocket settings (TOML user data) a pool needs, or undefined. Bottlerocket runs its own NVIDIA
 * device plugin, configured through its settings API rather than the GPU operator's config map, so
 * time-slicing on Bottlerocket pools is written here.
 */
export function bottlerocketSettings(pool: GpuPool): string | undefined {
  if (pool.amiFamily.id !== 'bottlerocket' || pool.sharing.mode !== 'time-slicing') return undefined;
  return [
    '[settings.kubelet-device-plugins.nvidia]',
    'device-sharing-strategy = "time-slicing"',
    '',
    '[settings.kubelet-device-plugins.nvidia.time-slicing]',
    `replicas = ${pool.sharing.replicas}`,
    `rename-by-default = ${pool.sharing.renameByDefault}`,
    'fail-requests-greater-than-one = true',
    '',
  ].join('\n');
}
