// Derives a chart's values index (which keys exist, which maps are open, which schemas apply) from the
// chart itself. The same function generates the committed data in @aiready/k8s (src/imports/chart-values)
// and checks, at `--render`, a chart that has no committed data.
import type { ChartValuesIndex, ChartValuesSchema, ValuesTree, Values } from '@aiready/k8s';
import { coalesceValues } from '@aiready/k8s';
import { createHash } from 'crypto';
import * as YAML from 'yaml';
import type { LoadedChart } from './chart-archive';

type MutableTree = { [key: string]: MutableTree | 0 | 1 | string };

/**
 * Keys whose values are Kubernetes objects or string maps the chart passes through verbatim (pod
 * annotations, labels, node selectors, resources, affinity, security contexts, label selectors):
 * their content is Kubernetes', not the chart's, and is checked against the Kubernetes schema once
 * rendered. Matched on the end of the key (`podAnnotations`, `containerSecurityContext`).
 */
const PASSED_THROUGH = /(annotations|labels|nodeselector|selector|resources|affinity|securitycontext)$/i;

/** A `.Values.a.b` reference in a template. */
const VALUES_PATH = String.raw`\$?\.Values((?:\.[A-Za-z0-9_]+)+)`;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The tree of one values.yaml document: what the chart's defaults say about each key. */
export function valuesTree(values: Values): MutableTree {
  const tree: MutableTree = {};
  for (const [key, value] of Object.entries(values)) tree[key] = node(key, value);
  return tree;
}

function node(key: string, value: unknown): MutableTree | 0 | 1 | string {
  if (value === null || value === undefined) return 'null in values.yaml: the chart takes any value';
  if (Array.isArray(value)) return 1;
  if (!isMap(value)) return 0;
  if (PASSED_THROUGH.test(key)) return 'passed through to Kubernetes (by key name)';
  if (Object.keys(value).length === 0) return 'empty map in values.yaml: the chart takes any keys';
  return valuesTree(value);
}

/** Merges `b` into `a`: keys of either; a closed map beats a leaf, an open map beats everything. */
function mergeTrees(a: MutableTree, b: MutableTree): MutableTree {
  const out: MutableTree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (cur === undefined || typeof v === 'string') out[k] = v;
    else if (typeof cur === 'string') continue;
    else if (typeof cur === 'object' && typeof v === 'object') out[k] = mergeTrees(cur, v);
    else if (typeof v === 'object') out[k] = v;
  }
  return out;
}

