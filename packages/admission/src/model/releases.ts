// The Helm releases and kustomize bases a target installs, whoever installs them: an Argo CD
// `Application` or a Flux `HelmRelease`/`Kustomization` among the objects, or a Pulumi
// `helm.v3.Release`/`kustomize.v2.Directory` in the plan.
import { ARGOCD_SYNC_WAVE, INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import * as YAML from 'yaml';
import { annotationsOf, asArray, asObject, asString, describe, Json, KubeObject } from './kube';
import { ObjectIndex } from './object-index';
import { PLAN_TYPES, PlanIndex, planKey } from './plan';

/** A Helm release or kustomize base of the target. */
export interface Release {
  /** Helm release name, or the name of what applies the kustomize base. */
  readonly name: string;
  readonly type: 'helm' | 'kustomize';
  /** Chart name (Helm). */
  readonly chart?: string;
  readonly version?: string;
  /** Path of the kustomization in its repository (kustomize). */
  readonly path?: string;
  /** The namespace the release installs into. */
  readonly namespace: string;
  /** Values, fully merged (Helm). */
  readonly values: Json;
  /** CRDs in the chart's `crds/` folder are not installed (Argo CD `skipCrds`, Helm `--skip-crds`). */
  readonly skipCrds: boolean;
  /** The release creates its namespace. */
  readonly createsNamespace: boolean;
  /** How findings name what installs it: `Application argocd/kueue`, `release platform-kueue`. */
  readonly installer: string;
  /** Argo CD sync wave of the Application, or install wave of the Flux object (lower first). */
  readonly wave?: number;
  /** Plan key of the Pulumi resource that installs it. */
  readonly planKey?: string;
}

function argoValues(helm: Json | undefined): Json {
  const inline = asObject(helm?.valuesObject);
  if (inline) return inline;
  const text = asString(helm?.values);
  if (!text) return {};
  try {
    return asObject(YAML.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/** The releases of one Argo CD Application (one per source). */
function fromApplication(app: KubeObject): Release[] {
  const spec = asObject(app.spec) ?? {};
  const namespace = asString(asObject(spec.destination)?.namespace) ?? 'default';
  const syncOptions = asArray(asObject(spec.syncPolicy)?.syncOptions).map(String);
  const waveText = annotationsOf(app)[ARGOCD_SYNC_WAVE];
  const wave = waveText === undefined ? 0 : Number(waveText);
  const sources = spec.source ? [spec.source] : asArray(spec.sources);
  return sources.flatMap((s): Release[] => {
    const source = asObject(s);
    if (!source) return [];
    const helm = asObject(source.helm);
    const chart = asString(source.chart);
    const common = {
      namespace,
      createsNamespace: syncOptions.includes('CreateNamespace=true'),
      installer: describe(app),
      wave,
      skipCrds: helm?.skipCrds === true,
    };
    if (chart)
      return [
        {
          ...common,
          name: asString(helm?.releaseName) ?? app.metadata?.name ?? chart,
          type: 'helm' as const,
          chart,
          version: asString(source.targetRevision),
          values: argoValues(helm),
        },
      ];
    return [
      {
        ...common,
        name: app.metadata?.name ?? '',
        type: 'kustomize' as const,
        path: asString(source.path),
        version: asString(source.targetRevision),
        values: {},
      },
    ];
  });
}

const FLUX_HELM = 'helm.toolkit.fluxcd.io/';
const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/';

/** The install wave aiready writes on Flux objects (0 when absent, as for Argo CD). */
function installWave(o: KubeObject): number {
  const w = annotationsOf(o)[INSTALL_WAVE_ANNOTATION];
  return w === undefined ? 0 : Number(w);
}

/** The release of a Flux HelmRelease; its chart from `chart.spec` or the OCIRepository `chartRef` names. */
function fromHelmRelease(hr: KubeObject, index: ObjectIndex): Release {
  const spec = asObject(hr.spec) ?? {};
  const chartSpec = asObject(asObject(spec.chart)?.spec);
  const ref = asObject(spec.chartRef);
  const oci = ref
    ? index.find('OCIRepository', asString(ref.namespace) ?? hr.metadata?.namespace, asString(ref.name))?.object
    : undefined;
  const ociSpec = asObject(oci?.spec);
  return {
    name: asString(spec.releaseName) ?? hr.metadata?.name ?? '',
    type: 'helm',
    chart: asString(chartSpec?.chart) ?? chartName(asString(ociSpec?.url)),
    version: asString(chartSpec?.version) ?? asString(asObject(ociSpec?.ref)?.tag),
    namespace: asString(spec.targetNamespace) ?? hr.metadata?.namespace ?? 'default',
    values: asObject(spec.values) ?? {},
    skipCrds: asString(asObject(spec.install)?.crds) === 'Skip',
    createsNamespace: asObject(spec.install)?.createNamespace === true,
    installer: describe(hr),
    wave: installWave(hr),
  };
}

/**
 * The kustomize base a Flux Kustomization applies from a GitRepository of the target (Kubeflow
 * Pipelines); Kustomizations of the target's own folders (its install stages) install nothing new.
 */
function fromFluxKustomization(k: KubeObject, index: ObjectIndex): Release[] {
  const spec = asObject(k.spec) ?? {};
  const source = asObject(spec.sourceRef);
  if (asString(source?.kind) !== 'GitRepository') return [];
  const repo = index.find('GitRepository', asString(source?.namespace) ?? k.metadata?.namespace, asString(source?.name));
  if (!repo) return [];
  return [
    {
      name: k.metadata?.name ?? '',
      type: 'kustomize',
      path: asString(spec.path)?.replace(/^\.\//, ''),
      version: asString(asObject(asObject(repo.object.spec)?.ref)?.tag),
      namespace: asString(spec.targetNamespace) ?? k.metadata?.namespace ?? 'default',
      values: {},
      skipCrds: false,
      createsNamespace: false,
      installer: describe(k),
      wave: installWave(k),
    },
  ];
}

/** Every release and kustomize base the target installs, from Applications, Flux objects and the plan. */
export function releasesOf(index: ObjectIndex, plan: PlanIndex): Release[] {
  const out: Release[] = index.ofKind('Application').flatMap((t) => fromApplication(t.object));
  for (const t of index.ofKind('HelmRelease'))
    if (t.object.apiVersion.startsWith(FLUX_HELM)) out.push(fromHelmRelease(t.object, index));
  for (const t of index.ofKind('Kustomization'))
    if (t.object.apiVersion.startsWith(FLUX_KUSTOMIZE)) out.push(...fromFluxKustomization(t.object, index));
  for (const r of plan.ofType(PLAN_TYPES.helmRelease)) {
    const i = r.inputs;
    out.push({
      name: asString(i.name) ?? r.name,
      type: 'helm',
      chart: chartName(asString(i.chart)),
      version: asString(i.version),
      namespace: asString(i.namespace) ?? 'default',
      values: asObject(i.values) ?? {},
      skipCrds: i.skipCrds === true,
      createsNamespace: i.createNamespace === true,
      installer: `release ${r.name}`,
      planKey: planKey(r),
    });
  }
  for (const r of plan.ofType(PLAN_TYPES.kustomizeDirectory)) {
    const dir = asString(r.inputs.directory) ?? '';
    out.push({
      name: r.name,
      type: 'kustomize',
      path: dir.replace(/\?ref=.*$/, '').replace(/^.*?github\.com\/[^/]+\/[^/]+\//, ''),
      namespace: asString(r.inputs.namespace) ?? 'default',
      values: {},
      skipCrds: false,
      createsNamespace: false,
      installer: `kustomization ${r.name}`,
      planKey: planKey(r),
    });
  }
  return out;
}

/** The chart's name, from a name or an OCI reference (`oci://public.ecr.aws/karpenter/karpenter`). */
function chartName(chart: string | undefined): string | undefined {
  return chart?.slice(chart.lastIndexOf('/') + 1);
}

/** The value at a dot path of a release's values, or `fallback` (the chart default) when unset. */
export function valueOf<T>(release: Release, path: string, fallback: T): T {
  let cur: unknown = release.values;
  for (const key of path.split('.')) {
    const o = asObject(cur);
    if (!o || !(key in o)) return fallback;
    cur = o[key];
  }
  return (cur ?? fallback) as T;
}
