// `aiready synth --render`: every Helm release and kustomize base of every target, rendered into
// `<target>/rendered/<release>/<kind>.yaml`. Releases render in parallel, each cached by what its
// output depends on; the values are checked against the chart first; an object applied twice within a
// target is an error.
import { AireadyValidationError, ValidationProblem } from '@aiready/core';
import type { ChartValuesIndex, KubeObject, PlatformSummary } from '@aiready/k8s';
import { pinnedChartValues, unknownValuesProblems } from '@aiready/k8s';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readChartArchive } from './chart-archive';
import { chartArchive, chartArchiveName } from './chart-cache';
import { deriveChartValuesIndex } from './chart-values-index';
import {
  ApiChecks,
  chartApiChecks,
  crdApiVersions,
  enabledCrdApis,
  StaticCrdApis,
  staticCrdApis,
  visibleApis,
} from './cluster-apis';
import type { Helm } from './helm';
import { RenderableRelease, renderCacheKey, renderReleaseCached } from './render-helm';
import { renderKustomizationCached } from './render-kustomize';
import {
  clusterScopedCustomKinds,
  duplicateProblems,
  placeInNamespace,
  redactSecret,
  renderedFileObjects,
  renderedFilesCached,
} from './rendered-objects';
import { emittedValue } from './yaml-emitter';

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

/** The tools and caches rendering needs. */
export interface RenderSetup {
  readonly helm: Helm;
  /** kubectl for kustomize bases, asked for only when a target has one. */
  readonly kubectl: () => string;
  /** Folder of chart archives (`<chart>-<version>.tgz`). */
  readonly chartCache: string;
  /** Folder of kustomize bases (`<repo>@<ref>/`). */
  readonly kustomizeCache: string;
  /** Where rendered releases are cached. */
  readonly renderCache: string;
  /**
   * A release whose chart is not in the chart cache is left unrendered (listed in
   * `RenderedTarget.unrendered`) instead of failing the target.
   * @default false
   */
  readonly skipMissingCharts?: boolean;
  /**
   * Renders running at once.
   * @default - one per CPU core
   */
  readonly concurrency?: number;
}

/** A target's rendered charts and kustomize bases: the files and the object count. */
export interface RenderedTarget {
  /** `rendered/<release>/<kind>.yaml` → content. */
  readonly files: Map<string, string>;
  /** The documents of each of `files`, as reading the file gives them (without parsing megabytes of YAML). */
  readonly documents: ReadonlyMap<string, readonly unknown[]>;
  readonly objects: number;
  /** Renders answered from the cache, and run now (a chart reading the cluster's APIs may run twice). */
  readonly cached: number;
  readonly rendered: number;
  /** Releases not rendered because their chart is not in the cache (`skipMissingCharts`): `release (chart version)`. */
  readonly unrendered: readonly string[];
}

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

/** What the renderer needs to know of a chart archive; cached by the archive's path, size and time. */
interface ChartInfo {
  readonly archive: string;
  readonly digest: string;
  readonly index: ChartValuesIndex;
  readonly apiChecks: ApiChecks;
  /** Where this metadata is cached. */
  readonly cacheFile: string;
}

function loadChartInfo(archive: string, chart: string, version: string, cacheDir: string): ChartInfo {
  const stat = fs.statSync(archive);
  const key = createHash('sha256')
    .update(JSON.stringify([archive, stat.size, stat.mtimeMs]))
    .digest('hex');
  const cacheFile = path.join(cacheDir, 'charts', `${key}.json`);
  const pinned = pinnedChartValues(chart, version);
  if (fs.existsSync(cacheFile)) {
    const meta = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Omit<ChartInfo, 'index'> & { index?: ChartValuesIndex };
    return { ...meta, archive, cacheFile, index: pinned ?? meta.index! };
  }
  const data = fs.readFileSync(archive);
  const loaded = readChartArchive(data);
  const info: ChartInfo = {
    archive,
    digest: createHash('sha256').update(data).digest('hex'),
    index: pinned ?? deriveChartValuesIndex(loaded, path.basename(archive), data),
    apiChecks: chartApiChecks(loaded),
    cacheFile,
  };
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeCacheFile(cacheFile, JSON.stringify({ ...info, index: pinned ? undefined : info.index }));
  return info;
}

