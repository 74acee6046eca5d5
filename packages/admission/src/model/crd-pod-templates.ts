// Pods of the custom workload kinds: Kubeflow Trainer (TrainJob on its runtime), JobSet, KServe
// InferenceService predictors, KEDA ScaledJobs, LeaderWorkerSets and Argo workflows.
import { asArray, asObject, asString, at, describe, Json, labelsOf } from './kube';
import { ArgoControllerConfig, argoPodTemplates, mergeJson } from './argo-pods';
import { ObjectIndex, TargetObject } from './object-index';
import { builtInPodTemplates, jobPods, KUEUE_QUEUE_LABEL, PodTemplate } from './pod-templates';

/** The Trainer label marking the replicated job that runs the trainer. */
const ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
const ARGO_KINDS = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Pods of a training runtime's replicated jobs, optionally filled in by a TrainJob. */
function runtimePods(runtime: TargetObject, job: TargetObject | undefined): PodTemplate[] {
  const rjs = asArray(at(runtime.object, 'spec.template.spec.replicatedJobs'));
  const trainer = asObject(at(job?.object, 'spec.trainer')) ?? {};
  const numNodes = num(trainer.numNodes, num(at(runtime.object, 'spec.mlPolicy.numNodes'), 1));
  const owner = job ?? runtime;
  const runtimeName = describe(runtime.object, runtime.namespace);
  return rjs.flatMap((raw, i) => {
    const rj = asObject(raw);
    const podTpl = asObject(at(rj, 'template.spec.template'));
    const spec = asObject(podTpl?.spec);
    if (!rj || !spec) return [];
    const isTrainer = asObject(at(rj, 'template.metadata.labels'))?.[ANCESTOR_LABEL] === 'trainer' || rj.name === 'node';
    let podSpec = spec;
    if (isTrainer && job) {
      podSpec = {
        ...spec,
        containers: asArray(spec.containers).map((c) => {
          const container = asObject(c) ?? {};
          if (container.name !== 'node') return container;
          return {
            ...container,
            ...(trainer.image ? { image: trainer.image } : {}),
            ...(trainer.command ? { command: trainer.command } : {}),
            ...(trainer.args ? { args: trainer.args } : {}),
            ...(trainer.env ? { env: [...asArray(container.env), ...asArray(trainer.env)] } : {}),
            ...(trainer.resourcesPerNode
              ? { resources: mergeJson(asObject(container.resources) ?? {}, asObject(trainer.resourcesPerNode) ?? {}) }
              : {}),
          };
        }),
      };
    }
    const parallelism = num(at(rj, 'template.spec.parallelism'), 1);
    const replicas = isTrainer ? numNodes : num(rj.replicas, 1) * parallelism;
    const path = `spec.template.spec.replicatedJobs[${i}].template.spec.template.spec`;
    return [
      {
        owner,
        ownerName: job ? `${describe(job.object, job.namespace)} (runtime ${runtimeName})` : runtimeName,
        path: job ? `${runtimeName}: ${path}` : path,
        namespace: job?.namespace ?? runtime.namespace,
        metadata: mergeJson(asObject(podTpl?.metadata) ?? {}, job ? { labels: labelsOf(job.object) } : {}),
        spec: podSpec,
        replicas,
        gang: true,
        daemon: false,
        ...(isTrainer && job ? { containerPaths: { node: 'spec.trainer' } } : {}),
      },
    ];
  });
}

/** The runtime a TrainJob names, or undefined. */
export function trainJobRuntime(job: TargetObject, index: ObjectIndex): TargetObject | undefined {
  const ref = asObject(at(job.object, 'spec.runtimeRef')) ?? {};
  const kind = asString(ref.kind) ?? 'ClusterTrainingRuntime';
  const name = asString(ref.name);
  return kind === 'TrainingRuntime' ? index.find(kind, job.namespace, name) : index.find(kind, undefined, name);
}

const POD_SPEC_KEYS = new Set([
  'containers',
  'initContainers',
  'volumes',
  'nodeSelector',
  'tolerations',
  'affinity',
  'securityContext',
  'serviceAccountName',
  'imagePullSecrets',
  'priorityClassName',
  'runtimeClassName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'schedulerName',
  'topologySpreadConstraints',
  'dnsPolicy',
  'hostUsers',
  'os',
]);

