// What Karpenter believes a pool's nodes offer before they exist, and how it bounds the pool.
//
// Karpenter knows an instance type's CPU, memory, whole GPUs (`nvidia.com/gpu`, its GPU count) and
// EFA devices from its own data, and nothing else. A pod asking for a MIG slice or a GPU share, or
// for more `nvidia.com/gpu` than the type has GPUs (time-slicing without renaming, MIG `single`),
// finds no instance type it fits and stays Pending while the pool has no nodes. A `NodeOverlay`
// (alpha in Karpenter 1.14, feature gate `nodeOverlay`) adds that capacity to the pool's instance
// types; its values replace Karpenter's own for the resources it names.
import { KARPENTER_LABELS, NVIDIA_GPU_RESOURCE, WELL_KNOWN_LABELS } from '../labels';
import { schedulableResources } from '../spec/gpu-sharing';
import { GpuPool } from '../spec/gpu-pool-types';
import { poolGpuResources } from './pool-plan';

/** One Karpenter NodeOverlay: the capacity it gives some instance types of one NodePool. */
export interface NodeOverlayPlan {
  readonly name: string;
  /** The NodePool (its name) whose instance types it applies to. */
  readonly nodePool: string;
  readonly instanceTypes: readonly string[];
  /** Extended resources per node, replacing what Karpenter knows of them. */
  readonly capacity: Readonly<Record<string, number>>;
  /** Overlay requirements: the NodePool and the instance types. */
  readonly requirements: readonly { readonly key: string; readonly operator: 'In'; readonly values: readonly string[] }[];
}

/**
 * The NodeOverlays a Karpenter pool needs to scale from zero: none without sharing; with MIG,
 * time-slicing or MPS, one per group of instance types with the same GPU count, giving each node
 * what the device plugin will advertise (every resource whose count differs from Karpenter's own).
 * The overlays never overlap, so Karpenter has no conflict to resolve between them.
 */
export function karpenterNodeOverlays(pool: GpuPool): NodeOverlayPlan[] {
  if (pool.provisioner !== 'karpenter' || pool.sharing.mode === 'none') return [];
  const groups = new Map<number, string[]>();
  for (const t of pool.instanceTypes) groups.set(t.gpuCount, [...(groups.get(t.gpuCount) ?? []), t.name]);
  const counts = [...groups.keys()].sort((a, b) => a - b);
  return counts.flatMap((gpus) => {
    const types = [...groups.get(gpus)!].sort();
    const advertised = schedulableResources(pool.sharing, { ...pool.instanceTypes[0], gpuCount: gpus });
    const capacity = Object.fromEntries(
      Object.entries(advertised)
        .filter(([r, n]) => !(r === NVIDIA_GPU_RESOURCE && n === gpus))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    if (!Object.keys(capacity).length) return [];
    return [
      {
        name: counts.length === 1 ? pool.name : `${pool.name}-${gpus}gpu`,
        nodePool: pool.name,
        instanceTypes: types,
        capacity,
        requirements: [
          { key: KARPENTER_LABELS.nodePool, operator: 'In' as const, values: [pool.name] },
          { key: WELL_KNOWN_LABELS.instanceType, operator: 'In' as const, values: types },
        ],
      },
    ];
  });
}

/**
 * A Karpenter pool's `limits`. Without sharing, whole GPUs (`gpuLimit`). With sharing, a node
 * advertises the slices or shares instead of (or as many times over as) its GPUs, and Karpenter
 * counts a running node's advertised resources against the limits: a limit on `nvidia.com/gpu` would
 * count MIG or renamed shared nodes as having none (and never stop the pool), or time-sliced ones
 * many times over. So shared pools are limited in what they advertise (the slices or shares of
 * `gpuLimit` GPUs) and in nodes (`maxNodes`).
 */
export function karpenterPoolLimits(pool: GpuPool): Record<string, number> {
  if (pool.sharing.mode === 'none') return { [NVIDIA_GPU_RESOURCE]: pool.gpuLimit };
  return { ...poolGpuResources(pool, pool.gpuLimit), nodes: pool.maxNodes };
}
