// What every aiready GPU pod needs, in one place: placement on its pool, the GPU request, and the
// container security settings that pass Pod Security `restricted` yet suit CUDA images.
import {
  AireadyValidationError,
  computeQuantities,
  DO_NOT_DISRUPT_ANNOTATION,
  EFA_RESOURCE,
  gpuEquivalents,
  gpuPodCompute,
  KUEUE_PRIORITY_LABEL,
  KUEUE_QUEUE_LABEL,
  POOL_LABEL,
  teamGpuCeiling,
  tolerationsFor,
  ValidationProblem,
  WORKLOAD_PRIORITY_CLASSES,
  WorkloadPriority,
} from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { Team } from '../teams/team';
import { Gpu } from './gpu';

/** The container of a GPU workload: image, command, environment, user, CPU and memory. */
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
  /**
   * Kueue priority (`kueue.x-k8s.io/priority-class`): the order in the team's queue, and which
   * workloads of the team this one may preempt. Needs a platform with Kueue.
   * @default - Kueue's default: priority 0, below every aiready class
   */
  readonly priority?: WorkloadPriority;
}

/**
 * The Kueue labels of a team's workload: its queue (the team's LocalQueue) and, when given, its
 * priority class. Kueue would put the workload in that queue anyway (LocalQueueDefaulting); naming it
 * keeps the objects honest about where they wait. Throws when `priority` is not a priority, or is
 * given on a platform without Kueue.
 */
export function kueueLabels(scope: string, team: Team, priority: WorkloadPriority | undefined): Record<string, string> {
  if (priority !== undefined && !(priority in WORKLOAD_PRIORITY_CLASSES)) {
    throw new AireadyValidationError(scope, [
      {
        path: 'priority',
        value: priority,
        problem: 'not a workload priority',
        fix: `use one of ${Object.keys(WORKLOAD_PRIORITY_CLASSES).join(', ')}`,
      },
    ]);
  }
  if (priority !== undefined && !team.queueName) {
    throw new AireadyValidationError(scope, [
      {
        path: 'priority',
        value: priority,
        problem: `Kueue ranks workloads by priority, and team '${team.namespace}' has no Kueue queue`,
        fix: 'run the platform with kueue: true, or leave priority unset',
      },
    ]);
  }
  return {
    ...(team.queueName ? { [KUEUE_QUEUE_LABEL]: team.queueName } : {}),
    ...(priority ? { [KUEUE_PRIORITY_LABEL]: WORKLOAD_PRIORITY_CLASSES[priority].name } : {}),
  };
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
 * The size of a GPU pod's /dev/shm (a memory-backed emptyDir) in GiB: as asked, or 32 GiB or half the
 * pod's memory when that is less (NCCL and data loaders need far more than the container default of
 * 64 MiB). It is memory and counts against the pod's limit, so it must stay below it.
 */
export function sharedMemoryGiB(
  requested: number | undefined,
  podMemoryGiB: number,
  path: string,
): { sizeGiB: number; problem?: ValidationProblem } {
  const sizeGiB = requested ?? Math.min(32, Math.floor(podMemoryGiB / 2));
  if (!(sizeGiB > 0)) return { sizeGiB, problem: { path, value: sizeGiB, problem: 'must be positive', fix: 'use e.g. 32' } };
  if (sizeGiB >= podMemoryGiB)
    return {
      sizeGiB,
      problem: {
        path,
        value: sizeGiB,
        problem: `/dev/shm is memory and counts against the pod's ${podMemoryGiB} GiB limit, so the pod would be OOM-killed filling it`,
        fix: `use less than ${podMemoryGiB} (half of it is a good start), or raise resources.memoryGiB`,
      },
    };
  return { sizeGiB };
}

/** The /dev/shm volume of a GPU pod and its mount. */
export function sharedMemoryVolume(sizeGiB: number): { volume: kplus.k8s.Volume; mount: kplus.k8s.VolumeMount } {
  return {
    volume: { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: kplus.k8s.Quantity.fromString(`${sizeGiB}Gi`) } },
    mount: { name: 'dshm', mountPath: '/dev/shm' },
  };
}

/**
 * The problem when `pods` pods of `gpu` each need more of `pool` than the team may ever hold (its GPU
 * quota, plus what it may borrow through Kueue): the pods past it would never run.
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
  const own = team.gpuQuota[pool.pool.name] ?? 0;
  const most = teamGpuCeiling(team.plan, pool.pool.name);
  if (needed <= most) return undefined;
  const borrow = most - own;
  return {
    path,
    value: pods,
    problem: `${pods} ${what} need ${+needed.toFixed(3)} GPUs of pool '${pool.pool.name}', and team '${team.namespace}' has a quota of ${own}${borrow ? ` and may borrow ${borrow}` : ''}, so the pods past it would never run`,
    fix: borrow
      ? `raise the team's gpuQuota or borrowGpus for '${pool.pool.name}' to ${Math.ceil(needed)} together, or use fewer pods`
      : `raise the team's gpuQuota for '${pool.pool.name}' to at least ${Math.ceil(needed)}, or use fewer pods`,
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
