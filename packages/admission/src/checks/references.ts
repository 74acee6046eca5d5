// References resolve: every object a pod or object names exists in the target, is created by one of its
// releases, is provided by every EKS cluster, or is a declared prerequisite.
import { ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION, KUEUE_PRIORITY_LABEL } from '@aiready/core';
import { chartFacts } from '../model/chart-facts';
import { trainJobRuntime } from '../model/crd-pod-templates';
import { annotationsOf, asArray, asObject, asString, at, describe, Json, labelsOf } from '../model/kube';
import { Findings } from '../model/findings';
import { isClusterScoped, ObjectIndex, TargetObject } from '../model/object-index';
import { containersOf, containerPath, KUEUE_QUEUE_LABEL, PodTemplate } from '../model/pod-templates';
import { CLUSTER_PROVIDED, Prerequisite, prerequisiteHint, referenceKey } from '../model/prerequisites';
import { Release } from '../model/releases';
import { matchesSelector } from '../model/selectors';

/** Answers "will this object exist?" for every source of objects, indexed once. */
export class Resolver {
  private readonly known = new Set<string>();
  private readonly declared = new Set<string>();
  /** Namespaces some unrendered release installs into: objects there may come from the chart. */
  public readonly unrenderedNamespaces = new Set<string>();
  /** Those of them with a release whose chart facts do not list what it creates: nothing there is known. */
  public readonly opaqueNamespaces = new Set<string>();

  constructor(
    private readonly index: ObjectIndex,
    releases: readonly Release[],
    rendered: ReadonlySet<string>,
    prerequisites: readonly Prerequisite[],
  ) {
    for (const p of CLUSTER_PROVIDED) this.known.add(referenceKey(p.kind, p.namespace, p.name));
    for (const p of prerequisites) this.declared.add(referenceKey(p.kind, p.namespace, p.name));
    for (const r of releases) {
      if (rendered.has(r.name)) continue;
      this.unrenderedNamespaces.add(r.namespace);
      if (!chartFacts(r)?.provides) this.opaqueNamespaces.add(r.namespace);
    }
  }

  public exists(kind: string, namespace: string | undefined, name: string): boolean {
    const ns = isClusterScoped(kind) ? undefined : namespace;
    const key = referenceKey(kind, ns, name);
    if (this.index.find(kind, ns, name) || this.known.has(key) || this.declared.has(key)) return true;
    return kind === 'ServiceAccount' && name === 'default';
  }
}

function missing(
  findings: Findings,
  resolver: Resolver,
  from: { object: string; field: string; rendered: boolean },
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
  why = '',
): void {
  if (!name || resolver.exists(kind, namespace, name)) return;
  const ns = isClusterScoped(kind) ? undefined : namespace;
  const what = `${kind} ${ns ? `${ns}/` : ''}${name}`;
  if (from.rendered) {
    findings.warn(
      'references',
      `${from.object} ${from.field}`,
      `${what} is not in the rendered output; it must be created at runtime (by a hook or an operator) or beforehand`,
    );
    return;
  }
  findings.error(
    'references',
    from.object,
    from.field,
    name,
    `names ${what}, which nothing in the target creates${why}`,
    `create it in the target, or declare it a prerequisite: ${prerequisiteHint(kind, ns, name)}`,
  );
}

type Ref = [kind: string, name: string | undefined, field: string, optional: boolean];