/** Every `.Values.a.b` path (and `index .Values "a" "b"`) a chart's templates read. */
export function templateValuePaths(chart: LoadedChart): string[][] {
  const paths: string[][] = [];
  for (const [file, content] of chart.files) {
    if (!file.startsWith('templates/')) continue;
    const text = content.toString('utf8');
    for (const m of text.matchAll(new RegExp(VALUES_PATH, 'g'))) paths.push(m[1].slice(1).split('.'));
    for (const m of text.matchAll(/index\s+\$?\.Values((?:\s+"[^"]+")+)/g))
      paths.push([...m[1].matchAll(/"([^"]+)"/g)].map((q) => q[1]));
  }
  return paths;
}

/** `range $k, $v := .Values.x` and `toYaml .Values.x`: the templates pass every key of x on. */
const WHOLE_MAP = [
  {
    re: new RegExp(String.raw`range\s+(?:\$\w+\s*,\s*)?\$\w+\s*:=\s*\(?` + VALUES_PATH, 'g'),
    why: 'the templates range over its keys',
  },
  {
    re: new RegExp(
      String.raw`\b(?:toYaml|toJson|toPrettyJson|toRawJson)\s+\(?` + VALUES_PATH + String.raw`\s*\)?\s*(?:\||\}\})`,
      'g',
    ),
    why: 'the templates render it whole (toYaml)',
  },
];

/** Maps whose every key the templates pass on: open, whatever their defaults hold. */
export function templateWholeMaps(chart: LoadedChart): { path: string[]; why: string }[] {
  const out: { path: string[]; why: string }[] = [];
  for (const [file, content] of chart.files) {
    if (!file.startsWith('templates/')) continue;
    const text = content.toString('utf8');
    for (const { re, why } of WHOLE_MAP) for (const m of text.matchAll(re)) out.push({ path: m[1].slice(1).split('.'), why });
  }
  return out;
}

/** Opens the closed maps the templates pass on whole. */
function openWholeMaps(tree: MutableTree, maps: readonly { path: string[]; why: string }[]): void {
  for (const { path, why } of maps) {
    let t: MutableTree | undefined = tree;
    for (const k of path.slice(0, -1)) {
      const n: MutableTree[string] | undefined = t[k];
      t = typeof n === 'object' ? n : undefined;
      if (!t) break;
    }
    const last = path[path.length - 1];
    if (t && typeof t[last] === 'object') t[last] = why;
  }
}

/** Adds what templates read but values.yaml lacks, as open maps at the first missing key. */
function addTemplatePaths(tree: MutableTree, paths: readonly string[][]): void {
  for (const p of paths) {
    let t: MutableTree = tree;
    for (const key of p) {
      const n = t[key];
      if (n === undefined) {
        t[key] = 'read by the templates, not in values.yaml: the chart takes any value';
        break;
      }
      if (typeof n !== 'object') break;
      t = n;
    }
  }
}

function parseValues(chart: LoadedChart): Values {
  const raw = chart.files.get('values.yaml');
  const doc = raw ? (YAML.parse(raw.toString('utf8')) as unknown) : undefined;
  return isMap(doc) ? doc : {};
}

/** The chart's tree, subcharts under their values keys, `global` open. */
function chartTree(chart: LoadedChart): MutableTree {
  let tree = valuesTree(parseValues(chart));
  for (const [key, sub] of chart.subcharts) {
    const parentPart = tree[key];
    const subTree = chartTree(sub);
    tree[key] = typeof parentPart === 'object' ? mergeTrees(subTree, parentPart) : subTree;
  }
  addTemplatePaths(tree, templateValuePaths(chart));
  openWholeMaps(tree, templateWholeMaps(chart));
  tree = { ...tree, global: 'global values: shared with every subchart' };
  return tree;
}

/** Drops `description`s and keeps only the `$defs` the schema references (transitively). */
export function pruneSchema(schema: Values): Values {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : isMap(v)
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k, x]) => !(k === 'description' && typeof x === 'string'))
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  const { $defs, definitions, ...rest } = schema;
  const root = strip(rest) as Values;
  const full = strip({ $defs, definitions }) as Values;
  const kept: Values = {};
  const seen = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isMap(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && x.startsWith('#/') && !seen.has(x)) {
          seen.add(x);
          const tokens = x
            .slice(2)
            .split('/')
            .map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'));
          const target = tokens.reduce<unknown>((n, t) => (isMap(n) ? n[t] : undefined), full);
          if (target === undefined) throw new Error(`values.schema.json: unresolved $ref ${x}`);
          let at = kept;
          tokens.slice(0, -1).forEach((t) => (at = (at[t] as Values | undefined) ?? (at[t] = {})));
          at[tokens[tokens.length - 1]] = target;
          visit(target);
        } else visit(x);
      }
    }
  };
  visit(root);
  return { ...root, ...kept };
}

/** Schemas of the chart and its subcharts, each with the defaults Helm coalesces before validating. */
function chartSchemas(chart: LoadedChart, path: string, defaults: Values): ChartValuesSchema[] {
  const out: ChartValuesSchema[] = [];
  const raw = chart.files.get('values.schema.json');
  if (raw) out.push({ path, schema: pruneSchema(JSON.parse(raw.toString('utf8')) as Values), defaults });
  for (const [key, sub] of chart.subcharts) {
    const parentPart = isMap(defaults[key]) ? (defaults[key] as Values) : {};
    let subDefaults = coalesceValues(parseValues(sub), parentPart);
    if (isMap(defaults.global)) subDefaults = coalesceValues(subDefaults, { global: defaults.global });
    out.push(...chartSchemas(sub, path ? `${path}.${key}` : key, subDefaults));
  }
  return out;
}

/** Sorts keys at every depth, so generated data is stable. */
function sorted<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sorted) as T;
  if (!isMap(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sorted(v[k])]),
  ) as T;
}

/** The values index of a chart archive. `archiveName` is recorded as its source, with the digest. */
export function deriveChartValuesIndex(chart: LoadedChart, archiveName: string, archive: Buffer): ChartValuesIndex {
  const tree = chartTree(chart) as ValuesTree;
  const schemas = chartSchemas(chart, '', parseValues(chart));
  return {
    chart: chart.name,
    version: chart.version,
    source: `${archiveName} sha256:${createHash('sha256').update(archive).digest('hex')}`,
    tree: sorted(tree),
    schemas: sorted(schemas),
  };
}
