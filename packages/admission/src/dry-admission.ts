// A dry run of admission for every pod of a target: what the cluster would make of it, not just
// whether it would refuse it. For each pod template: the Kueue queue it waits in and the flavor of
// each resource Kueue counts, the pod as Kueue admits it (its flavors' node labels and tolerations
// added), its containers after pod and LimitRange defaulting, and the pools it can land on, each with
// what a node advertises and whether the pool starts from zero nodes for it.
import { Toleration } from '@aiready/core';
import { AdmissionInput, indexTarget } from './admission';
import { placePod, startsFromZero } from './checks/scheduling';
import { asArray, asObject, asString, asStringMap, at, Json } from './model/kube';
import { assignFlavors, kueueQueueOf } from './model/kueue';
import { isExtendedResource, podTotals } from './model/pod-resources';
import { containersOf } from './model/pod-templates';

/** An environment variable of a container: its value, or the pod field it comes from. */
export interface DryEnvVar {
  readonly name: string;
  readonly value?: string;
  /** `valueFrom.fieldRef.fieldPath` (the downward API). */
  readonly fieldPath?: string;
}

/** One container as the API server stores it. */
export interface DryContainer {
  readonly name: string;
  /** `containers` or `initContainers`. */
  readonly list: string;
  readonly requests: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
  readonly env: readonly DryEnvVar[];
}

/** A pool a pod can land on. */
export interface DryPool {
  readonly name: string;
  /** What a running node of the pool advertises (extended resources). */
  readonly advertises: Readonly<Record<string, number>>;
  /** The pool scales up for the pod with no node running (its autoscaler knows what the pod asks). */
  readonly startsFromZero: boolean;
}

/** What the cluster would make of one pod template. */
export interface PodAdmission {
  /** How findings name the owner: `TrainJob research/llama-finetune (runtime ...)`. */
  readonly owner: string;
  /** The pod spec's field path in the owner. */
  readonly path: string;
  readonly namespace?: string;
  /** Kueue's queue, when Kueue manages the workload. */
  readonly queue?: {
    readonly localQueue?: string;
    readonly clusterQueue?: string;
    /** Kueue chose the namespace's `default` queue: the workload named none. */
    readonly defaulted: boolean;
    /** Kueue holds the workload forever (no queue). */
    readonly held: boolean;
    /** Pods Kueue admits together as one workload. */
    readonly podsPerWorkload: number;
  };
  /** Per resource Kueue counts: the flavor it would assign. */
  readonly flavors: Readonly<Record<string, string>>;
  /** Requested resources the ClusterQueue does not cover (Kueue would never admit the workload). */
  readonly uncovered: readonly string[];
  /** Requested resources Kueue ignores. */
  readonly excluded: readonly string[];
  /** Resource groups no flavor of which can ever hold the workload. */
  readonly unfit: readonly string[][];
  /** The pod's node selector once admitted (Kueue adds its flavors' node labels). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** What one pod requests in total (containers and init containers, after defaulting). */
  readonly requests: Readonly<Record<string, number>>;
  readonly containers: readonly DryContainer[];
  /** Pools the admitted pod can land on. */
  readonly pools: readonly DryPool[];
}

function envOf(container: Json): DryEnvVar[] {
  return asArray(container.env).flatMap((raw) => {
    const e = asObject(raw);
    const name = asString(e?.name);
    if (!name) return [];
    const fieldPath = asString(at(e, 'valueFrom.fieldRef.fieldPath'));
    const value = asString(e?.value);
    return [{ name, ...(value !== undefined ? { value } : {}), ...(fieldPath ? { fieldPath } : {}) }];
  });
}

/** The dry run of every pod template of a target (DaemonSets excluded). */
export function dryAdmission(input: AdmissionInput): PodAdmission[] {
  const t = indexTarget(input);
  return t.pods
    .filter((pod) => !pod.daemon)
    .map((pod) => {
      const effective = t.resources.get(pod) ?? [];
      const requests = podTotals(effective, 'requests');
      const queue = kueueQueueOf(pod, t.kueue);
      const assigned = queue?.clusterQueue
        ? assignFlavors(pod.spec, requests, queue.podsPerWorkload, queue.clusterQueue, t.kueue)
        : undefined;
      const nodeSelector = assigned?.nodeSelector ?? asStringMap(pod.spec.nodeSelector);
      const tolerations = assigned?.tolerations ?? (asArray(pod.spec.tolerations) as Toleration[]);
      const extended = Object.entries(requests).filter(([r, v]) => isExtendedResource(r) && v > 0);
      const placed = placePod({ ...pod.spec, nodeSelector, tolerations }, extended, t.pools, t.nodes);
      const env = new Map(containersOf(pod.spec).map((c) => [`${c.list}/${c.index}`, envOf(c.container)]));
      return {
        owner: pod.ownerName,
        path: pod.path,
        ...(pod.namespace ? { namespace: pod.namespace } : {}),
        ...(queue
          ? {
              queue: {
                ...(queue.localQueue ? { localQueue: queue.localQueue } : {}),
                ...(queue.clusterQueue ? { clusterQueue: queue.clusterQueue.name } : {}),
                defaulted: queue.defaulted,
                held: queue.held,
                podsPerWorkload: queue.podsPerWorkload,
              },
            }
          : {}),
        flavors: assigned?.flavors ?? {},
        uncovered: assigned?.uncovered ?? [],
        excluded: assigned?.excluded ?? [],
        unfit: (assigned?.unfit ?? []).map((g) => [...g.resources]),
        nodeSelector,
        tolerations,
        requests,
        containers: effective.map((c) => ({
          name: c.name,
          list: c.list,
          requests: c.requests,
          limits: c.limits,
          env: env.get(`${c.list}/${c.index}`) ?? [],
        })),
        pools: (extended.length ? placed.fits : placed.tolerated).map((p) => ({
          name: p.name,
          advertises: t.nodes.get(p)?.resources ?? {},
          startsFromZero: startsFromZero(p, extended),
        })),
      };
    });
}