/** The Secrets, ConfigMaps, PVCs and ServiceAccounts a pod spec names. */
function podRefs(pod: PodTemplate): Ref[] {
  const s = pod.spec;
  const refs: Ref[] = [];
  const push = (ref: Ref) => refs.push([ref[0], ref[1], `${pod.path}.${ref[2]}`, ref[3]]);
  const sa = asString(s.serviceAccountName) ?? asString(s.serviceAccount);
  if (sa) push(['ServiceAccount', sa, 'serviceAccountName', false]);
  asArray(s.imagePullSecrets).forEach((x, i) => push(['Secret', asString(asObject(x)?.name), `imagePullSecrets[${i}]`, false]));
  if (asString(s.priorityClassName)) push(['PriorityClass', asString(s.priorityClassName), 'priorityClassName', false]);
  if (asString(s.runtimeClassName)) push(['RuntimeClass', asString(s.runtimeClassName), 'runtimeClassName', false]);
  asArray(s.volumes).forEach((raw, i) => {
    const v = asObject(raw) ?? {};
    const secret = asObject(v.secret);
    const cm = asObject(v.configMap);
    if (secret) push(['Secret', asString(secret.secretName), `volumes[${i}].secret.secretName`, secret.optional === true]);
    if (cm) push(['ConfigMap', asString(cm.name), `volumes[${i}].configMap.name`, cm.optional === true]);
    const pvc = asString(asObject(v.persistentVolumeClaim)?.claimName);
    if (pvc) push(['PersistentVolumeClaim', pvc, `volumes[${i}].persistentVolumeClaim.claimName`, false]);
    asArray(asObject(v.projected)?.sources).forEach((src, j) => {
      for (const [key, kind] of [
        ['secret', 'Secret'],
        ['configMap', 'ConfigMap'],
      ] as const) {
        const ref = asObject(asObject(src)?.[key]);
        if (ref) push([kind, asString(ref.name), `volumes[${i}].projected.sources[${j}].${key}.name`, ref.optional === true]);
      }
    });
  });
  for (const { container, list, index } of containersOf(s)) {
    const base = containerPath(pod, list, index, container.name);
    asArray(container.env).forEach((e, i) => {
      const from = asObject(asObject(e)?.valueFrom);
      for (const [key, kind] of [
        ['secretKeyRef', 'Secret'],
        ['configMapKeyRef', 'ConfigMap'],
      ] as const) {
        const ref = asObject(from?.[key]);
        if (ref) refs.push([kind, asString(ref.name), `${base}.env[${i}].valueFrom.${key}.name`, ref.optional === true]);
      }
    });
    asArray(container.envFrom).forEach((e, i) => {
      for (const [key, kind] of [
        ['secretRef', 'Secret'],
        ['configMapRef', 'ConfigMap'],
      ] as const) {
        const ref = asObject(asObject(e)?.[key]);
        if (ref) refs.push([kind, asString(ref.name), `${base}.envFrom[${i}].${key}.name`, ref.optional === true]);
      }
    });
  }
  return refs;
}

function claimTemplates(t: TargetObject): Set<string> {
  return new Set(
    asArray(at(t.object, 'spec.volumeClaimTemplates')).map((c) => String(asObject(asObject(c)?.metadata)?.name ?? '')),
  );
}

