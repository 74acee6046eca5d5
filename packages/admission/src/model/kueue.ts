// Kueue as it would treat the target's workloads (kueue 0.19.2): which jobs and pods it manages, the
// LocalQueue each waits in (LocalQueueDefaulting puts those that name none in the namespace's
// `default` queue), and the flavor of each resource group it would assign (flavor order, node labels
// against the pod's node selector and required affinity, taints against the pod's and the flavor's
// tolerations, then quota: nominal plus what the cohort could lend). An admitted pod gets its flavors'
// node labels and tolerations.
import { KUEUE_DEFAULT_QUEUE, KUEUE_QUEUE_LABEL, NAMESPACE_NAME_LABEL, Taint, Toleration } from '@aiready/core';
import { kueueManagerConfig } from './chart-facts';
import { asArray, asObject, asString, asStringMap, at, Json, labelsOf } from './kube';
import { ObjectIndex, TargetObject } from './object-index';
import { PodTemplate } from './pod-templates';
import { parseQuantity } from './quantity';
import { Release } from './releases';
import { matchesSelector, requirementsOf, satisfies } from './selectors';

/** One flavor of a resource group: per resource, nominal quota and borrowing limit. */
export interface FlavorQuota {
  readonly flavor: string;
  /** Per resource: nominal quota and borrowing limit (undefined: may borrow all the cohort lends). */
  readonly resources: Readonly<Record<string, { nominal: number; borrowingLimit?: number }>>;
}

/** A ClusterQueue as Kueue reads it. */
export interface QueueInfo {
  readonly object: TargetObject;
  readonly name: string;
  readonly cohort?: string;
  readonly covered: ReadonlySet<string>;
  readonly groups: readonly { readonly covered: readonly string[]; readonly flavors: readonly FlavorQuota[] }[];
  /** Every flavor of every group. */
  readonly flavors: readonly FlavorQuota[];
}

/** A ResourceFlavor: what it adds to admitted pods, and what they must tolerate. */
export interface FlavorInfo {
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly nodeTaints: readonly Taint[];
  readonly tolerations: readonly Toleration[];
}

/** Kueue in the target: its configuration, queues and flavors. */
export interface KueueModel {
  /** A Kueue release runs in the target (without one nothing is queued). */
  readonly installed: boolean;
  readonly frameworks: ReadonlySet<string>;
  /** `managedJobsNamespaceSelector`. */
  readonly managedNamespaces: unknown;
  readonly manageJobsWithoutQueueName: boolean;
  readonly excludeResourcePrefixes: readonly string[];
  readonly queues: readonly QueueInfo[];
  readonly flavors: ReadonlyMap<string, FlavorInfo>;
  readonly index: ObjectIndex;
}

function queueInfo(t: TargetObject): QueueInfo {
  const covered = new Set<string>();
  const groups: QueueInfo['groups'][number][] = [];
  for (const g of asArray(at(t.object, 'spec.resourceGroups'))) {
    const groupCovered = asArray(asObject(g)?.coveredResources).map(String);
    groupCovered.forEach((r) => covered.add(r));
    const flavors: FlavorQuota[] = [];
    for (const f of asArray(asObject(g)?.flavors)) {
      const resources: Record<string, { nominal: number; borrowingLimit?: number }> = {};
      for (const r of asArray(asObject(f)?.resources)) {
        const o = asObject(r) ?? {};
        const limit = parseQuantity(o.borrowingLimit);
        resources[String(o.name)] = {
          nominal: parseQuantity(o.nominalQuota) ?? 0,
          ...(limit === undefined ? {} : { borrowingLimit: limit }),
        };
      }
      flavors.push({ flavor: String(asObject(f)?.name), resources });
    }
    groups.push({ covered: groupCovered, flavors });
  }
  return {
    object: t,
    name: t.object.metadata?.name ?? '',
    cohort: asString(at(t.object, 'spec.cohortName')) ?? asString(at(t.object, 'spec.cohort')),
    covered,
    groups,
    flavors: groups.flatMap((g) => g.flavors),
  };
}

function taintsOf(value: unknown): Taint[] {
  return asArray(value).flatMap((t) => {
    const o = asObject(t);
    const key = asString(o?.key);
    const effect = asString(o?.effect);
    if (!key || !effect) return [];
    return [{ key, ...(asString(o?.value) !== undefined ? { value: asString(o?.value) } : {}), effect } as Taint];
  });
}

