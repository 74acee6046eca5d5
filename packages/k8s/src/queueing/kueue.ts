import {
  AireadyValidationError,
  CHARTS,
  GpuPool,
  KUEUE_MANAGED_NAMESPACE_LABEL,
  NAMESPACE_NAME_LABEL,
  tolerationsFor,
  ValidationProblem,
} from '@aiready/core';
import * as YAML from 'yaml';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { componentLabels } from '../private/metadata';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { gpuQuotaResources } from '../teams/team';

/** The label that puts a job in a team's queue. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** The cohort every team's ClusterQueue joins, so teams can borrow each other's idle GPUs. */
export const KUEUE_COHORT = 'aiready';
/** The LocalQueue every team gets. */
export const TEAM_LOCAL_QUEUE = 'default';
/** Priority classes for workloads (`kueue.x-k8s.io/priority-class` label). */
export const WORKLOAD_PRIORITIES = { 'aiready-high': 1000, 'aiready-normal': 100, 'aiready-low': 10 } as const;

const API = 'kueue.x-k8s.io/v1beta2';

/**
 * Kueue's manager configuration (the chart's `managerConfig.controllerManagerConfigYaml`): the chart's
 * defaults at the pinned version, with Kueue's jobs and its fail-closed webhooks scoped to the
 * namespaces labelled {@link KUEUE_MANAGED_NAMESPACE_LABEL} (team namespaces). The chart's default
 * scope is every namespace but kube-system and kueue-system, so its pod webhook would refuse pods
 * everywhere (the GPU operator's, Prometheus') whenever Kueue is down or still starting.
 */
export function kueueManagerConfig(): string {
  return YAML.stringify({
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    health: { healthProbeBindAddress: ':8081' },
    metrics: { bindAddress: ':8443' },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: 'c1f6bfd2.kueue.x-k8s.io' },
    controller: {
      groupKindConcurrency: {
        'Job.batch': 5,
        Pod: 5,
        'Workload.kueue.x-k8s.io': 10,
        'LocalQueue.kueue.x-k8s.io': 5,
        'ClusterQueue.kueue.x-k8s.io': 5,
        'ResourceFlavor.kueue.x-k8s.io': 1,
      },
    },
    clientConnection: { qps: 300, burst: 500 },
    managedJobsNamespaceSelector: { matchLabels: { [KUEUE_MANAGED_NAMESPACE_LABEL]: 'managed' } },
    integrations: {
      frameworks: [
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
      ],
    },
  });
}

export interface KueueProps {
  /** Raw chart values deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm release is installed. @default ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/** A team's place in the queues. */
export interface TeamQueueSpec {
  readonly namespace: string;
  /** GPUs per pool. */
  readonly gpuQuota: Readonly<Record<string, number>>;
  readonly cpu: number;
  readonly memoryGiB: number;
  /**
   * GPUs per pool the team may borrow from the cohort beyond its quota.
   * @default - as many as its own quota
   */
  readonly borrowGpus?: Readonly<Record<string, number>>;
}

/**
 * Kueue (chart from the version lock) and the platform's queues: a ResourceFlavor per GPU pool (its
 * node label, taints and the tolerations Kueue adds to admitted pods). Kueue 0.19 admits all-or-nothing
 * by default (`waitForPodsReady`), so a distributed job never half-starts holding GPUs.
 */
export class Kueue extends Construct {
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;
  private readonly pools: readonly GpuPool[];