/** Checks every reference of the target. */
export function checkReferences(
  pods: readonly PodTemplate[],
  index: ObjectIndex,
  releases: readonly Release[],
  resolver: Resolver,
  findings: Findings,
): void {
  for (const pod of pods) {
    if (!pod.namespace) continue;
    const rendered = pod.owner.origin.release !== undefined;
    const templates = claimTemplates(pod.owner);
    const podQueue = labelsOf(pod)[KUEUE_QUEUE_LABEL];
    if (podQueue && !labelsOf(pod.owner.object)[KUEUE_QUEUE_LABEL])
      missing(
        findings,
        resolver,
        { object: pod.ownerName, field: `${pod.path}.metadata.labels.${KUEUE_QUEUE_LABEL}`, rendered },
        'LocalQueue',
        pod.namespace,
        podQueue,
        ': Kueue keeps the pod gated forever',
      );
    const podPriority = labelsOf(pod)[KUEUE_PRIORITY_LABEL];
    if (podPriority && !labelsOf(pod.owner.object)[KUEUE_PRIORITY_LABEL])
      missing(
        findings,
        resolver,
        { object: pod.ownerName, field: `${pod.path}.metadata.labels.${KUEUE_PRIORITY_LABEL}`, rendered },
        'WorkloadPriorityClass',
        undefined,
        podPriority,
      );
    for (const [kind, name, field, optional] of podRefs(pod)) {
      if (optional || (kind === 'PersistentVolumeClaim' && name && templates.has(name))) continue;
      missing(findings, resolver, { object: pod.ownerName, field, rendered }, kind, pod.namespace, name);
    }
  }
  const hasDefaultClass = index
    .ofKind('StorageClass')
    .some((t) => annotationsOf(t.object)['storageclass.kubernetes.io/is-default-class'] === 'true');
  for (const t of index.all) {
    const o = t.object;
    const from = (field: string) => ({ object: describe(o, t.namespace), field, rendered: t.origin.release !== undefined });
    if (
      t.namespace &&
      !isClusterScoped(o.kind) &&
      !index.hasNamespace(t.namespace) &&
      !resolver.exists('Namespace', undefined, t.namespace) &&
      !t.origin.release
    )
      findings.error(
        'references',
        describe(o, t.namespace),
        'metadata.namespace',
        t.namespace,
        `namespace ${t.namespace} is not created by the target`,
        `add a Namespace ${t.namespace}, or declare it a prerequisite`,
      );
    const labels = labelsOf(o);
    if (labels[KUEUE_QUEUE_LABEL])
      missing(
        findings,
        resolver,
        from(`metadata.labels.${KUEUE_QUEUE_LABEL}`),
        'LocalQueue',
        t.namespace,
        labels[KUEUE_QUEUE_LABEL],
        ': Kueue leaves the workload suspended forever',
      );
    if (labels[KUEUE_PRIORITY_LABEL])
      missing(
        findings,
        resolver,
        from(`metadata.labels.${KUEUE_PRIORITY_LABEL}`),
        'WorkloadPriorityClass',
        undefined,
        labels[KUEUE_PRIORITY_LABEL],
      );
    switch (o.kind) {
      case 'PersistentVolumeClaim':
        claimClass(findings, resolver, from('spec.storageClassName'), asObject(o.spec), hasDefaultClass);
        break;
      case 'StatefulSet':
        asArray(at(o, 'spec.volumeClaimTemplates')).forEach((c, i) =>
          claimClass(
            findings,
            resolver,
            from(`spec.volumeClaimTemplates[${i}].spec.storageClassName`),
            asObject(asObject(c)?.spec),
            hasDefaultClass,
          ),
        );
        break;
      case 'LocalQueue':
        missing(findings, resolver, from('spec.clusterQueue'), 'ClusterQueue', undefined, asString(at(o, 'spec.clusterQueue')));
        break;
      case 'ClusterQueue':
        asArray(at(o, 'spec.resourceGroups')).forEach((g, i) =>
          asArray(asObject(g)?.flavors).forEach((f, j) =>
            missing(
              findings,
              resolver,
              from(`spec.resourceGroups[${i}].flavors[${j}].name`),
              'ResourceFlavor',
              undefined,
              asString(asObject(f)?.name),
            ),
          ),
        );
        break;
      case 'TrainJob':
        if (!trainJobRuntime(t, index)) {
          const ref = asObject(at(o, 'spec.runtimeRef')) ?? {};
          missing(
            findings,
            resolver,
            from('spec.runtimeRef.name'),
            asString(ref.kind) ?? 'ClusterTrainingRuntime',
            t.namespace,
            asString(ref.name),
          );
        }
        break;
      case 'ScaledObject': {
        const target = asObject(at(o, 'spec.scaleTargetRef')) ?? {};
        missing(
          findings,
          resolver,
          from('spec.scaleTargetRef.name'),
          asString(target.kind) ?? 'Deployment',
          t.namespace,
          asString(target.name),
        );
        asArray(at(o, 'spec.triggers')).forEach((tr, i) => {
          const auth = asObject(asObject(tr)?.authenticationRef);
          if (auth)
            missing(
              findings,
              resolver,
              from(`spec.triggers[${i}].authenticationRef.name`),
              asString(auth.kind) ?? 'TriggerAuthentication',
              t.namespace,
              asString(auth.name),
            );
        });
        break;
      }
      case 'Ingress':
        ingressRefs(o, (field, name) => missing(findings, resolver, from(field), 'Service', t.namespace, name));
        break;
      case 'ServiceMonitor':
        serviceMonitorTargets(t, index, resolver, findings);
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const ref = asObject(o.roleRef) ?? {};
        const kind = asString(ref.kind) ?? 'ClusterRole';
        if (kind === 'Role' || !resolver.unrenderedNamespaces.size)
          missing(findings, resolver, from('roleRef.name'), kind, t.namespace, asString(ref.name));
        break;
      }
      case 'Namespace': {
        const key = annotationsOf(o)[ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION];
        const cm = key ? index.find('ConfigMap', o.metadata?.name, 'artifact-repositories') : undefined;
        if (key && !asObject(cm?.object.data)?.[key])
          findings.error(
            'references',
            describe(o),
            `metadata.annotations.${ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION}`,
            key,
            `names key '${key}' of ConfigMap ${o.metadata?.name}/artifact-repositories, which ${cm ? 'has no such key' : 'the target does not create'}`,
            'create the ConfigMap with that key, or remove the annotation',
          );
        break;
      }
    }
  }
  for (const r of releases) {
    if (!index.hasNamespace(r.namespace) && !r.createsNamespace && !resolver.exists('Namespace', undefined, r.namespace))
      findings.error(
        'references',
        r.installer,
        'namespace',
        r.namespace,
        `installs into namespace ${r.namespace}, which nothing creates`,
        `create the Namespace in the target, or let the installer create it (CreateNamespace=true)`,
      );
    for (const ref of chartFacts(r)?.references?.(r) ?? [])
      missing(
        findings,
        resolver,
        { object: r.installer, field: `values.${ref.path}`, rendered: false },
        ref.kind,
        ref.namespace,
        ref.name,
        ` (chart ${r.chart} waits for it, so the release never becomes ready)`,
      );
  }
}

