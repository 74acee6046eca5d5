// Every pod the target would make the cluster create, found in every kind that carries a pod template:
// the built-in workload kinds here, the custom ones (Argo, Kubeflow Trainer, JobSet, KServe, KEDA,
// LeaderWorkerSet) in crd-pod-templates.ts.
import { KUEUE_QUEUE_LABEL } from '@aiready/core';
import { asArray, asObject, at, describe, Json, labelsOf } from './kube';
import { TargetObject } from './object-index';

/** A pod the cluster will create, as the API server will see it. */
export interface PodTemplate {
  /** The object that declares it (a TrainJob for the pods of its runtime). */
  readonly owner: TargetObject;
  /** How findings name the owner: `Deployment serving/llm`. */
  readonly ownerName: string;
  /** Field path of the pod spec in the declaring object (`spec.template.spec`). */
  readonly path: string;
  /** Where the pods run; undefined for a cluster-scoped template no namespaced object uses yet. */
  readonly namespace?: string;
  readonly metadata: Json;
  /** The pod spec, with whatever a controller injects (Argo's init and wait containers). */
  readonly spec: Json;
  /** Pods created at once. */
  readonly replicas: number;
  /** All `replicas` pods must be admitted together (a gang: multi-node training, Kueue workloads). */
  readonly gang: boolean;
  /** Runs one pod per node (DaemonSet): scheduling checks do not apply. */
  readonly daemon: boolean;
  /** Containers a controller injects, by name, with what configures them (for the fix). */
  readonly injected?: Readonly<Record<string, string>>;
  /** The field path in the declaring object of each container, by container name (for findings). */
  readonly containerPaths?: Readonly<Record<string, string>>;
}

/** Container lists of a pod spec, in the order Pod Security visits them. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container of a pod spec with its list and index. */
export function containersOf(spec: Json): { container: Json; list: string; index: number }[] {
  return CONTAINER_LISTS.flatMap((list) =>
    asArray(spec[list]).flatMap((c, index) => {
      const container = asObject(c);
      return container ? [{ container, list, index }] : [];
    }),
  );
}

/** The field path of a container in the declaring object, for findings. */
export function containerPath(pod: PodTemplate, list: string, index: number, name: unknown): string {
  const known = typeof name === 'string' ? pod.containerPaths?.[name] : undefined;
  return known ?? `${pod.path}.${list}[${index}]`;
}

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function template(
  owner: TargetObject,
  path: string,
  replicas: number,
  options: { gang?: boolean; daemon?: boolean } = {},
): PodTemplate[] {
  const tpl = asObject(at(owner.object, path));
  const spec = asObject(tpl?.spec);
  if (!spec) return [];
  return [
    {
      owner,
      ownerName: describe(owner.object, owner.namespace),
      path: `${path}.spec`,
      namespace: owner.namespace,
      metadata: asObject(tpl?.metadata) ?? {},
      spec,
      replicas,
      gang: options.gang ?? false,
      daemon: options.daemon ?? false,
    },
  ];
}

/** A batch Job spec's pods: `parallelism` at once; an Indexed or Kueue-queued Job runs as a gang. */
export function jobPods(owner: TargetObject, path: string, jobSpec: Json | undefined, queued: boolean): PodTemplate[] {
  if (!jobSpec) return [];
  const parallelism = count(jobSpec.parallelism, 1);
  const gang = queued || (jobSpec.completionMode === 'Indexed' && parallelism > 1);
  return template(owner, `${path}.template`, parallelism, { gang });
}

/** The Kueue queue a workload names, if any. */
export { KUEUE_QUEUE_LABEL } from '@aiready/core';

/** Pod templates of the built-in kinds. */
export function builtInPodTemplates(t: TargetObject): PodTemplate[] | undefined {
  const o = t.object;
  const spec = asObject(o.spec);
  const queued = KUEUE_QUEUE_LABEL in labelsOf(o);
  switch (o.kind) {
    case 'Pod':
      return spec
        ? [
            {
              owner: t,
              ownerName: describe(o, t.namespace),
              path: 'spec',
              namespace: t.namespace,
              metadata: asObject(o.metadata) ?? {},
              spec,
              replicas: 1,
              gang: false,
              daemon: false,
            },
          ]
        : [];
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return template(t, 'spec.template', count(spec?.replicas, 1));
    case 'DaemonSet':
      return template(t, 'spec.template', 1, { daemon: true });
    case 'Job':
      return jobPods(t, 'spec', spec, queued);
    case 'CronJob':
      return jobPods(t, 'spec.jobTemplate.spec', asObject(at(o, 'spec.jobTemplate.spec')), queued);
    case 'PodTemplate':
      return template(t, 'template', 1);
    default:
      return undefined;
  }
}
