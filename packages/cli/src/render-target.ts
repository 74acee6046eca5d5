// `aiready synth --render`: every Helm release and kustomize base of every target, rendered into
// `<target>/rendered/<release>/<kind>.yaml`. Releases render in parallel, each cached by what its
// output depends on; the values are checked against the chart first; an object applied twice within a
// target is an error.
import { AireadyValidationError, ValidationProblem } from '@aiready/core';
import type { ChartValuesIndex, KubeObject, PlatformSummary } from '@aiready/k8s';
import { chartValuesProblems, manifestContent, pinnedChartValues } from '@aiready/k8s';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LoadedChart, readChartArchive } from './chart-archive';
import { chartArchive } from './chart-cache';
import { deriveChartValuesIndex } from './chart-values-index';
import type { Helm } from './helm';
import { RenderableRelease, renderReleaseCached } from './render-helm';
import { renderKustomization } from './render-kustomize';

type Kustomization = PlatformSummary['kustomizations'][number];

/** What `--render` needs of a target. */
export interface RenderTargetInput {
  readonly id: string;
  readonly releases: readonly RenderableRelease[];
  readonly kustomizations: readonly Kustomization[];
  /** Kubernetes version of the target's cluster. */
  readonly kubeVersion: string;
  /** aiready's own objects (manifests/), to catch a chart applying one of them again. */
  readonly objects: readonly KubeObject[];
}

export interface RenderSetup {
  readonly helm: Helm;
  readonly kubectl: string;
  /** Folder of chart archives (`<chart>-<version>.tgz`). */
  readonly chartCache: string;
  /** Folder of kustomize bases (`<repo>@<ref>/`). */
  readonly kustomizeCache: string;
  /** Where rendered releases are cached. */
  readonly renderCache: string;
  /**
   * Renders running at once.
   * @default - one per CPU core
   */
  readonly concurrency?: number;
}

export interface RenderedTarget {
  /** `rendered/<release>/<kind>.yaml` → content. */
  readonly files: Map<string, string>;
  readonly objects: number;
  /** `helm template` runs answered from the cache, and run now (a chart reading the cluster's APIs runs twice). */
  readonly cached: number;
  readonly rendered: number;
}

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

/** Runs at most `n` tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

interface Crd {
  spec?: { group?: string; scope?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] };
}

/** `group/version` and `group/version/Kind` of every CRD among `objects`, as helm's --api-versions takes them. */
export function crdApiVersions(objects: readonly KubeObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = (o as Crd).spec;
    for (const v of spec?.versions ?? []) {
      if (v.served === false || !spec?.group) continue;
      out.add(`${spec.group}/${v.name}`);
      if (spec.names?.kind) out.add(`${spec.group}/${v.name}/${spec.names.kind}`);
    }
  }
  return [...out].sort();
}

/** Cluster-scoped custom kinds (`group/Kind`) the CRDs among `objects` define. */
function clusterScopedCustomKinds(objects: readonly KubeObject[]): Set<string> {
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
  const mark = (v: unknown) => `${REDACTED} sha256:${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)}`;
  const out: KubeObject = { ...o };
  for (const field of ['data', 'stringData'] as const) {
    const values = o[field] as Record<string, unknown> | undefined;
    if (!values || typeof values !== 'object') continue;
    out[field] = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, field === 'data' ? Buffer.from(mark(v)).toString('base64') : mark(v)]),
    );
  }
  return out;
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

/** `rendered/<name>/<kind>.yaml` for one release's objects; a kind two API groups share gets the group in its name. */
export function renderedFiles(name: string, objects: readonly KubeObject[]): Map<string, string> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const files = new Map<string, KubeObject[]>();
  for (const [kind, objs] of byKind) {
    const groups = new Set(objs.map((o) => group(o.apiVersion)));
    for (const o of objs) {
      const g = group(o.apiVersion);
      const file = `rendered/${name}/${kind.toLowerCase()}${groups.size > 1 && g ? `.${g}` : ''}.yaml`;
      files.set(file, [...(files.get(file) ?? []), o]);
    }
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)).map(([f, objs]) => [f, manifestContent(objs)]));
}

interface ChartInfo {
  readonly archive: string;
  readonly digest: string;
  readonly index: ChartValuesIndex;
  /** The templates check `.Capabilities.APIVersions`, so what CRDs the cluster has changes the output. */
  readonly readsApiVersions: boolean;
}

function readsApiVersions(chart: LoadedChart): boolean {
  const files = [...chart.files].filter(([f]) => f.startsWith('templates/'));
  return (
    files.some(([, b]) => b.toString('utf8').includes('.Capabilities.APIVersions')) ||
    [...chart.subcharts.values()].some(readsApiVersions)
  );
}