function claimClass(
  findings: Findings,
  resolver: Resolver,
  from: { object: string; field: string; rendered: boolean },
  spec: Json | undefined,
  hasDefault: boolean,
): void {
  const cls = asString(spec?.storageClassName);
  if (cls) missing(findings, resolver, from, 'StorageClass', undefined, cls);
  else if (spec && cls === undefined && !hasDefault && !from.rendered)
    findings.warn(
      'references',
      `${from.object} ${from.field}`,
      'no storageClassName and the target marks no StorageClass as default: the claim stays Pending unless the cluster has a default',
    );
}

function ingressRefs(o: Json, ref: (field: string, name: string | undefined) => void): void {
  const def = asString(at(o, 'spec.defaultBackend.service.name'));
  if (def) ref('spec.defaultBackend.service.name', def);
  asArray(at(o, 'spec.rules')).forEach((rule, i) =>
    asArray(at(rule, 'http.paths')).forEach((p, j) =>
      ref(`spec.rules[${i}].http.paths[${j}].backend.service.name`, asString(at(p, 'backend.service.name'))),
    ),
  );
}

/** A ServiceMonitor selects at least one Service, and each endpoint's named port exists on it. */
function serviceMonitorTargets(t: TargetObject, index: ObjectIndex, resolver: Resolver, findings: Findings): void {
  const o = t.object;
  const nsSel = asObject(at(o, 'spec.namespaceSelector')) ?? {};
  const names = nsSel.any === true ? undefined : asArray(nsSel.matchNames).map(String);
  const namespaces = names && names.length ? names : nsSel.any === true ? undefined : [t.namespace];
  const candidates = namespaces ? namespaces.flatMap((ns) => index.inNamespace('Service', ns)) : index.ofKind('Service');
  const services = candidates.filter((s) => matchesSelector(at(o, 'spec.selector'), labelsOf(s.object)));
  if (!services.length) {
    if (t.origin.release) return;
    const unknown = (namespaces ?? []).filter((ns) => ns && resolver.opaqueNamespaces.has(ns));
    if (unknown.length) {
      findings.warn(
        'references',
        `${describe(o, t.namespace)} spec.selector`,
        `selects no Service aiready knows of in ${unknown.join(', ')}; a release installed there is not rendered, so whether it creates one is unchecked (render it to check)`,
      );
      return;
    }
    findings.error(
      'references',
      describe(o, t.namespace),
      'spec.selector',
      at(o, 'spec.selector'),
      `selects no Service in ${namespaces ? namespaces.join(', ') : 'any namespace'}, so Prometheus scrapes nothing`,
      'label the Service to match the selector, or fix the selector',
    );
    return;
  }
  asArray(at(o, 'spec.endpoints')).forEach((e, i) => {
    const port = asString(asObject(e)?.port);
    if (!port) return;
    if (!services.some((s) => asArray(at(s.object, 'spec.ports')).some((p) => asObject(p)?.name === port)))
      findings.error(
        'references',
        describe(o, t.namespace),
        `spec.endpoints[${i}].port`,
        port,
        `no selected Service has a port named '${port}'`,
        'name the Service port, or use the port name it has',
      );
  });
}
