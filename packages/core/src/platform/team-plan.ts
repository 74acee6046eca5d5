// Teams planned together: each team's namespace, quotas and access, checked against the pools and
// against every other team at once, so the result never depends on the order teams are declared in.
import { unserializableName } from '../spec/schema';
import { ProblemCollector, ValidationProblem } from '../errors';
import { poolCapacity, poolGpuResources } from '../plan/pool-plan';
import { gpuPodsCompute, teamComputeQuota } from '../plan/pod-resources';
import { IAM_PRINCIPAL_ARN } from '../plan/team-access';
import { GpuPool } from '../spec/gpu-pool-types';
import { isDnsLabel } from '../util/kubernetes-names';
import { TeamSpec } from './team-spec';

/** Namespaces Kubernetes itself owns: a team there would take over cluster infrastructure. */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** The quota resources of `gpus` physical GPUs of `pool` (MIG slices and shares included). */
export function gpuQuotaResources(pool: GpuPool, gpus: number): Record<string, number> {
  return poolGpuResources(pool, gpus);
}

/** A team, validated, with every default resolved. */
export interface TeamPlan {
  readonly spec: TeamSpec;
  /** The team's name, which is its namespace. */
  readonly namespace: string;
  /** Physical GPUs per pool. */
  readonly gpuQuota: Readonly<Record<string, number>>;
  /**
   * GPUs per pool the team may borrow from the cohort (Kueue; 0 without a queue), for the pools it has
   * GPUs of or names in its borrowGpus, in pool order. It borrows none of any other pool (a record per
   * pool per team would grow with pools x teams): read it with `?? 0`, or use {@link teamGpuCeiling}.
   */
  readonly borrowGpus: Readonly<Record<string, number>>;
  /** CPU cores of its own (nominal). */
  readonly cpu: number;
  /** Memory (GiB) of its own (nominal). */
  readonly memoryGiB: number;
  /** CPU cores and memory (GiB) the GPU pods of its borrowed GPUs need, borrowed with them. */
  readonly borrowCompute: { readonly cpu: number; readonly memoryGiB: number };
  readonly podSecurity: 'restricted' | 'baseline';
  /**
   * The namespace ResourceQuota: the most the team's pods may request at once, which is what its
   * Kueue queue may admit (its own quota plus its borrowing limit), so the quota never refuses a pod
   * Kueue admitted by borrowing. Every GPU resource of every pool is listed, at 0 when the team has none.
   */
  readonly namespaceQuota: {
    readonly cpu: number;
    readonly memoryGiB: number;
    readonly gpuResources: Readonly<Record<string, number>>;
  };
  /** The team gets a Kueue queue. */
  readonly queue: boolean;
}

/** The most GPUs of `pool` the team's pods may hold at once: its own, plus what it may borrow. */
export function teamGpuCeiling(team: TeamPlan, pool: string): number {
  return (team.gpuQuota[pool] ?? 0) + (team.borrowGpus[pool] ?? 0);
}

/** What team planning needs to know about the platform. */
export interface TeamContext {
  readonly pools: readonly GpuPool[];
  /** Kueue runs: every team needs a queue. */
  readonly kueue: boolean;
  /** Argo Workflows runs in the teams' namespaces (its executor reports to the API server). */
  readonly argoWorkflows: boolean;
  /** Namespaces the platform's components install into; no team may take one. */
  readonly platformNamespaces: readonly string[];
}

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

interface PoolIndex {
  /** The pools by name. */
  readonly names: ReadonlyMap<string, GpuPool>;
  /** Each pool's place in the list, by pool. */
  readonly order: ReadonlyMap<GpuPool, number>;
  /** Every GPU resource of every pool, at 0. */
  readonly zero: Readonly<Record<string, number>>;
}

/** Per pools list (one per platform). */
const poolIndex = new WeakMap<readonly GpuPool[], PoolIndex>();

/** The pools indexed once for all teams (not per team: pools x teams). */
function indexPools(pools: readonly GpuPool[]): PoolIndex {
  let index = poolIndex.get(pools);
  if (!index) {
    const zero: Record<string, number> = {};
    for (const pool of pools) for (const r of Object.keys(gpuQuotaResources(pool, 0))) zero[r] = 0;
    index = { names: new Map(pools.map((p) => [p.name, p])), order: new Map(pools.map((p, i) => [p, i])), zero };
    poolIndex.set(pools, index);
  }
  return index;
}

