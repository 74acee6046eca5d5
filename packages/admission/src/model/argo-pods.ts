// The pods Argo Workflows creates for a workflow's templates, as its controller builds them
// (argo-workflows v4.0.x workflow/controller/workflowpod.go): the template's container as `main`, the
// executor's `init` and `wait` containers with the controller's `executor` settings, and the
// workflow-level settings (workflowDefaults merged under the workflow's own spec).
import { ARGO_INSTANCE_ID_LABEL } from '@aiready/core';
import * as YAML from 'yaml';
import { asArray, asObject, asString, at, describe, Json, labelsOf } from './kube';
import { ObjectIndex, TargetObject } from './object-index';
import { PodTemplate } from './pod-templates';
import { Release, valueOf } from './releases';

/** What an Argo controller adds to every workflow pod. */
export interface ArgoControllerConfig {
  /** Where the settings come from, for fixes: `release argo-workflows (values executor.securityContext)`. */
  readonly source: string;
  /** The `executor` container settings (securityContext, resources) of init and wait containers. */
  readonly executor: Json;
  /** Defaults merged under every main container. */
  readonly mainContainer: Json;
  /** `workflowDefaults.spec`. */
  readonly workflowDefaults: Json;
  readonly instanceId?: string;
}

/** Argo's `MinimalCtrSC`: what resource templates' executor containers get when none is configured. */
const MINIMAL_CONTAINER_SC: Json = {
  capabilities: { drop: ['ALL'] },
  privileged: false,
  runAsNonRoot: true,
  runAsUser: 8737,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
};