/** The Kueue model of a target. */
export function kueueModel(index: ObjectIndex, releases: readonly Release[]): KueueModel {
  const kueue = releases.find((r) => r.chart === 'kueue');
  const config = kueue ? kueueManagerConfig(kueue) : {};
  const flavors = new Map<string, FlavorInfo>();
  for (const t of index.ofKind('ResourceFlavor')) {
    flavors.set(t.object.metadata?.name ?? '', {
      nodeLabels: asStringMap(at(t.object, 'spec.nodeLabels')),
      nodeTaints: taintsOf(at(t.object, 'spec.nodeTaints')),
      tolerations: asArray(at(t.object, 'spec.tolerations')) as Toleration[],
    });
  }
  return {
    installed: kueue !== undefined,
    frameworks: new Set(asArray(at(config, 'integrations.frameworks')).map(String)),
    managedNamespaces: at(config, 'managedJobsNamespaceSelector') ?? {
      matchExpressions: [
        { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['kube-system', kueue?.namespace ?? 'kueue-system'] },
      ],
    },
    manageJobsWithoutQueueName: at(config, 'manageJobsWithoutQueueName') === true,
    excludeResourcePrefixes: asArray(at(config, 'resources.excludeResourcePrefixes')).map(String),
    queues: index.ofKind('ClusterQueue').map(queueInfo),
    flavors,
    index,
  };
}

/** Whether Kueue ignores a resource (its `resources.excludeResourcePrefixes`). */
export function excludedByKueue(model: KueueModel, resource: string): boolean {
  return model.excludeResourcePrefixes.some((p) => resource.startsWith(p));
}

/**
 * The Kueue integration whose webhook sees a pod template's workload, and whether Kueue admits its
 * pods one by one (pod-based integrations: plain pods, Argo's workflow pods, Deployments, and the
 * Deployments KServe makes of InferenceServices) or as one workload (jobs).
 */
export function kueueIntegration(pod: PodTemplate): { framework: string; perPod: boolean } | undefined {
  switch (pod.owner.object.kind) {
    case 'Job':
    case 'CronJob':
    case 'ScaledJob':
      return { framework: 'batch/job', perPod: false };
    case 'TrainJob':
      return { framework: 'trainer.kubeflow.org/trainjob', perPod: false };
    case 'JobSet':
      return { framework: 'jobset.x-k8s.io/jobset', perPod: false };
    case 'LeaderWorkerSet':
      return { framework: 'leaderworkerset.x-k8s.io/leaderworkerset', perPod: false };
    case 'StatefulSet':
      return { framework: 'statefulset', perPod: false };
    case 'Deployment':
    case 'InferenceService':
      return { framework: 'deployment', perPod: true };
    case 'Pod':
    case 'ReplicaSet':
    case 'Workflow':
    case 'WorkflowTemplate':
    case 'ClusterWorkflowTemplate':
    case 'CronWorkflow':
      return { framework: 'pod', perPod: true };
    default:
      return undefined;
  }
}

const POD_BASED = new Set(['pod', 'deployment', 'statefulset', 'leaderworkerset.x-k8s.io/leaderworkerset']);

/** Where Kueue puts a workload. */
export interface QueueAssignment {
  /** The LocalQueue; undefined when the workload names none and none is the default (`held`). */
  readonly localQueue?: string;
  /** The label was not set: Kueue's LocalQueueDefaulting chose the namespace's `default` queue. */
  readonly defaulted: boolean;
  /** Kueue holds the workload forever: it manages jobs without a queue here, and there is no queue. */
  readonly held: boolean;
  /** The ClusterQueue behind the LocalQueue, when both exist. */
  readonly clusterQueue?: QueueInfo;
  /** Pods per Kueue workload (1 for pod-based integrations, else all the workload's pods). */
  readonly podsPerWorkload: number;
}

/** The queue Kueue would put a pod template's workload in; undefined when Kueue leaves it alone. */
export function kueueQueueOf(pod: PodTemplate, model: KueueModel): QueueAssignment | undefined {
  const integration = kueueIntegration(pod);
  if (!model.installed || !integration || !model.frameworks.has(integration.framework) || !pod.namespace) return undefined;
  const ns = model.index.namespace(pod.namespace);
  const managed = ns !== undefined && matchesSelector(model.managedNamespaces, ns.labels);
  const named = labelsOf(pod.owner.object)[KUEUE_QUEUE_LABEL] ?? labelsOf(pod)[KUEUE_QUEUE_LABEL];
  // Pod-based integrations never touch a namespace the selector leaves out, labelled or not.
  if (!managed && POD_BASED.has(integration.framework)) return undefined;
  const podsPerWorkload = integration.perPod ? 1 : pod.replicas;
  let localQueue: string | undefined;
  let defaulted = false;
  if (named) localQueue = named;
  else if (managed && model.index.find('LocalQueue', pod.namespace, KUEUE_DEFAULT_QUEUE)) {
    localQueue = KUEUE_DEFAULT_QUEUE;
    defaulted = true;
  } else if (managed && model.manageJobsWithoutQueueName) return { defaulted: false, held: true, podsPerWorkload };
  else return undefined;
  const lq = model.index.find('LocalQueue', pod.namespace, localQueue);
  const cqName = asString(at(lq?.object, 'spec.clusterQueue'));
  const clusterQueue = model.queues.find((q) => q.name === cqName);
  return { localQueue, defaulted, held: false, podsPerWorkload, ...(clusterQueue ? { clusterQueue } : {}) };
}

