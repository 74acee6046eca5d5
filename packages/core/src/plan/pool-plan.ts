// Decisions about a pool that both the Kubernetes and the cloud side need, as pure functions.
import { ACCELERATOR_LABEL, Taint } from '../labels';
import { GpuPool } from '../spec/gpu-pool-spec';

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