/** Validates one team on its own and resolves its defaults; undefined (problems recorded) when invalid. */
export function planTeam(spec: TeamSpec, ctx: TeamContext, path: string, problems: ProblemCollector): TeamPlan | undefined {
  const before = problems.problems.length;
  const add = (p: ValidationProblem) => problems.add({ ...p, path: `${path}.${p.path}` });
  const { names, order, zero } = indexPools(ctx.pools);
  const quota = spec.gpuQuota ?? {};
  const level = spec.podSecurity ?? 'restricted';
  const unserializable = unserializableName('name', spec.name);
  if (unserializable) add(unserializable);
  else if (!isDnsLabel(spec.name ?? '')) {
    add({ path: 'name', value: spec.name, problem: 'a team name is its namespace: a DNS label', fix: "use e.g. 'ml-research'" });
  } else if (SYSTEM_NAMESPACES.includes(spec.name) || ctx.platformNamespaces.includes(spec.name)) {
    add({
      path: 'name',
      value: spec.name,
      problem: SYSTEM_NAMESPACES.includes(spec.name)
        ? 'is a namespace Kubernetes owns; a team there would override its Pod Security level and deny its traffic'
        : "is a namespace the platform's own components install into; a team there would override its Pod Security level and deny its traffic",
      fix: "name the team after the people who use it, e.g. 'ml-research'",
    });
  }
  for (const [pool, gpus] of Object.entries(quota)) {
    if (!names.has(pool)) {
      add({
        path: `gpuQuota["${pool}"]`,
        value: pool,
        problem: 'no such pool',
        fix: `use one of ${[...names.keys()].join(', ')}`,
      });
    }
    if (!Number.isInteger(gpus) || gpus < 0) {
      add({ path: `gpuQuota["${pool}"]`, value: gpus, problem: 'must be a whole number of GPUs', fix: 'use e.g. 8' });
    }
  }
  for (const key of ['editPrincipalArns', 'viewPrincipalArns'] as const) {
    (spec[key] ?? []).forEach((arn, i) => {
      if (typeof arn !== 'string' || !IAM_PRINCIPAL_ARN.test(arn)) {
        add({
          path: `${key}[${i}]`,
          value: arn,
          problem: 'not an IAM role or user ARN (EKS access entries take no STS session or group names)',
          fix: "use e.g. 'arn:aws:iam::123456789012:role/research-engineers'",
        });
      }
    });
  }
  if (spec.allowEgressHttps === false && ctx.argoWorkflows && !spec.apiServerCidrs?.length) {
    add({
      path: 'allowEgressHttps',
      value: false,
      problem:
        'blocks the Argo executor in every workflow pod from reporting to the API server, so no workflow step would finish',
      fix: 'give apiServerCidrs (on EKS, the VPC CIDR), or keep allowEgressHttps',
    });
  }
  (spec.apiServerCidrs ?? []).forEach((cidr, i) => {
    if (!CIDR.test(cidr))
      add({ path: `apiServerCidrs[${i}]`, value: cidr, problem: 'not an IPv4 CIDR', fix: "use e.g. '10.0.0.0/16'" });
  });
  if (level !== 'restricted' && level !== 'baseline') {
    add({
      path: 'podSecurity',
      value: level,
      problem: 'not a level a team may have',
      fix: "use 'restricted', or 'baseline' with a podSecurityReason",
    });
  }
  if (level === 'baseline' && !spec.podSecurityReason?.trim()) {
    add({
      path: 'podSecurityReason',
      value: spec.podSecurityReason,
      problem: 'baseline lets containers run as root; say why',
      fix: "e.g. podSecurityReason: 'vendor CUDA image runs as root'",
    });
  }
  // Only pools the team has or borrows GPUs of add anything to its quotas (sums of whole numbers: in any
  // order); in pool order, as borrowGpus lists them.
  const some = [...new Set([...Object.keys(quota), ...Object.keys(spec.borrowGpus ?? {})])]
    .flatMap((n) => names.get(n) ?? [])
    .sort((a, b) => order.get(a)! - order.get(b)!);
  const known = Object.fromEntries(Object.entries(quota).filter(([name]) => names.has(name)));
  const sized = teamComputeQuota(some, known);
  const cpu = spec.computeQuota?.cpu ?? sized.cpu;
  const memoryGiB = spec.computeQuota?.memoryGiB ?? sized.memoryGiB;
  if (!(cpu > 0) || !(memoryGiB > 0)) {
    add({ path: 'computeQuota', value: spec.computeQuota, problem: 'must be positive', fix: 'e.g. { cpu: 64, memoryGiB: 512 }' });
  }
  if (ctx.kueue && spec.queue === false) {
    add({
      path: 'queue',
      value: false,
      problem: "the platform runs Kueue, which admits a team's jobs only through a queue",
      fix: 'leave queue unset, or run the platform without kueue',
    });
  }
  for (const [pool, n] of Object.entries(spec.borrowGpus ?? {})) {
    if (!names.has(pool)) {
      add({
        path: `borrowGpus["${pool}"]`,
        value: pool,
        problem: 'no such pool',
        fix: `use one of ${[...names.keys()].join(', ')}`,
      });
    } else if (!Number.isInteger(n) || n < 0) {
      add({ path: `borrowGpus["${pool}"]`, value: n, problem: 'must be a whole number of GPUs', fix: 'use e.g. 4' });
    }
  }
  if (problems.problems.length > before) return undefined;

  const queue = ctx.kueue && spec.queue !== false;
  // Borrowing is Kueue's: without a queue nothing is lent or borrowed.
  const borrowGpus: Record<string, number> = {};
  for (const p of some) borrowGpus[p.name] = queue ? (spec.borrowGpus?.[p.name] ?? quota[p.name] ?? 0) : 0;
  const borrowCompute = gpuPodsCompute(some, borrowGpus);
  const gpuHard: Record<string, number> = { ...zero };
  for (const pool of some) {
    const gpus = (quota[pool.name] ?? 0) + borrowGpus[pool.name];
    // A pool the team has no GPU of adds its resources at 0: they are in `zero` already.
    if (gpus === 0) continue;
    for (const [r, n] of Object.entries(gpuQuotaResources(pool, gpus))) gpuHard[r] += n;
  }
  // Extended resources are quota'd by requests only; a resource absent from the quota would be
  // unlimited, so every GPU resource of every pool is listed (gpuQuotaResources lists them at 0 GPUs).
  return {
    spec,
    namespace: spec.name,
    gpuQuota: quota,
    borrowGpus,
    cpu,
    memoryGiB,
    borrowCompute,
    podSecurity: level,
    namespaceQuota: {
      cpu: cpu + borrowCompute.cpu,
      memoryGiB: memoryGiB + borrowCompute.memoryGiB,
      gpuResources: Object.fromEntries(Object.entries(gpuHard).sort(([a], [b]) => a.localeCompare(b))),
    },
    queue,
  };
}