/** Written beside `file` and renamed: a synth sharing the cache never reads half a file. */
function writeCacheFile(file: string, content: string): void {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, file);
}

const staticCrdsMemo = new Map<string, readonly StaticCrdApis[]>();

/**
 * The CRDs in a chart's crds/ folders (parsed, so asked for only when a chart reads the cluster's APIs,
 * and while the first renders run), cached beside the chart's metadata.
 */
function staticCrds(info: ChartInfo): readonly StaticCrdApis[] {
  const file = `${info.cacheFile}.crds.json`;
  let crds = staticCrdsMemo.get(file);
  if (!crds) {
    if (fs.existsSync(file)) crds = JSON.parse(fs.readFileSync(file, 'utf8')) as StaticCrdApis[];
    else {
      crds = staticCrdApis(readChartArchive(fs.readFileSync(info.archive)));
      writeCacheFile(file, JSON.stringify(crds));
    }
    staticCrdsMemo.set(file, crds);
  }
  return crds;
}

/** Renders every target; one target's failure does not hide another's. */
export async function renderTargets(
  targets: readonly RenderTargetInput[],
  setup: RenderSetup,
): Promise<Map<string, RenderedTarget | Error>> {
  const run = limiter(setup.concurrency ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  const charts = new Map<string, ChartInfo>();
  // Targets often share a release (karpenter-crd, same values everywhere): render it once.
  const inflight = new Map<string, Promise<Rendered>>();
  const once: Once = (key, start) => {
    if (!inflight.has(key)) inflight.set(key, start());
    return inflight.get(key)!;
  };
  const chartInfo = (chart: string, version: string): ChartInfo => {
    const archive = chartArchive(setup.chartCache, chart, version);
    if (!charts.has(archive)) charts.set(archive, loadChartInfo(archive, chart, version, setup.renderCache));
    return charts.get(archive)!;
  };
  const results = await Promise.all(targets.map((t) => renderOne(t, setup, run, chartInfo, once).catch((e: Error) => e)));
  return new Map(targets.map((t, i) => [t.id, results[i]]));
}

type Rendered = { objects: KubeObject[]; cached: boolean; key: string };
/** Starts a render unless one with the same cache key is running or done. */
type Once = (key: string, start: () => Promise<Rendered>) => Promise<Rendered>;

async function renderOne(
  input: RenderTargetInput,
  setup: RenderSetup,
  run: ReturnType<typeof limiter>,
  chartInfo: (chart: string, version: string) => ChartInfo,
  once: Once,
): Promise<RenderedTarget> {
  const inCache = (r: RenderableRelease) => fs.existsSync(path.join(setup.chartCache, chartArchiveName(r.chart, r.version)));
  const unrendered = setup.skipMissingCharts
    ? input.releases.filter((r) => !inCache(r)).map((r) => `${r.releaseName} (${r.chart} ${r.version})`)
    : [];
  const target = setup.skipMissingCharts ? { ...input, releases: input.releases.filter(inCache) } : input;
  // Everything that can be known before rendering, all problems together. (values.schema.json is
  // checked by helm itself when it renders.)
  const missing: string[] = [];
  const problems: ValidationProblem[] = [];
  const infos = target.releases.map((r) => {
    try {
      const info = chartInfo(r.chart, r.version);
      for (const p of unknownValuesProblems(info.index, r.values)) problems.push({ ...p, path: `${r.releaseName}.${p.path}` });
      return info;
    } catch (err) {
      missing.push((err as Error).message);
      return undefined;
    }
  });
  if (missing.length) throw new Error(missing.join('\n'));
  if (problems.length) throw new AireadyValidationError(`${target.id} releases`, problems);

  let cached = 0;
  let rendered = 0;
  // The cache key of each source's objects, which determines them.
  const keys: string[] = [];
  const kustomizeKeys: string[] = [];
  const render = async (i: number, apis: readonly string[]) => {
    const options = {
      helm: setup.helm,
      kubeVersion: target.kubeVersion,
      apiVersions: apis,
      cacheDir: setup.renderCache,
      archiveDigest: infos[i]!.digest,
    };
    const key = renderCacheKey(target.releases[i], options.archiveDigest, { ...options, helmVersion: setup.helm.version });
    const res = await once(key, () => run(() => renderReleaseCached(target.releases[i], infos[i]!.archive, options)));
    if (res.cached) cached++;
    else rendered++;
    keys[i] = res.key;
    return res.objects;
  };
  const kustomizing = Promise.all(
    target.kustomizations.map((k, i) =>
      run(async () => {
        const res = await renderKustomizationCached(k, setup.kustomizeCache, setup.kubectl, setup.renderCache);
        if (res.cached) cached++;
        else rendered++;
        kustomizeKeys[i] = res.key;
        return res.objects;
      }),
    ),
  );
  // A chart sees the CRD APIs of the whole target it asks about, as on the running cluster. Charts that
  // ask nothing render at once. Known before rendering: aiready's own CRDs and those in the charts'
  // crds/ folders; CRDs in templates are known once rendered, so the charts whose view they change are
  // rendered again, until nothing changes.
  const reads = (i: number) => infos[i]!.apiChecks === 'all' || infos[i]!.apiChecks.length > 0;
  const early = target.releases.map((_, i) => (reads(i) ? undefined : render(i, [])));
  const known = early.every((e) => e)
    ? []
    : [
        ...new Set([
          ...crdApiVersions(target.objects),
          ...target.releases.flatMap((r, i) => (r.skipCrds ? [] : enabledCrdApis(staticCrds(infos[i]!), r.values))),
        ]),
      ].sort();
  const seen = infos.map((info) => visibleApis(info!.apiChecks, known));
  const [outputs, kustomized] = await Promise.all([Promise.all(early.map((e, i) => e ?? render(i, seen[i]))), kustomizing]);
  for (let pass = 0; pass < target.releases.length; pass++) {
    const available = [
      ...new Set([...known, ...crdApiVersions([...target.objects, ...outputs.flat(), ...kustomized.flat()])]),
    ].sort();
    const changed = seen
      .map((apis, i) => ({ i, apis: visibleApis(infos[i]!.apiChecks, available), before: apis }))
      .filter(({ apis, before }) => apis.join() !== before.join());
    if (!changed.length) break;
    await Promise.all(
      changed.map(async ({ i, apis }) => {
        seen[i] = apis;
        outputs[i] = await render(i, apis);
      }),
    );
  }
  const sources = [
    ...target.releases.map((r, i) => ({ name: r.releaseName, namespace: r.namespace, objects: outputs[i], key: keys[i] })),
    ...target.kustomizations.map((k, i) => ({
      name: k.name,
      namespace: k.namespace,
      objects: kustomized[i],
      key: kustomizeKeys[i],
    })),
  ];
  const customClusterScoped = clusterScopedCustomKinds([...target.objects, ...sources.flatMap((s) => s.objects)]);
  const placed = sources.map((s) => ({
    ...s,
    objects: s.objects.map((o) => redactSecret(placeInNamespace(o, s.namespace, customClusterScoped))),
  }));
  const duplicates = duplicateProblems([{ name: 'aiready', native: true, objects: target.objects }, ...placed]);
  if (duplicates.length) throw new AireadyValidationError(`${target.id}: objects applied twice`, duplicates);
  const files = new Map<string, string>();
  const documents = new Map<string, unknown[]>();
  const placement = JSON.stringify([...customClusterScoped].sort());
  for (const s of placed) {
    const byFile = renderedFileObjects(s.name, s.objects);
    for (const [f, c] of renderedFilesCached(s.name, byFile, setup.renderCache, `${s.key} ${s.namespace} ${placement}`)) {
      files.set(f, c);
      documents.set(f, byFile.get(f)!.map(emittedValue));
    }
  }
  return { files, documents, objects: placed.reduce((n, s) => n + s.objects.length, 0), cached, rendered, unrendered };
}
