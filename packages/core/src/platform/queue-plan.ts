// How Kueue sees the platform: what it counts, which jobs it manages, and each team's ClusterQueue.
//
// Kueue assigns one flavor per resource group, and a flavor's node labels and tolerations are added to
// the admitted pods. So CPU and memory are a group of their own, with one flavor (`cpu`) that has no
// node labels: a CPU-only pod never gets a GPU pool's node selector and tolerations, and a GPU pod's
// CPU and memory are counted once, not once per GPU flavor. GPUs are the second group, one flavor per
// pool, matched by the pod's pool node selector.
import { EFA_RESOURCE } from '../labels';
import { GpuPool } from '../spec/gpu-pool-types';
import { gpuQuotaResources, TeamPlan } from './team-plan';

/**
 * The ResourceFlavor that counts the CPU and memory of every queued pod. It has no node labels,
 * taints or tolerations, so it places nothing: a CPU-only pod goes where its own selectors and the
 * nodes' taints let it (the CPU pools; GPU nodes are tainted), a GPU pod where its GPU flavor says.
 */
export const KUEUE_CPU_FLAVOR = 'cpu';
/** The cohort every team's ClusterQueue joins, so teams can borrow each other's idle quota. */
export const KUEUE_COHORT = 'aiready';
/**
 * The LocalQueue every team gets. Kueue puts every job and pod of a managed namespace that names no
 * queue into the LocalQueue called `default` (LocalQueueDefaulting, GA and always on since 0.17).
 */
export const KUEUE_DEFAULT_QUEUE = 'default';

/** How a workload ranks in its queue and which workloads it may preempt. */
export type WorkloadPriority = 'high' | 'normal' | 'low';

/** The Kueue WorkloadPriorityClasses the platform creates, by priority. */
export const WORKLOAD_PRIORITY_CLASSES: Readonly<Record<WorkloadPriority, { readonly name: string; readonly value: number }>> = {
  high: { name: 'aiready-high', value: 1000 },
  normal: { name: 'aiready-normal', value: 100 },
  low: { name: 'aiready-low', value: 10 },
};

/**
 * What Kueue counts and manages, as its manager configuration says it:
 * - `excludeResourcePrefixes`: EFA devices are not quota. A pod takes them in proportion to its whole
 *   GPUs (aiready's workloads refuse EFA on slices and shares), so the GPU quota already bounds them;
 *   counted, every queue would need a second, redundant EFA quota, and a queue without one leaves
 *   every multi-node job pending ("resource unavailable in ClusterQueue").
 * - `manageJobsWithoutQueueName`: in the namespaces Kueue manages (team namespaces, by
 *   `managedJobsNamespaceSelector`), a job without a queue is held, never run past Kueue. Each team
 *   has a `default` LocalQueue, so Kueue's LocalQueueDefaulting queues such jobs there first; this
 *   only matters if that queue is missing, and then the job waits instead of bypassing the quota.
 */
export const KUEUE_ACCOUNTING = {
  excludeResourcePrefixes: [EFA_RESOURCE],
  manageJobsWithoutQueueName: true,
} as const;

/**
 * The job frameworks Kueue integrates by default (kueue 0.19.2 values.yaml, `integrations.frameworks`):
 * what aiready's manager configuration keeps, and what admission assumes when a release sets none.
 */
export const KUEUE_DEFAULT_FRAMEWORKS: readonly string[] = [
  'batch/job',
  'kubeflow.org/mpijob',
  'ray.io/rayjob',
  'ray.io/rayservice',
  'ray.io/raycluster',
  'jobset.x-k8s.io/jobset',
  'workload.codeflare.dev/appwrapper',
  'trainer.kubeflow.org/trainjob',
  'pod',
  'deployment',
  'statefulset',
  'leaderworkerset.x-k8s.io/leaderworkerset',
];

/** One resource of a ClusterQueue flavor: its nominal quota and how much more may be borrowed. */
export interface QueueResourcePlan {
  readonly name: string;
  readonly nominalQuota: string | number;
  readonly borrowingLimit: string | number;
}

/** One resource group of a ClusterQueue: resources that always get the same flavor. */
export interface QueueResourceGroupPlan {
  readonly coveredResources: readonly string[];
  readonly flavors: readonly { readonly name: string; readonly resources: readonly QueueResourcePlan[] }[];
}

/** A team's ClusterQueue quotas. */
export interface TeamQueuePlan {
  readonly resourceGroups: readonly QueueResourceGroupPlan[];
}

/** Every GPU resource some pool advertises, sorted. */
export function gpuResourcesOf(pools: readonly GpuPool[]): string[] {
  return [...new Set(pools.flatMap((p) => Object.keys(gpuQuotaResources(p, 1))))].sort();
}

/**
 * The ClusterQueue quotas of a team, in two resource groups:
 * - CPU and memory in the {@link KUEUE_CPU_FLAVOR} flavor: nominal the team's compute quota,
 *   borrowing limit what the GPU pods of its borrowable GPUs need;
 * - every GPU resource of every pool, one flavor per pool the team has quota in or may borrow from:
 *   nominal its GPUs, borrowing limit its `borrowGpus`. A team with no GPUs anywhere keeps the first
 *   pool's flavor at zero, so a GPU pod there is refused for quota rather than for an unknown resource.
 * Nominal plus borrowing limit is exactly the team's namespace ResourceQuota.
 */
export function planTeamQueue(team: TeamPlan, pools: readonly GpuPool[]): TeamQueuePlan {
  const gpuResources = gpuResourcesOf(pools);
  const withGpus = pools.filter((p) => (team.gpuQuota[p.name] ?? 0) > 0 || (team.borrowGpus[p.name] ?? 0) > 0);
  const compute: QueueResourceGroupPlan = {
    coveredResources: ['cpu', 'memory'],
    flavors: [
      {
        name: KUEUE_CPU_FLAVOR,
        resources: [
          { name: 'cpu', nominalQuota: String(team.cpu), borrowingLimit: String(team.borrowCompute.cpu) },
          { name: 'memory', nominalQuota: `${team.memoryGiB}Gi`, borrowingLimit: `${team.borrowCompute.memoryGiB}Gi` },
        ],
      },
    ],
  };
  const gpus: QueueResourceGroupPlan = {
    coveredResources: gpuResources,
    flavors: (withGpus.length ? withGpus : pools.slice(0, 1)).map((pool) => {
      const own = gpuQuotaResources(pool, team.gpuQuota[pool.name] ?? 0);
      const borrow = gpuQuotaResources(pool, team.borrowGpus[pool.name] ?? 0);
      return {
        name: pool.name,
        resources: gpuResources.map((r) => ({ name: r, nominalQuota: own[r] ?? 0, borrowingLimit: borrow[r] ?? 0 })),
      };
    }),
  };
  return { resourceGroups: gpuResources.length ? [compute, gpus] : [compute] };
}
