// Values checked against the chart: Helm silently ignores a values key the chart does not read, so a
// misspelt or outdated key is a silent misconfiguration. Every key aiready sets, and every raw
// override, must exist in the pinned chart's values (or a subchart's) unless it sits under a map the
// chart leaves open; where a chart ships values.schema.json the values are validated against it too.
// The chart data is generated from the pinned chart archives (src/imports/chart-values), so this
// runs offline on every synth and in every unit test.
import { nearest, show, ValidationProblem } from '@aiready/core';
import type { ValidateFunction } from 'ajv/dist/2020';
import { createHash } from 'crypto';
import { CHART_SCHEMA_VALIDATORS, CHART_VALUES } from '../imports/chart-values';
import { Values } from '../private/merge';

/** A scalar (0) or a list (1) in the chart's values.yaml: nothing is checked below it. */
export type ValuesLeaf = 0 | 1;

/** A map any key may go under; the string says why the chart leaves it open. */
export type OpenMap = string;

/** The keys a chart reads, as a tree. */
export interface ValuesTree {
  readonly [key: string]: ValuesTree | ValuesLeaf | OpenMap;
}

/** A values.schema.json a chart (or a subchart) ships, with the defaults Helm validates it against. */
export interface ChartValuesSchema {
  /** Where the schema applies in the release's values: `''` for the chart, the values key of a subchart. */
  readonly path: string;
  /** The schema, pruned to the definitions it references. */
  readonly schema: Values;
  /** The chart's values.yaml at that scope, parent values and globals coalesced in, as Helm does. */
  readonly defaults: Values;
}

/** What aiready knows about one pinned chart's values, generated from the chart archive. */
export interface ChartValuesIndex {
  readonly chart: string;
  readonly version: string;
  /** The archive the data was generated from: `<file> sha256:<digest>`. */
  readonly source: string;
  readonly tree: ValuesTree;
  readonly schemas: readonly ChartValuesSchema[];
}

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a values key is addressed in messages: `a.b`, or `a["b.c"]` when the key has a dot. */
function join(path: string, key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** `prefix` then a path made by {@link join}. */
function under(prefix: string, path: string): string {
  return !prefix ? path : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function kind(node: ValuesTree | ValuesLeaf | OpenMap): string {
  return node === 0 ? 'a scalar' : node === 1 ? 'a list' : 'a map';
}

/**
 * Every values key the chart does not have, and every map given where the chart has a scalar or a
 * list (or the reverse). `null` is always allowed: in Helm it deletes a chart default.
 */
export function unknownValuesProblems(index: ChartValuesIndex, values: Values, prefix = 'values'): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const chart = `${index.chart} ${index.version}`;
  const walk = (tree: ValuesTree, given: Values, path: string) => {
    for (const [key, value] of Object.entries(given)) {
      const at = join(path, key);
      // Own keys only: a values key named `constructor` is not Object's.
      const node = Object.hasOwn(tree, key) ? tree[key] : undefined;
      if (node === undefined) {
        const siblings = Object.keys(tree).sort();
        const where = path ? `under ${path}` : 'at the top';
        problems.push({
          path: under(prefix, at),
          value,
          problem: `${chart} has no values key ${at}, so Helm would silently ignore it`,
          fix: siblings.length
            ? `use an existing key; nearest ${where}: ${nearest(key, siblings, 3)
                .map((k) => join(path, k))
                .join(', ')}`
            : `remove it: ${path || 'the chart'} has no keys`,
        });
        continue;
      }
      if (value === null || typeof node === 'string') continue;
      if (isMap(node)) {
        if (isMap(value)) walk(node, value, at);
        else
          problems.push({
            path: under(prefix, at),
            value,
            problem: `${chart} reads ${at} as a map, not ${Array.isArray(value) ? 'a list' : 'a scalar'}`,
            fix: `set the keys under ${at} (${Object.keys(node).sort().slice(0, 5).join(', ')})`,
          });
      } else if (isMap(value) && Object.keys(value).length) {
        problems.push({
          path: under(prefix, at),
          value,
          problem: `${chart} reads ${at} as ${kind(node)}, not a map`,
          fix: `give ${at} ${kind(node)}, as the chart's values.yaml does`,
        });
      }
    }
  };
  walk(index.tree, values, '');
  return problems;
}

/** Helm's coalescing: `over` wins, maps merge, `null` in `over` deletes the default. */
export function coalesceValues(defaults: Values, over: Values): Values {
  const out: Values = { ...defaults };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = isMap(v) && isMap(out[k]) ? coalesceValues(out[k] as Values, v) : v;
  }
  return out;
}

