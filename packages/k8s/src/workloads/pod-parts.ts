// What every aiready GPU pod needs, in one place: placement on its pool, the GPU request, and the
// container security settings that pass Pod Security `restricted` yet suit CUDA images.
import {
  AireadyValidationError,
  computeQuantities,
  DO_NOT_DISRUPT_ANNOTATION,
  EFA_RESOURCE,
  gpuEquivalents,
  gpuPodCompute,
  POOL_LABEL,
  tolerationsFor,
  ValidationProblem,
} from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { Team } from '../teams/team';
import { Gpu } from './gpu';

export interface GpuContainerOptions {
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Run as root. Many CUDA images expect it, but it needs a team with `podSecurity: 'baseline'`.
   * @default false - runs as UID/GID 1000
   */
  readonly runAsRoot?: boolean;
  /**
   * CPU cores and memory (GiB) per pod, requested (and memory also the limit).
   * @default - sized per GPU from the pool's leanest instance type: 80% of its per-GPU CPU and memory
   */
  readonly resources?: { readonly cpu?: number; readonly memoryGiB?: number };
}

/**
 * The container security context (plain data, used in objects and in chart values alike): no
 * privilege escalation, all capabilities dropped, the runtime's seccomp profile (all required by Pod
 * Security `restricted`), and a non-root user (`uid`, 1000 by default) unless the team allows root.
 * The root filesystem stays writable: CUDA and PyTorch write caches there.
 */
export function containerSecurity(runAsRoot: boolean, uid = 1000): kplus.k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
    readOnlyRootFilesystem: false,
    ...(runAsRoot ? { runAsNonRoot: false, runAsUser: 0 } : { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid }),
  };
}

/** The resources of one GPU pod: requests and limits as Kubernetes quantities (strings or counts). */
export interface GpuPodResources {
  readonly requests: Readonly<Record<string, string | number>>;
  readonly limits: Readonly<Record<string, string | number>>;
  /** The CPU request in cores. */
  readonly cpuCores: number;
  /** The memory limit in GiB (what /dev/shm counts against). */
  readonly memoryGiB: number;
}

/** The same quantities as cdk8s-plus `Quantity`s, for the generated Kubernetes bindings. */
export function quantities(values: Readonly<Record<string, string | number>>): Record<string, kplus.k8s.Quantity> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      typeof v === 'number' ? kplus.k8s.Quantity.fromNumber(v) : kplus.k8s.Quantity.fromString(v),
    ]),
  );
}

/**
 * Checks shared by GPU workloads, and the resources of one pod: the GPUs in the pool's own resource,
 * EFA devices in proportion to the GPUs (a pod on half a node's GPUs takes half its EFA devices), and
 * CPU and memory sized per GPU from the pool (or as given), requested so the team quota counts them
 * and with a memory limit, so no namespace default ever applies to a GPU pod.
 */
export function gpuPodResources(
  scope: string,
  team: Team,
  pool: IGpuPool,
  gpu: Gpu,
  options: GpuContainerOptions & { readonly efa?: boolean },
): GpuPodResources {
  const { resource, count } = gpu.resourceOn(pool.pool, scope);
  const problems: ValidationProblem[] = [];
  if (options.runAsRoot && team.podSecurity === 'restricted') {
    problems.push({
      path: 'runAsRoot',
      value: true,
      problem: `team '${team.namespace}' enforces Pod Security restricted, which refuses root containers`,
      fix: "give the team podSecurity: 'baseline' with a reason, or run as non-root",
    });
  }
  if (options.efa && pool.pool.efaInterfaces === 0) {
    problems.push({
      path: 'efa',
      value: true,
      problem: `pool '${pool.pool.name}' has no EFA interfaces`,
      fix: 'target an EFA pool (efa: true, one zone), or set efa: false',
    });
  } else if (options.efa && gpu.kind !== 'whole') {
    problems.push({
      path: 'efa',
      value: true,
      problem: `EFA devices are not shared: a pod on a ${gpu.kind === 'mig' ? 'MIG slice' : 'GPU share'} would take the node's ${pool.pool.efaInterfaces} EFA devices from every other pod on it`,
      fix: 'request whole GPUs on a pool without sharing for multi-node NCCL, or set efa: false',
    });
  }
  if (!options.image || /\s/.test(options.image)) {
    problems.push({
      path: 'image',
      value: options.image,
      problem: 'not a container image',
      fix: "use e.g. 'nvcr.io/nvidia/pytorch:25.08-py3'",
    });
  }
  const sized = gpuPodCompute(pool.pool, gpuEquivalents(pool.pool, gpu));
  const cpu = options.resources?.cpu;
  const memoryGiB = options.resources?.memoryGiB;
  if (cpu !== undefined && !(typeof cpu === 'number' && cpu > 0 && Number.isFinite(cpu))) {
    problems.push({ path: 'resources.cpu', value: cpu, problem: 'not a number of CPU cores', fix: 'use e.g. 8 or 0.5' });
  }
  if (memoryGiB !== undefined && !(Number.isInteger(memoryGiB) && memoryGiB > 0)) {
    problems.push({ path: 'resources.memoryGiB', value: memoryGiB, problem: 'not a whole number of GiB', fix: 'use e.g. 64' });
  }
  if (problems.length) throw new AireadyValidationError(scope, problems);
  const pod = {
    cpuMillicores: cpu === undefined ? sized.cpuMillicores : Math.round(cpu * 1000),
    memoryMiB: memoryGiB === undefined ? sized.memoryMiB : memoryGiB * 1024,
  };
  const compute = computeQuantities(pod);
  const efa: Record<string, number> = options.efa
    ? { [EFA_RESOURCE]: Math.max(1, Math.floor((pool.pool.efaInterfaces * count) / pool.pool.maxGpusPerNode)) }
    : {};
  return {
    requests: { cpu: compute.cpu, memory: compute.memory },
    limits: { memory: compute.memory, [resource]: count, ...efa },
    cpuCores: pod.cpuMillicores / 1000,
    memoryGiB: pod.memoryMiB / 1024,
  };
}

/**
 * The problem when `pods` pods of `gpu` each need more of `pool` than the team's GPU quota holds: the
 * namespace quota would refuse the pods past it, so they never run.
 */
export function teamGpuQuotaProblem(
  team: Team,
  pool: IGpuPool,
  gpu: Gpu,
  pods: number,
  path: string,
  what: string,
): ValidationProblem | undefined {
  const needed = gpuEquivalents(pool.pool, gpu) * pods;
  const quota = team.gpuQuota[pool.pool.name] ?? 0;
  if (needed <= quota) return undefined;
  return {
    path,
    value: pods,
    problem: `${pods} ${what} need ${+needed.toFixed(3)} GPUs of pool '${pool.pool.name}', and team '${team.namespace}' has a quota of ${quota}, so the pods past it would never run`,
    fix: `raise the team's gpuQuota for '${pool.pool.name}' to at least ${Math.ceil(needed)}, or use fewer pods`,
  };
}

/** Placement of a pod on its pool: node selector and tolerations; do-not-disrupt for training. */
export function poolPlacement(
  pool: IGpuPool,
  training: boolean,
): { nodeSelector: Record<string, string>; tolerations: kplus.k8s.Toleration[]; annotations: Record<string, string> } {
  return {
    nodeSelector: { [POOL_LABEL]: pool.pool.name },
    tolerations: tolerationsFor(pool.pool.taints).map((t) => ({ ...t })),
    annotations: training ? { [DO_NOT_DISRUPT_ANNOTATION]: 'true' } : {},
  };
}