  constructor(scope: Construct, id: string, pools: readonly GpuPool[], props: KueueProps = {}) {
    super(scope, id);
    this.pools = pools;
    const labels = componentLabels('kueue');
    this.namespaceObject = ownedNamespace(this, CHARTS.kueue.namespace, 'kueue', 'restricted');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.kueue,
      component: 'kueue',
      values: {
        controllerManager: { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
        managerConfig: { controllerManagerConfigYaml: kueueManagerConfig() },
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.argoCd(),
    });
    for (const pool of pools) {
      new ApiObject(this, `Flavor-${pool.name}`, {
        apiVersion: API,
        kind: 'ResourceFlavor',
        metadata: { name: pool.name, labels },
        spec: {
          nodeLabels: { 'aiready.dev/pool': pool.name },
          nodeTaints: pool.taints.map((t) => ({
            key: t.key,
            effect: t.effect,
            ...(t.value === undefined ? {} : { value: t.value }),
          })),
          tolerations: tolerationsFor(pool.taints).map((t) => ({ ...t })),
        },
      });
    }
    for (const [name, value] of Object.entries(WORKLOAD_PRIORITIES)) {
      new ApiObject(this, `Priority-${name}`, {
        apiVersion: API,
        kind: 'WorkloadPriorityClass',
        metadata: { name, labels },
        value,
        description: `aiready ${name.slice(8)} priority`,
      });
    }
  }

  /**
   * A team's ClusterQueue (in the shared cohort, quotas per pool flavor, borrowing limited) and its
   * LocalQueue. Borrowing beyond what the rest of the cohort can lend is an error.
   */
  public addTeamQueue(scope: Construct, team: TeamQueueSpec, cohort: readonly TeamQueueSpec[]): void {
    const problems: ValidationProblem[] = [];
    const labels = componentLabels('kueue');
    const flavors = this.pools.filter((p) => (team.gpuQuota[p.name] ?? 0) > 0 || (team.borrowGpus?.[p.name] ?? 0) > 0);
    for (const [pool, n] of Object.entries(team.borrowGpus ?? {})) {
      const others = cohort.filter((t) => t.namespace !== team.namespace).reduce((s, t) => s + (t.gpuQuota[pool] ?? 0), 0);
      if (!this.pools.some((p) => p.name === pool)) {
        problems.push({
          path: `borrowGpus["${pool}"]`,
          value: pool,
          problem: 'no such pool',
          fix: `use one of ${this.pools.map((p) => p.name).join(', ')}`,
        });
      } else if (!Number.isInteger(n) || n < 0 || n > others) {
        problems.push({
          path: `borrowGpus["${pool}"]`,
          value: n,
          problem: `the other teams of the cohort hold ${others} GPUs of pool '${pool}', so no more can be borrowed`,
          fix: `use a whole number from 0 to ${others}`,
        });
      }
    }
    if (problems.length) throw new AireadyValidationError(`${scope.node.path}/queue`, problems);

    const gpuResources = [...new Set(this.pools.flatMap((p) => Object.keys(gpuQuotaResources(p, 1))))].sort();
    const covered = ['cpu', 'memory', ...gpuResources];
    new ApiObject(scope, 'ClusterQueue', {
      apiVersion: API,
      kind: 'ClusterQueue',
      metadata: { name: team.namespace, labels },
      spec: {
        cohortName: KUEUE_COHORT,
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: team.namespace } },
        queueingStrategy: 'BestEffortFIFO',
        preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' },
        resourceGroups: [
          {
            coveredResources: covered,
            flavors: (flavors.length ? flavors : this.pools.slice(0, 1)).map((pool) => {
              const own = gpuQuotaResources(pool, team.gpuQuota[pool.name] ?? 0);
              const borrow = gpuQuotaResources(pool, team.borrowGpus?.[pool.name] ?? team.gpuQuota[pool.name] ?? 0);
              return {
                name: pool.name,
                resources: covered.map((r) => {
                  if (r === 'cpu') return { name: r, nominalQuota: String(team.cpu) };
                  if (r === 'memory') return { name: r, nominalQuota: `${team.memoryGiB}Gi` };
                  return { name: r, nominalQuota: own[r] ?? 0, borrowingLimit: borrow[r] ?? 0 };
                }),
              };
            }),
          },
        ],
      },
    });
    new ApiObject(scope, 'LocalQueue', {
      apiVersion: API,
      kind: 'LocalQueue',
      metadata: { name: TEAM_LOCAL_QUEUE, namespace: team.namespace, labels },
      spec: { clusterQueue: team.namespace },
    });
  }
}