/** Most of `resource` a queue can hold in `flavor`: nominal plus what it may borrow from its cohort. */
export function queueCapacity(q: QueueInfo, flavor: string, resource: string, all: readonly QueueInfo[]): number {
  const own = q.flavors.find((f) => f.flavor === flavor)?.resources[resource];
  if (!own) return 0;
  const lent = q.cohort
    ? all
        .filter((o) => o !== q && o.cohort === q.cohort)
        .reduce((s, o) => s + (o.flavors.find((f) => f.flavor === flavor)?.resources[resource]?.nominal ?? 0), 0)
    : 0;
  return own.nominal + Math.min(own.borrowingLimit ?? lent, lent);
}

function tolerated(taint: Taint, tolerations: readonly Toleration[]): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    return t.key === taint.key && (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? ''));
  });
}

/** Whether the pod's node selector and required affinity, on the flavor's label keys only, admit its labels. */
function affinityMatches(spec: Json, labels: Readonly<Record<string, string>>): boolean {
  const keys = new Set(Object.keys(labels));
  for (const [k, v] of Object.entries(asStringMap(spec.nodeSelector))) if (keys.has(k) && labels[k] !== v) return false;
  const terms = asArray(at(spec, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms'));
  if (!terms.length) return true;
  return terms.some((t) =>
    requirementsOf(asObject(t)?.matchExpressions)
      .filter((r) => keys.has(r.key))
      .every((r) => satisfies(labels, r)),
  );
}

/** The flavors Kueue would assign a workload, and the pod as admitted. */
export interface FlavorAssignment {
  /** Per requested resource Kueue counts: the flavor it is counted in. */
  readonly flavors: Readonly<Record<string, string>>;
  /** Requested resources the ClusterQueue does not cover (and Kueue does not ignore). */
  readonly uncovered: readonly string[];
  /** Requested resources Kueue ignores (`excludeResourcePrefixes`). */
  readonly excluded: readonly string[];
  /** Resource groups no flavor of which can ever hold the workload, with why each flavor cannot. */
  readonly unfit: readonly { readonly resources: readonly string[]; readonly reasons: readonly string[] }[];
  /** The pod's node selector after admission: its own plus its flavors' node labels. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The pod's tolerations after admission: its own plus its flavors' tolerations. */
  readonly tolerations: readonly Toleration[];
}

/**
 * The flavors Kueue would assign a workload of `pods` pods, each requesting `requests`: for each
 * resource group it requests something of, the first flavor (in the queue's order) whose taints the
 * pod tolerates, whose node labels its node selector and affinity allow, and whose quota (nominal plus
 * what the cohort could lend) holds the whole workload.
 */
export function assignFlavors(
  spec: Json,
  requests: Readonly<Record<string, number>>,
  pods: number,
  q: QueueInfo,
  model: KueueModel,
): FlavorAssignment {
  const asked = Object.entries(requests).filter(([, v]) => v > 0);
  const excluded = asked.map(([r]) => r).filter((r) => excludedByKueue(model, r));
  const counted = asked.filter(([r]) => !excludedByKueue(model, r));
  const uncovered = counted.map(([r]) => r).filter((r) => !q.covered.has(r));
  const flavors: Record<string, string> = {};
  const unfit: { resources: string[]; reasons: string[] }[] = [];
  const nodeSelector: Record<string, string> = { ...asStringMap(spec.nodeSelector) };
  const tolerations: Toleration[] = [...(asArray(spec.tolerations) as Toleration[])];
  const podTolerations = asArray(spec.tolerations) as Toleration[];
  for (const group of q.groups) {
    const needed = counted.filter(([r]) => group.covered.includes(r));
    if (!needed.length) continue;
    const reasons: string[] = [];
    const chosen = group.flavors.find((f) => {
      const info = model.flavors.get(f.flavor) ?? { nodeLabels: {}, nodeTaints: [], tolerations: [] };
      const taint = info.nodeTaints.find(
        (t) => t.effect !== 'PreferNoSchedule' && !tolerated(t, [...podTolerations, ...info.tolerations]),
      );
      if (taint) {
        reasons.push(`${f.flavor}: untolerated taint ${taint.key}:${taint.effect}`);
        return false;
      }
      if (!affinityMatches(spec, info.nodeLabels)) {
        reasons.push(`${f.flavor}: its node labels do not match the pod's node selector or affinity`);
        return false;
      }
      const short = needed.find(([r, v]) => v * pods > queueCapacity(q, f.flavor, r, model.queues));
      if (short) {
        reasons.push(`${f.flavor}: holds at most ${queueCapacity(q, f.flavor, short[0], model.queues)} ${short[0]}`);
        return false;
      }
      return true;
    });
    if (!chosen) {
      unfit.push({ resources: needed.map(([r]) => r), reasons });
      continue;
    }
    const info = model.flavors.get(chosen.flavor);
    for (const [r] of needed) flavors[r] = chosen.flavor;
    Object.assign(nodeSelector, info?.nodeLabels ?? {});
    tolerations.push(...(info?.tolerations ?? []));
  }
  return { flavors, uncovered, excluded, unfit, nodeSelector, tolerations };
}