/** Ajv's options for chart schemas, the same for a compile at synth and for a precompiled validator. */
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;

/** Ajv, loaded only when a schema has no precompiled validator (its ~80 modules cost 0.1 s to load). */
function ajv(source: boolean) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv2020 = (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
  return new Ajv2020({ ...AJV_OPTIONS, code: { source, esm: source } });
}

/** The key a precompiled validator is filed under: a digest of the schema's JSON text. */
export function chartSchemaKey(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex').slice(0, 16);
}

/**
 * The source of a standalone validator for `schema` (an ES module, default export), which
 * `pnpm chart-values` commits beside the chart data: compiling the node-feature-discovery schema costs
 * about 0.3 s in every process that checks gpu-operator values, loading the compiled code 25 ms.
 */
export function chartSchemaValidatorSource(schema: Values): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const compiler = ajv(true);
  return standaloneCode(compiler, compiler.compile(schema));
}

const compiled = new WeakMap<Values, ValidateFunction>();
/** By content: charts share subcharts (node-feature-discovery's schema is in two). */
const compiledByText = new Map<string, ValidateFunction>();

function validator(schema: Values): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    const text = JSON.stringify(schema);
    fn = compiledByText.get(text) ?? CHART_SCHEMA_VALIDATORS[chartSchemaKey(text)]?.() ?? ajv(false).compile(schema);
    compiledByText.set(text, fn);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Problems the chart's values.schema.json finds in the values Helm would render with. */
export function schemaProblems(index: ChartValuesIndex, values: Values, prefix = 'values'): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const s of index.schemas) {
    const keys = s.path ? s.path.split('.') : [];
    const given = keys.reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values);
    if (s.path && !isMap(given) && !isMap(values.global)) continue; // nothing set there: the defaults passed upstream's CI
    let merged = coalesceValues(s.defaults, isMap(given) ? given : {});
    if (s.path && isMap(values.global)) merged = coalesceValues(merged, { global: values.global });
    const validate = validator(s.schema);
    if (validate(merged)) continue;
    for (const e of validate.errors ?? []) {
      const tokens = e.instancePath
        .split('/')
        .slice(1)
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      const at = tokens.reduce((p, k) => join(p, k), s.path);
      const value = tokens.reduce<unknown>((v, k) => (isMap(v) ? v[k] : Array.isArray(v) ? v[Number(k)] : undefined), merged);
      problems.push({
        path: under(prefix, at),
        value,
        problem: `${index.chart} ${index.version}'s values.schema.json${s.path ? ` (${s.path})` : ''} rejects it: ${e.message}${
          e.params && 'additionalProperty' in e.params ? ` (${show(e.params.additionalProperty)})` : ''
        }`,
        fix: 'set a value the chart schema allows',
      });
    }
  }
  return problems;
}

/** Every problem of `values` against the chart: unknown keys, then schema violations. */
export function chartValuesProblems(index: ChartValuesIndex, values: Values, prefix = 'values'): ValidationProblem[] {
  const unknown = unknownValuesProblems(index, values, prefix);
  // Schema errors about keys already reported as unknown say the same thing twice.
  return unknown.length ? unknown : schemaProblems(index, values, prefix);
}

/** The committed values data of a pinned chart, if aiready has it (see `pnpm chart-values`). */
export function pinnedChartValues(chart: string, version: string): ChartValuesIndex | undefined {
  return CHART_VALUES[`${chart}@${version}`]?.();
}