/** Renders every target; one target's failure does not hide another's. */
export async function renderTargets(
  targets: readonly RenderTargetInput[],
  setup: RenderSetup,
): Promise<Map<string, RenderedTarget | Error>> {
  const run = limiter(setup.concurrency ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  const charts = new Map<string, ChartInfo>();
  const chartInfo = (chart: string, version: string): ChartInfo => {
    const archive = chartArchive(setup.chartCache, chart, version);
    let info = charts.get(archive);
    if (!info) {
      const data = fs.readFileSync(archive);
      const loaded = readChartArchive(data);
      info = {
        archive,
        digest: createHash('sha256').update(data).digest('hex'),
        index: pinnedChartValues(chart, version) ?? deriveChartValuesIndex(loaded, path.basename(archive), data),
        readsApiVersions: readsApiVersions(loaded),
      };
      charts.set(archive, info);
    }
    return info;
  };
  const results = await Promise.all(targets.map((t) => renderOne(t, setup, run, chartInfo).catch((e: Error) => e)));
  return new Map(targets.map((t, i) => [t.id, results[i]]));
}

async function renderOne(
  target: RenderTargetInput,
  setup: RenderSetup,
  run: ReturnType<typeof limiter>,
  chartInfo: (chart: string, version: string) => ChartInfo,
): Promise<RenderedTarget> {
  // Everything that can be known before rendering, all problems together.
  const missing: string[] = [];
  const problems: ValidationProblem[] = [];
  const infos = new Map<string, ChartInfo>();
  for (const r of target.releases) {
    try {
      const info = chartInfo(r.chart, r.version);
      infos.set(r.releaseName, info);
      for (const p of chartValuesProblems(info.index, r.values)) problems.push({ ...p, path: `${r.releaseName}.${p.path}` });
    } catch (err) {
      missing.push((err as Error).message);
    }
  }
  if (missing.length) throw new Error(missing.join('\n'));
  if (problems.length) throw new AireadyValidationError(`${target.id} releases`, problems);

  let cached = 0;
  let rendered = 0;
  const renderAll = (releases: readonly RenderableRelease[], apiVersions: readonly string[]) =>
    Promise.all(
      releases.map((r) =>
        run(async () => {
          const info = infos.get(r.releaseName)!;
          const res = await renderReleaseCached(r, info.archive, {
            helm: setup.helm,
            kubeVersion: target.kubeVersion,
            apiVersions,
            cacheDir: setup.renderCache,
            archiveDigest: info.digest,
          });
          if (res.cached) cached++;
          else rendered++;
          return res.objects;
        }),
      ),
    );
  const nativeApis = crdApiVersions(target.objects);
  const [first, kustomized] = await Promise.all([
    renderAll(target.releases, nativeApis),
    Promise.all(target.kustomizations.map((k) => run(() => renderKustomization(k, setup.kustomizeCache, setup.kubectl)))),
  ]);
  // Charts that check which APIs the cluster serves see, as on a running cluster, every CRD the target installs.
  const allApis = crdApiVersions([...target.objects, ...first.flat(), ...kustomized.flat()]);
  const again = target.releases.filter((r) => infos.get(r.releaseName)!.readsApiVersions);
  const second = allApis.length > nativeApis.length && again.length ? await renderAll(again, allApis) : [];
  const byRelease = target.releases.map((r, i) => {
    const j = again.indexOf(r);
    return { name: r.releaseName, namespace: r.namespace, objects: j >= 0 && second.length ? second[j] : first[i] };
  });
  const sources = [
    ...byRelease,
    ...target.kustomizations.map((k, i) => ({ name: k.name, namespace: k.namespace, objects: kustomized[i] })),
  ];
  const customClusterScoped = clusterScopedCustomKinds([...target.objects, ...sources.flatMap((s) => s.objects)]);
  const placed = sources.map((s) => ({
    ...s,
    objects: s.objects.map((o) => redactSecret(placeInNamespace(o, s.namespace, customClusterScoped))),
  }));
  const duplicates = duplicateProblems([{ name: 'aiready', native: true, objects: target.objects }, ...placed]);
  if (duplicates.length) throw new AireadyValidationError(`${target.id}: objects applied twice`, duplicates);
  const files = new Map<string, string>();
  for (const s of placed) for (const [f, c] of renderedFiles(s.name, s.objects)) files.set(f, c);
  return { files, objects: placed.reduce((n, s) => n + s.objects.length, 0), cached, rendered };
}
