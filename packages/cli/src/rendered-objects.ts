// What the renderer does to rendered objects before they are written: placed as the cluster would
// hold them, Secret values redacted, objects applied twice found, laid out one file per kind.
import type { KubeObject } from '@aiready/k8s';
import type { ValidationProblem } from '@aiready/core';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { emitYaml } from './yaml-emitter';

/**
 * Kinds the Kubernetes API serves cluster-scoped (1.36). Helm and Argo CD put every other object
 * without a namespace into the release namespace; so does the renderer, so that duplicates and
 * schemas are checked on what the cluster would hold.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterTrustBundle',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'DeviceClass',
  'DeviceTaintRule',
  'FlowSchema',
  'IngressClass',
  'IPAddress',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'ResourceSlice',
  'RuntimeClass',
  'ServiceCIDR',
  'StorageClass',
  'StorageVersionMigration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeAttributesClass',
]);

/** The API group of an apiVersion (`''` for the core group). */
export function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The fields of a CRD the renderer reads. */
export interface Crd {
  spec?: { group?: string; scope?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] };
}

/** Cluster-scoped custom kinds (`group/Kind`) the CRDs among `objects` define. */
export function clusterScopedCustomKinds(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const spec = (o as Crd).spec;
    if (o.kind === 'CustomResourceDefinition' && spec?.scope === 'Cluster') out.add(`${spec.group}/${spec.names?.kind}`);
  }
  return out;
}

const REDACTED = '[redacted by aiready]';

/** A Secret's values never reach the review tree: each becomes a marker with a short digest, so a change still shows. */
export function redactSecret(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || group(o.apiVersion) !== '') return o;
  // An empty value (a webhook certificate Secret its controller fills in) is no secret: it stays empty.
  const mark = (v: unknown) =>
    v === '' || v === null ? v : `${REDACTED} sha256:${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)}`;
  const out: KubeObject = { ...o };
  for (const field of ['data', 'stringData'] as const) {
    const values = o[field] as Record<string, unknown> | undefined;
    if (!values || typeof values !== 'object') continue;
    out[field] = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        field === 'data' && mark(v) ? Buffer.from(String(mark(v))).toString('base64') : mark(v),
      ]),
    );
  }
  return out;
}

/** Whether {@link redactSecret} replaced a value of this Secret: its real content is not on disk. */
export function wasRedacted(o: KubeObject): boolean {
  if (o.kind !== 'Secret' || group(o.apiVersion) !== '') return false;
  const values = (field: 'data' | 'stringData') => Object.values((o[field] as Record<string, unknown> | undefined) ?? {});
  return (
    values('data').some((v) => Buffer.from(String(v), 'base64').toString('utf8').startsWith(REDACTED)) ||
    values('stringData').some((v) => String(v).startsWith(REDACTED))
  );
}

/**
 * Places an object as the cluster stores it: a namespaced object without a namespace goes into the
 * release namespace (as Helm and Argo CD apply it); a cluster-scoped one loses a namespace the chart
 * gave it (as the API server drops it; kueue 0.19.2 sets one on its webhook configurations).
 */
export function placeInNamespace(o: KubeObject, namespace: string, clusterScopedCustom: ReadonlySet<string>): KubeObject {
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(o.kind) || clusterScopedCustom.has(`${group(o.apiVersion)}/${o.kind}`);
  if (clusterScoped && o.metadata?.namespace !== undefined) {
    const { namespace: _dropped, ...metadata } = o.metadata;
    return { ...o, metadata };
  }
  if (clusterScoped || o.metadata?.namespace) return o;
  return { ...o, metadata: { ...o.metadata, namespace } };
}

