// Which APIs the target cluster serves, as charts see them through `.Capabilities.APIVersions`: on a
// running cluster a chart sees every CRD installed before it (kube-prometheus-stack's ServiceMonitor
// CRD lets karpenter's chart create its ServiceMonitor). The renderer gives each chart the CRD APIs
// of the whole target that its templates ask about.
import type { KubeObject, Values } from '@aiready/k8s';
import * as YAML from 'yaml';
import type { LoadedChart } from './chart-archive';
import { parseObjects } from './render-kustomize';
import type { Crd } from './rendered-objects';

/**
 * API groups Kubernetes itself serves: helm's built-in capabilities cover them, so only other groups
 * (those CRDs add) are passed to helm.
 */
export const BUILTIN_API_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
  'v1',
]);

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

/** What a chart asks of the cluster's APIs: nothing, these custom APIs, or (when it asks indirectly) any. */
export type ApiChecks = 'all' | readonly string[];

/** An API version spelled out in a template: `group.tld/v1`, `group.tld/v1beta1/Kind`. */
const API_LITERAL = /"([a-z0-9-]+(?:\.[a-z0-9-]+)+\/v\d+(?:(?:alpha|beta)\d+)?(?:\/[A-Z][A-Za-z0-9]*)?)"/g;

function isCustom(api: string): boolean {
  return !BUILTIN_API_GROUPS.has(api.includes('/') ? api.split('/')[0] : '');
}

/**
 * The custom APIs a chart's templates (and its subcharts') test with `.Capabilities.APIVersions.Has`.
 * A test through a variable (argo-workflows builds its monitoring API in a helper) may test any API
 * version the chart's templates spell out; a chart that spells out none may test any API ('all').
 */
export function chartApiChecks(chart: LoadedChart): ApiChecks {
  const found = new Set<string>();
  let indirect = false;
  const spelled = new Set<string>();
  const visit = (c: LoadedChart): void => {
    for (const [file, content] of c.files) {
      if (!file.startsWith('templates/')) continue;
      const text = content.toString('utf8');
      for (const m of text.matchAll(/\.Capabilities\.APIVersions(\.Has\s+"([^"]+)")?/g)) {
        if (!m[2]) indirect = true;
        else if (isCustom(m[2])) found.add(m[2]);
      }
      for (const m of text.matchAll(API_LITERAL)) if (isCustom(m[1])) spelled.add(m[1]);
    }
    [...c.subcharts.values()].forEach(visit);
  };
  visit(chart);
  if (indirect && !spelled.size) return 'all';
  return [...new Set([...found, ...(indirect ? spelled : [])])].sort();
}

/** The APIs of `available` a chart with `checks` can see: what `--api-versions` gets for it. */
export function visibleApis(checks: ApiChecks, available: readonly string[]): string[] {
  return checks === 'all' ? [...available] : available.filter((a) => checks.includes(a));
}

/** One gate of a subchart: its condition paths (full values paths) with the chart defaults there. */
export type ConditionGate = readonly { readonly path: string; readonly default?: boolean }[];

/** The CRD APIs a chart's (or a subchart's) `crds/` folder installs, behind the conditions that enable it. */
export interface StaticCrdApis {
  /** Every gate must be open (the subchart and each chart above it enabled). */
  readonly gates: readonly ConditionGate[];
  readonly apis: readonly string[];
}

function get(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Values)[k] : undefined), values);
}

/**
 * The APIs of the CRDs in the `crds/` folders of a chart and its subcharts. Those files are not
 * templates, so they are known without rendering: charts that check for them (karpenter for
 * kube-prometheus-stack's ServiceMonitor) see them on the first render.
 */
export function staticCrdApis(chart: LoadedChart): StaticCrdApis[] {
  const out: StaticCrdApis[] = [];
  const visit = (c: LoadedChart, prefix: string, gates: readonly ConditionGate[]) => {
    const objects = [...c.files]
      .filter(([f]) => /^crds\/.+\.(ya?ml|json)$/.test(f))
      .flatMap(([, b]) => parseObjects(b.toString('utf8')));
    const apis = crdApiVersions(objects);
    if (apis.length) out.push({ gates, apis });
    const valuesFile = c.files.get('values.yaml');
    const defaults = valuesFile ? (YAML.parse(valuesFile.toString('utf8')) as unknown) : undefined;
    for (const [key, sub] of c.subcharts) {
      const paths = c.conditions.get(key) ?? [];
      const gate = paths.map((p) => {
        const d = get(defaults, p);
        return { path: `${prefix}${p}`, ...(typeof d === 'boolean' ? { default: d } : {}) };
      });
      visit(sub, `${prefix}${key}.`, gate.length ? [...gates, gate] : gates);
    }
  };
  visit(chart, '', []);
  return out;
}

/** The static CRD APIs a release with `values` installs: Helm's rule, the first condition set to a boolean decides. */
export function enabledCrdApis(entries: readonly StaticCrdApis[], values: Values): string[] {
  const open = (gate: ConditionGate) => {
    for (const g of gate) {
      const v = get(values, g.path) ?? g.default;
      if (typeof v === 'boolean') return v;
    }
    return true;
  };
  return [...new Set(entries.filter((e) => e.gates.every(open)).flatMap((e) => e.apis))].sort();
}