/** A KServe predictor as the pod it becomes: its PodSpec fields, plus `kserve-container` from `model`. */
function predictorPods(t: TargetObject): PodTemplate[] {
  const predictor = asObject(at(t.object, 'spec.predictor'));
  if (!predictor) return [];
  const spec: Json = {};
  for (const [k, v] of Object.entries(predictor)) if (POD_SPEC_KEYS.has(k)) spec[k] = v;
  const model = asObject(predictor.model);
  if (model) {
    const { modelFormat: _f, runtime: _r, storageUri: _s, protocolVersion: _p, ...container } = model;
    spec.containers = [{ ...container, name: 'kserve-container' }, ...asArray(spec.containers)];
  }
  return [
    {
      owner: t,
      ownerName: describe(t.object, t.namespace),
      path: 'spec.predictor',
      namespace: t.namespace,
      // KServe puts `predictor.labels` and `predictor.annotations` on the predictor's pods.
      metadata: mergeJson(asObject(t.object.metadata) ?? {}, {
        labels: asObject(predictor.labels) ?? {},
        annotations: asObject(predictor.annotations) ?? {},
      }),
      spec,
      replicas: num(predictor.minReplicas, 1),
      gang: false,
      daemon: false,
      ...(model ? { containerPaths: { 'kserve-container': 'spec.predictor.model' } } : {}),
    },
  ];
}

function templateAt(t: TargetObject, path: string, replicas: number, gang: boolean): PodTemplate[] {
  const tpl = asObject(at(t.object, path));
  const spec = asObject(tpl?.spec);
  if (!spec) return [];
  return [
    {
      owner: t,
      ownerName: describe(t.object, t.namespace),
      path: `${path}.spec`,
      namespace: t.namespace,
      metadata: asObject(tpl?.metadata) ?? {},
      spec,
      replicas,
      gang,
      daemon: false,
    },
  ];
}

/** Every pod template of the target. */
export function podTemplatesOf(index: ObjectIndex, argo: readonly ArgoControllerConfig[]): PodTemplate[] {
  const pods: PodTemplate[] = [];
  const usedRuntimes = new Set<TargetObject>();
  for (const t of index.all) {
    const builtIn = builtInPodTemplates(t);
    if (builtIn) {
      pods.push(...builtIn);
      continue;
    }
    const o = t.object;
    if (ARGO_KINDS.has(o.kind) && o.apiVersion.startsWith('argoproj.io/')) pods.push(...argoPodTemplates(t, argo));
    else if (o.kind === 'TrainJob') {
      const runtime = trainJobRuntime(t, index);
      if (runtime) {
        usedRuntimes.add(runtime);
        pods.push(...runtimePods(runtime, t));
      }
    } else if (o.kind === 'JobSet') {
      asArray(at(o, 'spec.replicatedJobs')).forEach((rj, i) => {
        const r = asObject(rj);
        const replicas = num(r?.replicas, 1) * num(at(r, 'template.spec.parallelism'), 1);
        pods.push(...templateAt(t, `spec.replicatedJobs[${i}].template.spec.template`, replicas, true));
      });
    } else if (o.kind === 'InferenceService') pods.push(...predictorPods(t));
    else if (o.kind === 'ScaledJob')
      pods.push(...jobPods(t, 'spec.jobTargetRef', asObject(at(o, 'spec.jobTargetRef')), KUEUE_QUEUE_LABEL in labelsOf(o)));
    else if (o.kind === 'LeaderWorkerSet') {
      const size = num(at(o, 'spec.leaderWorkerTemplate.size'), 1);
      const groups = num(at(o, 'spec.replicas'), 1);
      pods.push(...templateAt(t, 'spec.leaderWorkerTemplate.leaderTemplate', groups, true));
      pods.push(...templateAt(t, 'spec.leaderWorkerTemplate.workerTemplate', groups * Math.max(size - 1, 1), true));
    }
  }
  for (const kind of ['ClusterTrainingRuntime', 'TrainingRuntime']) {
    for (const runtime of index.ofKind(kind)) if (!usedRuntimes.has(runtime)) pods.push(...runtimePods(runtime, undefined));
  }
  return pods;
}