function identity(o: KubeObject): string {
  return `${o.kind}${group(o.apiVersion) ? `.${group(o.apiVersion)}` : ''} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;
}

/** Every object applied twice within a target, by whom, with the fix. */
export function duplicateProblems(
  sources: readonly { name: string; native?: boolean; objects: readonly KubeObject[] }[],
): ValidationProblem[] {
  const owners = new Map<string, string[]>();
  for (const s of sources) {
    for (const o of s.objects) {
      const id = identity(o);
      const who = s.native ? "aiready's own objects (manifests/)" : `release ${s.name}`;
      const list = owners.get(id) ?? [];
      if (!list.includes(who)) owners.set(id, [...list, who]);
      else if (!s.native) owners.set(id, [...list, `${who} (twice)`]);
    }
  }
  return [...owners]
    .filter(([, who]) => who.length > 1)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, who]) => ({
      path: id,
      value: who,
      problem: `is applied by ${who.join(' and ')}; the two fight over it, and deleting either deletes it`,
      fix: id.startsWith('CustomResourceDefinition')
        ? "install each CRD once: set skipCrds on the release whose chart carries a copy in crds/ (HelmReleaseProps.skipCrds), or turn the chart's CRDs off in its values"
        : "keep one: turn the chart's copy off in its values, or leave it out of aiready's objects",
    }));
}

const HEAD_KEYS = ['apiVersion', 'kind', 'metadata'];

/** Keys sorted at every depth, apiVersion, kind and metadata first at the top (as in manifests/). */
function ordered(v: unknown, top = false): unknown {
  if (Array.isArray(v)) return v.map((x) => ordered(x));
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  const head = top ? HEAD_KEYS.filter((k) => k in o) : [];
  return Object.fromEntries([...head, ...keys.filter((k) => !head.includes(k))].map((k) => [k, ordered(o[k])]));
}

function sortKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** One rendered file's objects as it holds them: by namespace, name and apiVersion, keys ordered. */
function fileObjects(objects: readonly KubeObject[]): Record<string, unknown>[] {
  return [...objects]
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.apiVersion.localeCompare(b.apiVersion))
    .map((o) => ordered(o, true) as Record<string, unknown>);
}

/** One rendered file: objects by namespace, name and apiVersion, as YAML documents. */
export function renderedContent(objects: readonly KubeObject[]): string {
  return fileContent(fileObjects(objects));
}

function fileContent(objects: readonly Record<string, unknown>[]): string {
  return objects.map((o) => emitYaml(o)).join('---\n');
}

/**
 * `rendered/<name>/<kind>.yaml` for one release's objects, each file's objects as {@link fileObjects}
 * gives them; a kind two API groups share gets the group in its name.
 */
export function renderedFileObjects(name: string, objects: readonly KubeObject[]): Map<string, Record<string, unknown>[]> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const same = byKind.get(o.kind);
    if (same) same.push(o);
    else byKind.set(o.kind, [o]);
  }
  const files = new Map<string, KubeObject[]>();
  for (const [kind, objs] of byKind) {
    const groups = new Set(objs.map((o) => group(o.apiVersion)));
    for (const o of objs) {
      const g = group(o.apiVersion);
      const file = `rendered/${name}/${kind.toLowerCase()}${groups.size > 1 && g ? `.${g}` : ''}.yaml`;
      const same = files.get(file);
      if (same) same.push(o);
      else files.set(file, [o]);
    }
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)).map(([f, objs]) => [f, fileObjects(objs)]));
}

/** `rendered/<name>/<kind>.yaml` → its content, for one release's objects ({@link renderedFileObjects}). */
export function renderedFiles(name: string, objects: readonly KubeObject[]): Map<string, string> {
  return filesOf(renderedFileObjects(name, objects));
}

function filesOf(byFile: ReadonlyMap<string, readonly Record<string, unknown>[]>): Map<string, string> {
  return new Map([...byFile].map(([f, objs]) => [f, fileContent(objs)]));
}

/** Bump when what happens to rendered objects before they are written changes (placement, redaction, layout). */
const FILES_FORMAT = 2;

/**
 * The files of one release's objects ({@link renderedFileObjects} of `name`), cached: serializing
 * megabytes of CRDs to YAML is most of a warm render's time. `digest` must determine the objects (the
 * render's cache key with what placed them).
 */
export function renderedFilesCached(
  name: string,
  byFile: ReadonlyMap<string, readonly Record<string, unknown>[]>,
  cacheDir: string,
  digest: string,
): Map<string, string> {
  const key = createHash('sha256')
    .update(JSON.stringify([FILES_FORMAT, name, digest]))
    .digest('hex');
  const file = path.join(cacheDir, 'files', key.slice(0, 2), `${key}.json`);
  if (fs.existsSync(file)) {
    const cached = new Map(JSON.parse(fs.readFileSync(file, 'utf8')) as [string, string][]);
    // The files of these objects, or the entry is not theirs (written again below).
    if (cached.size === byFile.size && [...byFile.keys()].every((f) => cached.has(f))) return cached;
  }
  const files = filesOf(byFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify([...files]));
  fs.renameSync(partial, file);
  return files;
}
