import {
  KUEUE_DEFAULT_FRAMEWORKS,
  CHARTS,
  GpuPool,
  KUEUE_ACCOUNTING,
  KUEUE_COHORT,
  KUEUE_CPU_FLAVOR,
  KUEUE_DEFAULT_QUEUE,
  KUEUE_MANAGED_NAMESPACE_LABEL,
  NAMESPACE_NAME_LABEL,
  planTeamQueue,
  tolerationsFor,
  WORKLOAD_PRIORITY_CLASSES,
} from '@aiready/core';
import * as YAML from 'yaml';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { componentLabels } from '../private/metadata';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { Team } from '../teams/team';
import type { PlatformComponent } from '../platform/platform-component';

export { KUEUE_COHORT, KUEUE_QUEUE_LABEL } from '@aiready/core';
/** The LocalQueue every team gets (`KUEUE_DEFAULT_QUEUE` in @aiready/core). */
export const TEAM_LOCAL_QUEUE = KUEUE_DEFAULT_QUEUE;

const API = 'kueue.x-k8s.io/v1beta2';

/**
 * Kueue's manager configuration (the chart's `managerConfig.controllerManagerConfigYaml`): the chart's
 * defaults at the pinned version, with
 * - Kueue's jobs and its fail-closed webhooks scoped to the namespaces labelled
 *   {@link KUEUE_MANAGED_NAMESPACE_LABEL} (team namespaces). The chart's default scope is every
 *   namespace but kube-system and kueue-system, so its pod webhook would refuse pods everywhere (the
 *   GPU operator's, Prometheus') whenever Kueue is down or still starting;
 * - what Kueue counts and holds stated, not left to defaults (`KUEUE_ACCOUNTING` in @aiready/core):
 *   EFA devices excluded from quota, and jobs without a queue held in managed namespaces. There every
 *   job and pod that names no queue is put in the team's `default` LocalQueue (LocalQueueDefaulting),
 *   Argo's workflow pods and inference Deployments included, through the pod and deployment
 *   integrations.
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
    manageJobsWithoutQueueName: KUEUE_ACCOUNTING.manageJobsWithoutQueueName,
    managedJobsNamespaceSelector: { matchLabels: { [KUEUE_MANAGED_NAMESPACE_LABEL]: 'managed' } },
    integrations: { frameworks: [...KUEUE_DEFAULT_FRAMEWORKS] },
    resources: { excludeResourcePrefixes: [...KUEUE_ACCOUNTING.excludeResourcePrefixes] },
  });
}

/** Props of `Kueue`. */
export interface KueueProps {
  /** Raw chart values deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm release is installed. @default - the enclosing platform's, else ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * Kueue (chart from the version lock) and the platform's queues: a ResourceFlavor per GPU pool (its
 * node label, taints and the tolerations Kueue adds to admitted pods), the `cpu` flavor that counts
 * CPU and memory and places nothing, and the WorkloadPriorityClasses workloads name with `priority`.
 * Kueue 0.19 admits all-or-nothing by default (`waitForPodsReady`), so a distributed job never
 * half-starts holding GPUs.
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
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
    // Places nothing: CPU and memory of every pod are counted here whatever node the pod lands on.
    new ApiObject(this, `Flavor-${KUEUE_CPU_FLAVOR}`, {
      apiVersion: API,
      kind: 'ResourceFlavor',
      metadata: { name: KUEUE_CPU_FLAVOR, labels },
      spec: {},
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
    for (const [priority, { name, value }] of Object.entries(WORKLOAD_PRIORITY_CLASSES)) {
      new ApiObject(this, `Priority-${name}`, {
        apiVersion: API,
        kind: 'WorkloadPriorityClass',
        metadata: { name, labels },
        value,
        description: `aiready ${priority} priority`,
      });
    }
  }

  /**
   * A team's ClusterQueue (in the shared cohort; CPU and memory in the `cpu` flavor, GPUs per pool
   * flavor; borrowing limited) and its LocalQueue `default`, where Kueue puts every job of the
   * namespace that names no queue.
   */
  public teamQueues(team: Team): void {
    const labels = componentLabels('kueue');
    const queue = planTeamQueue(team.plan, this.pools);
    new ApiObject(team, 'ClusterQueue', {
      apiVersion: API,
      kind: 'ClusterQueue',
      metadata: { name: team.namespace, labels },
      spec: {
        cohortName: KUEUE_COHORT,
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: team.namespace } },
        queueingStrategy: 'BestEffortFIFO',
        preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' },
        resourceGroups: queue.resourceGroups.map((g) => ({
          coveredResources: [...g.coveredResources],
          flavors: g.flavors.map((f) => ({ name: f.name, resources: f.resources.map((r) => ({ ...r })) })),
        })),
      },
    });
    new ApiObject(team, 'LocalQueue', {
      apiVersion: API,
      kind: 'LocalQueue',
      metadata: { name: TEAM_LOCAL_QUEUE, namespace: team.namespace, labels },
      spec: { clusterQueue: team.namespace },
    });
  }
}

/** Kueue in the platform: each team gets its queues and its namespace is labelled Kueue-managed. */
export const KUEUE_COMPONENT: PlatformComponent<Kueue> = {
  id: 'kueue',
  build: ({ scope, plan }) =>
    plan.components.kueue ? new Kueue(scope, 'kueue', plan.pools, { values: plan.values.kueue }) : undefined,
  team: (kueue) => ({
    namespaceLabels: { [KUEUE_MANAGED_NAMESPACE_LABEL]: 'managed' },
    objects: (team) => kueue.teamQueues(team),
    workloads: { queueName: TEAM_LOCAL_QUEUE },
  }),
};