function parse(text: unknown): Json {
  if (typeof text !== 'string') return asObject(text) ?? {};
  try {
    return asObject(YAML.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/** The controllers of the target: from argo-workflows releases' values, or their rendered config maps. */
export function argoControllers(index: ObjectIndex, releases: readonly Release[]): ArgoControllerConfig[] {
  const out: ArgoControllerConfig[] = [];
  const rendered = new Set<string>();
  for (const t of index.ofKind('ConfigMap')) {
    if (!t.object.metadata?.name?.endsWith('workflow-controller-configmap')) continue;
    const data = asObject(t.object.data) ?? {};
    if (t.origin.release) rendered.add(t.origin.release);
    out.push({
      source: `${describe(t.object, t.namespace)} (data.executor)`,
      executor: parse(data.executor),
      mainContainer: parse(data.mainContainer),
      workflowDefaults: asObject(parse(data.workflowDefaults).spec) ?? {},
      ...(asString(data.instanceID) ? { instanceId: asString(data.instanceID) } : {}),
    });
  }
  for (const r of releases) {
    if (r.chart !== 'argo-workflows' || rendered.has(r.name)) continue;
    const instance = valueOf(r, 'controller.instanceID.enabled', false)
      ? valueOf<unknown>(r, 'controller.instanceID.explicitID', undefined)
      : undefined;
    out.push({
      source: `${r.installer} (values executor.securityContext)`,
      executor: asObject(valueOf<unknown>(r, 'executor', {})) ?? {},
      mainContainer: asObject(valueOf<unknown>(r, 'mainContainer', {})) ?? {},
      workflowDefaults: asObject(valueOf<unknown>(r, 'controller.workflowDefaults.spec', {})) ?? {},
      ...(typeof instance === 'string' ? { instanceId: instance } : {}),
    });
  }
  return out;
}

/** Deep merge where `over` wins; arrays are replaced, as in a strategic merge of these fields. */
export function mergeJson(under: Json, over: Json): Json {
  const out: Json = { ...under };
  for (const [k, v] of Object.entries(over)) {
    const a = asObject(out[k]);
    const b = asObject(v);
    out[k] = a && b ? mergeJson(a, b) : v;
  }
  return out;
}

const POD_FIELDS_FROM_TEMPLATE = ['nodeSelector', 'tolerations', 'affinity'] as const;

/**
 * The pods of a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow: one per
 * template that runs a pod (container, script, resource, data, containerSet).
 */
export function argoPodTemplates(t: TargetObject, controllers: readonly ArgoControllerConfig[]): PodTemplate[] {
  const o = t.object;
  const specPath = o.kind === 'CronWorkflow' ? 'spec.workflowSpec' : 'spec';
  const ownSpec = asObject(at(o, specPath)) ?? {};
  const instance =
    labelsOf(o)[ARGO_INSTANCE_ID_LABEL] ?? asString(at(ownSpec, `workflowMetadata.labels.${ARGO_INSTANCE_ID_LABEL}`));
  const controller = controllers.find((c) => c.instanceId === instance);
  const wf = mergeJson(controller?.workflowDefaults ?? {}, ownSpec);
  const executorSource = controller?.source ?? 'the Argo controller (none in this target; chart defaults assumed)';
  const pods: PodTemplate[] = [];
  asArray(ownSpec.templates).forEach((raw, i) => {
    const tmpl = asObject(raw);
    if (!tmpl) return;
    const path = `${specPath}.templates[${i}]`;
    const kind = ['container', 'script', 'resource', 'data', 'containerSet'].find((k) => k in tmpl);
    if (!kind) return;
    const executor = (name: string): Json => {
      const sc = asObject(controller?.executor.securityContext);
      const securityContext =
        sc ?? (kind === 'resource' ? { ...MINIMAL_CONTAINER_SC, readOnlyRootFilesystem: name === 'main' } : undefined);
      return {
        name,
        image: 'quay.io/argoproj/argoexec',
        ...(securityContext ? { securityContext } : {}),
        ...(controller?.executor.resources ? { resources: controller.executor.resources } : {}),
      };
    };
    const main = (c: unknown, name = 'main'): Json => ({
      ...mergeJson(controller?.mainContainer ?? {}, asObject(c) ?? {}),
      name: asString(asObject(c)?.name) ?? name,
    });
    const mains: Json[] =
      kind === 'container'
        ? [main(tmpl.container)]
        : kind === 'script'
          ? [main(tmpl.script)]
          : kind === 'containerSet'
            ? asArray(asObject(tmpl.containerSet)?.containers).map((c, j) => main(c, `main-${j}`))
            : [executor('main')];
    const needsWait = kind !== 'resource' && kind !== 'data';
    const containerPaths: Record<string, string> = {};
    if (kind === 'container' || kind === 'script') containerPaths.main = `${path}.${kind}`;
    const sidecars = asArray(tmpl.sidecars).map((s) => asObject(s) ?? {});
    const inits = asArray(tmpl.initContainers).map((s) => asObject(s) ?? {});
    const spec: Json = {
      initContainers: [executor('init'), ...inits],
      containers: [...(needsWait ? [executor('wait')] : []), ...mains, ...sidecars],
      volumes: [
        { name: 'var-run-argo', emptyDir: {} },
        { name: 'tmp-dir-argo', emptyDir: {} },
        ...asArray(tmpl.volumes),
        ...asArray(wf.volumes),
      ],
      serviceAccountName: asString(tmpl.serviceAccountName) ?? asString(wf.serviceAccountName) ?? 'default',
      ...((tmpl.securityContext ?? wf.securityContext) ? { securityContext: tmpl.securityContext ?? wf.securityContext } : {}),
      ...(wf.hostNetwork ? { hostNetwork: wf.hostNetwork } : {}),
      ...((asString(tmpl.priorityClassName) ?? asString(wf.podPriorityClassName))
        ? { priorityClassName: asString(tmpl.priorityClassName) ?? asString(wf.podPriorityClassName) }
        : {}),
      ...(wf.imagePullSecrets ? { imagePullSecrets: wf.imagePullSecrets } : {}),
    };
    for (const f of POD_FIELDS_FROM_TEMPLATE) {
      const v = tmpl[f] ?? wf[f];
      if (v !== undefined) spec[f] = v;
    }
    const metadata = mergeJson(asObject(wf.podMetadata) ?? {}, asObject(tmpl.metadata) ?? {});
    pods.push({
      owner: t,
      ownerName: describe(o, t.namespace),
      path,
      namespace: t.namespace,
      metadata,
      spec,
      replicas: 1,
      gang: false,
      daemon: false,
      injected: {
        init: executorSource,
        wait: executorSource,
        ...(kind === 'resource' || kind === 'data' ? { main: executorSource } : {}),
      },
      containerPaths,
    });
  });
  return pods;
}
