// CPU and memory of GPU pods, sized from the pool's instance types, so a GPU pod never runs on a
// namespace default (a LimitRange's 1 GiB, say) and a team's compute quota holds its GPU quota.
import { migProfile } from '../catalogue/gpu-models';
import { NVIDIA_GPU_RESOURCE } from '../labels';
import { schedulableResources } from '../spec/gpu-sharing';
import { GpuPool } from '../spec/gpu-pool-types';

/**
 * The part of a node's per-GPU CPU and memory a GPU pod takes by default: the rest is left to the
 * kubelet's reserve and the node's DaemonSets (GPU operator operands, CNI, CSI, DCGM exporter), so a
 * pod asking for every GPU of a node still fits on it.
 */
export const GPU_POD_NODE_SHARE = 0.8;

/** CPU (millicores) and memory (MiB) a pod requests. */
export interface PodCompute {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/** A GPU request as data: whole GPUs, MIG slices of a profile, or time-sliced/MPS shares. */
export interface GpuAsk {
  readonly kind: 'whole' | 'mig' | 'shared';
  readonly count: number;
  readonly profile?: string;
}

/** A request written the way a user calls it (`Gpu.whole(1)`), for messages. */
export function describeGpuAsk(ask: GpuAsk): string {
  return ask.kind === 'mig' ? `Gpu.mig('${ask.profile}', ${ask.count})` : `Gpu.${ask.kind}(${ask.count})`;
}

/**
 * The extended resource and count a request takes on `pool`, or why the pool cannot serve it: whole
 * GPUs need a pool without sharing, MIG slices a MIG pool whose layout has the profile, shares a
 * time-sliced or MPS pool; and one node must hold the request, or the pod is never scheduled.
 */
export function gpuAskResource(
  pool: GpuPool,
  ask: GpuAsk,
): { readonly resource: string; readonly count: number } | { readonly problem: string; readonly fix: string } {
  const s = pool.sharing;
  const hint =
    s.mode === 'mig'
      ? `request Gpu.mig('<profile>') with one of ${Object.keys(s.migLayout!.perGpu).join(', ')}`
      : s.mode === 'none'
        ? 'request Gpu.whole(n)'
        : 'request Gpu.shared(n)';
  if (!Number.isInteger(ask.count) || ask.count < 1)
    return { problem: 'a GPU request needs a whole count of at least 1', fix: 'use e.g. Gpu.whole(1)' };
  let resource: string;
  if (ask.kind === 'whole') {
    if (s.mode !== 'none')
      return { problem: `pool '${pool.name}' shares its GPUs (${s.mode}); it has no whole GPUs to give`, fix: hint };
    resource = NVIDIA_GPU_RESOURCE;
  } else if (ask.kind === 'mig') {
    if (s.mode !== 'mig') return { problem: `pool '${pool.name}' does not use MIG`, fix: hint };
    if (!(ask.profile! in s.migLayout!.perGpu))
      return {
        problem: `pool '${pool.name}' has no ${ask.profile} slices`,
        fix: `use one of ${Object.keys(s.migLayout!.perGpu).join(', ')}`,
      };
    resource = s.migStrategy === 'single' ? NVIDIA_GPU_RESOURCE : `nvidia.com/mig-${ask.profile}`;
  } else {
    if (s.mode !== 'time-slicing' && s.mode !== 'mps')
      return { problem: `pool '${pool.name}' does not share GPUs by time-slicing or MPS`, fix: hint };
    resource = s.renameByDefault ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE;
  }
  const perNode = Math.max(...pool.instanceTypes.map((t) => schedulableResources(s, t)[resource] ?? 0));
  if (ask.count > perNode) {
    return {
      problem: `one node of pool '${pool.name}' offers at most ${perNode} x ${resource}, so the pod could never be scheduled`,
      fix: `ask for at most ${perNode}, or spread the work over several pods`,
    };
  }
  return { resource, count: ask.count };
}

/**
 * How many physical GPUs a request amounts to: a MIG slice counts by its compute slices (a 1g of a
 * 7-slice GPU is 1/7), a time-sliced or MPS share by the pool's replicas.
 */
export function gpuEquivalents(pool: GpuPool, ask: GpuAsk): number {
  if (ask.kind === 'whole') return ask.count;
  if (ask.kind === 'shared') return ask.count / (pool.sharing.replicas ?? 1);
  const model = pool.gpuModels[0];
  const profile = ask.profile === undefined ? undefined : migProfile(model, ask.profile);
  if (!profile || !model.mig) return ask.count;
  return (ask.count * profile.computeSlices) / model.mig.computeSlices;
}

/**
 * The default CPU and memory of a pod using `gpus` GPU equivalents of `pool`: {@link GPU_POD_NODE_SHARE}
 * of the per-GPU CPU and memory of the pool's leanest instance type (so it fits on every type), CPU
 * rounded down to 100m and memory to whole GiB (to 256 MiB below 1 GiB).
 */
export function gpuPodCompute(pool: GpuPool, gpus: number): PodCompute {
  const perGpu = (f: (t: GpuPool['instanceTypes'][number]) => number) =>
    Math.min(...pool.instanceTypes.map((t) => f(t) / t.gpuCount));
  const cpu = perGpu((t) => t.vcpu) * gpus * GPU_POD_NODE_SHARE * 1000;
  const memory = perGpu((t) => t.memoryGiB) * gpus * GPU_POD_NODE_SHARE * 1024;
  return {
    cpuMillicores: Math.max(100, Math.floor(cpu / 100) * 100),
    memoryMiB: memory >= 1024 ? Math.floor(memory / 1024) * 1024 : Math.max(256, Math.floor(memory / 256) * 256),
  };
}

/** Kubernetes quantities of a {@link PodCompute}. */
export function computeQuantities(c: PodCompute): { cpu: string; memory: string } {
  return {
    cpu: c.cpuMillicores % 1000 === 0 ? String(c.cpuMillicores / 1000) : `${c.cpuMillicores}m`,
    memory: c.memoryMiB % 1024 === 0 ? `${c.memoryMiB / 1024}Gi` : `${c.memoryMiB}Mi`,
  };
}

/** CPU cores and memory a team gets beyond its GPU pods, for its CPU work (notebooks, pipelines). */
export const TEAM_BASE_COMPUTE = { cpu: 16, memoryGiB: 64 } as const;

/**
 * CPU cores and memory (GiB) the GPU pods of `gpus` GPUs per pool need at the default sizes
 * ({@link gpuPodCompute} per GPU of each pool), rounded up to whole cores and GiB per pool.
 */
export function gpuPodsCompute(
  pools: readonly GpuPool[],
  gpus: Readonly<Record<string, number>>,
): { cpu: number; memoryGiB: number } {
  let cpu = 0;
  let memoryGiB = 0;
  for (const pool of pools) {
    const n = gpus[pool.name] ?? 0;
    if (!(n > 0)) continue;
    const c = gpuPodCompute(pool, n);
    cpu += Math.ceil(c.cpuMillicores / 1000);
    memoryGiB += Math.ceil(c.memoryMiB / 1024);
  }
  return { cpu, memoryGiB };
}

/**
 * A team's default compute quota: what its GPU quota needs at the default sizes
 * ({@link gpuPodsCompute}), plus {@link TEAM_BASE_COMPUTE}, in whole cores and GiB.
 */
export function teamComputeQuota(
  pools: readonly GpuPool[],
  gpuQuota: Readonly<Record<string, number>>,
): { cpu: number; memoryGiB: number } {
  const gpu = gpuPodsCompute(pools, gpuQuota);
  return { cpu: TEAM_BASE_COMPUTE.cpu + gpu.cpu, memoryGiB: TEAM_BASE_COMPUTE.memoryGiB + gpu.memoryGiB };
}