/**
 * Rules across teams, over all of them at once: unique names, GPU quotas no pool could ever supply,
 * and borrowing beyond what the rest of the cohort holds (checked against every other team,
 * whatever order they were declared in).
 */
export function checkTeamsTogether(
  teams: readonly TeamPlan[],
  pools: readonly GpuPool[],
  kueue: boolean,
  path: (index: number) => string,
  problems: ProblemCollector,
): void {
  const seen = new Map<string, number>();
  teams.forEach((t, i) => {
    const first = seen.get(t.namespace);
    if (first !== undefined) {
      problems.add({
        path: `${path(i)}.name`,
        value: t.namespace,
        problem: `the same name as ${path(first)}; a team is its namespace`,
        fix: 'give every team a unique name',
      });
    } else seen.set(t.namespace, i);
  });
  // Each team's quotas, indexed by pool once: the checks below read them per pool, not per team x pool.
  const asksOf = new Map<string, (typeof teams)[number][]>();
  const quotaOf = new Map<string, number>();
  for (const t of teams)
    for (const [pool, n] of Object.entries(t.gpuQuota)) {
      quotaOf.set(pool, (quotaOf.get(pool) ?? 0) + n);
      if (n > 0) {
        const asks = asksOf.get(pool);
        if (asks) asks.push(t);
        else asksOf.set(pool, [t]);
      }
    }
  for (const pool of pools) {
    const asks = asksOf.get(pool.name) ?? [];
    const promised = asks.reduce((sum, t) => sum + t.gpuQuota[pool.name], 0);
    const supply = poolCapacity(pool).maxGpus;
    if (promised > supply) {
      problems.add({
        path: `teams.gpuQuota["${pool.name}"]`,
        value: Object.fromEntries(asks.map((t) => [t.namespace, t.gpuQuota[pool.name]])),
        problem: `teams ${asks.map((t) => t.namespace).join(', ')} are promised ${promised} GPUs of pool '${pool.name}', which can hold at most ${supply}`,
        fix: `lower the quotas to ${supply} in total, or raise the pool's maxNodes or gpuLimit`,
      });
    }
  }
  if (!kueue) return;
  teams.forEach((team, i) => {
    for (const [pool, n] of Object.entries(team.spec.borrowGpus ?? {})) {
      const others = (quotaOf.get(pool) ?? 0) - (team.gpuQuota[pool] ?? 0);
      if (n > others) {
        problems.add({
          path: `${path(i)}.borrowGpus["${pool}"]`,
          value: n,
          problem: `the other teams of the cohort hold ${others} GPUs of pool '${pool}', so no more can be borrowed`,
          fix: `use a whole number from 0 to ${others}`,
        });
      }
    }
  });
}
