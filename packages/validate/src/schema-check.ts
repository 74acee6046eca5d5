// Walks a value and its structural schema together, as the API server decodes and validates a create
// request with strict field validation: unknown fields, types, required fields, enums (declared, and
// the ones built-in validation enforces), string, number, list and map constraints, formats. No
// compilation step: the cost is proportional to the object, not to the schema, so a huge CRD costs
// nothing until an object of its kind shows up. CRD CEL rules are collected, not run (cel-rules.ts).
import { ENFORCED_ENUMS, ENFORCED_REQUIRED } from './enforced-enums';
import { formatProblem } from './formats';
import { goRegex } from './go-regex';
import { OBJECT_META, SchemaNode } from './schema-bundle';

/** One thing wrong with an object, at a field path such as `spec.template.spec.containers[0].name`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** A schema node with CEL rules and the value found there, to be evaluated after the walk. */
export interface CelSite {
  readonly node: SchemaNode;
  readonly value: unknown;
  readonly path: string;
}

/** State shared by one walk. */
export interface WalkContext {
  /** Built-in OpenAPI definitions, for `$ref`s. */
  readonly definitions: Readonly<Record<string, SchemaNode>>;
  readonly problems: Problem[];
  readonly celSites: CelSite[];
  /** Patterns that cannot be checked here, with the reason. */
  readonly uncheckedPatterns: Map<string, string>;
}

/** Schema dialect: `kubernetes` (built-in kinds, OpenAPI v2) or `crd` (structural OpenAPI v3). */
export type Flavour = 'kubernetes' | 'crd';

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** A field path segment: `.name` for identifiers, `[key]` for other map keys, `[i]` for list items. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function show(v: unknown): string {
  const s = String(JSON.stringify(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    default:
      return typeof v === type;
  }
}

/** Whether a node says nothing about its value (a free-form built-in field such as `JSON`). */
function isFreeForm(node: SchemaNode): boolean {
  return !node.type && !node.properties && !node.items && !node.additionalProperties && !node.$ref;
}

/** Options of one call: `valueOnly` checks an `allOf`/`anyOf`/`oneOf`/`not` branch (no field strictness). */
interface Frame {
  readonly flavour: Flavour;
  readonly valueOnly: boolean;
}

/** Checks `value` against `node` at `path`, adding problems and CEL sites to `ctx`. */
export function checkValue(value: unknown, node: SchemaNode, path: string, ctx: WalkContext, flavour: Flavour): void {
  check(value, node, path, ctx, { flavour, valueOnly: false });
}

function check(value: unknown, node: SchemaNode, path: string, ctx: WalkContext, frame: Frame, def?: string): void {
  if (node.$ref) {
    def = node.$ref.replace('#/definitions/', '');
    node = ctx.definitions[def];
    if (!node) throw new Error(`bundled schema has no definition ${def}`);
  }
  if (value === null) return; // null is "unset" for built-in kinds and dropped for non-nullable CRD fields
  const fail = (message: string): void => {
    ctx.problems.push({ path, message });
  };
  if (def === QUANTITY) {
    const problem = formatProblem('quantity', value);
    if (problem) fail(`${show(value)}: ${problem}`);
    return;
  }
  if (frame.flavour === 'kubernetes' && isFreeForm(node)) return;
  const intOrString = node['x-kubernetes-int-or-string'] || node.format === 'int-or-string';
  if (intOrString) {
    if (!hasType(value, 'integer') && !hasType(value, 'string'))
      return fail(`must be an integer or a string, got ${typeOf(value)}`);
  } else if (node.type && !hasType(value, node.type)) {
    return fail(`must be of type ${node.type}, got ${typeOf(value)} ${show(value)}`);
  }
  if (node.enum && !node.enum.some((e) => e === value || JSON.stringify(e) === JSON.stringify(value))) {
    fail(`Unsupported value: ${show(value)}: supported values: ${node.enum.map((e) => show(e)).join(', ')}`);
  }
  if (typeof value === 'string') checkString(value, node, frame, ctx, fail);
  else if (typeof value === 'number') checkNumber(value, node, frame, fail);
  else if (Array.isArray(value)) checkArray(value, node, path, ctx, frame, fail);
  else if (isObject(value)) checkObject(value, node, path, ctx, frame, def, fail);
  checkBranches(value, node, path, ctx, frame, fail);
  if (!frame.valueOnly && frame.flavour === 'crd' && node['x-kubernetes-validations']) ctx.celSites.push({ node, value, path });
}

/** The characters of `s` as Kubernetes counts them (code points, as `[...s].length`), without an array. */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function checkString(value: string, node: SchemaNode, frame: Frame, ctx: WalkContext, fail: (m: string) => void): void {
  // Counted only when bounded: a dashboard or an alert expression is hundreds of kilobytes at scale.
  const length = node.minLength !== undefined || node.maxLength !== undefined ? codePoints(value) : 0;
  if (node.minLength !== undefined && length < node.minLength)
    fail(`${show(value)}: must be at least ${node.minLength} characters`);
  if (node.maxLength !== undefined && length > node.maxLength)
    fail(`${show(value)}: must be at most ${node.maxLength} characters (is ${length})`);
  if (node.pattern) {
    const compiled = goRegex(node.pattern);
    if ('regex' in compiled) {
      if (!compiled.regex.test(value)) fail(`${show(value)}: must match the pattern ${node.pattern}`);
    } else ctx.uncheckedPatterns.set(node.pattern, compiled.unchecked);
  }
  if (node.format && (node.format !== 'int32' || frame.flavour === 'kubernetes')) {
    const problem = formatProblem(node.format, value);
    if (problem) fail(`${show(value)}: ${problem}`);
  }
}

function checkNumber(value: number, node: SchemaNode, frame: Frame, fail: (m: string) => void): void {
  if (node.minimum !== undefined && (node.exclusiveMinimum ? value <= node.minimum : value < node.minimum))
    fail(`${value}: must be ${node.exclusiveMinimum ? 'greater than' : 'greater than or equal to'} ${node.minimum}`);
  if (node.maximum !== undefined && (node.exclusiveMaximum ? value >= node.maximum : value > node.maximum))
    fail(`${value}: must be ${node.exclusiveMaximum ? 'less than' : 'less than or equal to'} ${node.maximum}`);
  if (node.multipleOf && Math.abs(value / node.multipleOf - Math.round(value / node.multipleOf)) > 1e-9)
    fail(`${value}: must be a multiple of ${node.multipleOf}`);
  if (node.format === 'int32' && frame.flavour === 'kubernetes') {
    const problem = formatProblem('int32', value);
    if (problem) fail(`${value}: ${problem}`);
  }
}

function checkArray(
  value: readonly unknown[],
  node: SchemaNode,
  path: string,
  ctx: WalkContext,
  frame: Frame,
  fail: (m: string) => void,
): void {
  if (node.minItems !== undefined && value.length < node.minItems) fail(`must have at least ${node.minItems} items`);
  if (node.maxItems !== undefined && value.length > node.maxItems)
    fail(`must have at most ${node.maxItems} items (has ${value.length})`);
  const listType = node['x-kubernetes-list-type'];
  if (node.uniqueItems || listType === 'set' || listType === 'map') {
    const keys = node['x-kubernetes-list-map-keys'];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const key = listType === 'map' && keys && isObject(item) ? JSON.stringify(keys.map((k) => item[k])) : JSON.stringify(item);
      if (seen.has(key)) ctx.problems.push({ path: joinPath(path, i), message: `Duplicate value: ${key}` });
      seen.add(key);
    });
  }
  if (node.items) value.forEach((item, i) => check(item, node.items!, joinPath(path, i), ctx, frame));
}

function checkObject(
  value: Record<string, unknown>,
  node: SchemaNode,
  path: string,
  ctx: WalkContext,
  frame: Frame,
  def: string | undefined,
  fail: (m: string) => void,
): void {
  const properties = node.properties;
  const extra = node.additionalProperties;
  const enums = def ? ENFORCED_ENUMS[def] : undefined;
  // Built-in objects without declared fields are free-form; a CRD object without them keeps nothing
  // unless it preserves unknown fields (the API server would prune, and strict validation reject).
  const open =
    extra === true ||
    node['x-kubernetes-preserve-unknown-fields'] === true ||
    (frame.flavour === 'kubernetes' && !properties && !extra);
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  for (const [key, v] of Object.entries(value)) {
    const at = joinPath(path, key);
    const prop = properties?.[key];
    if (prop) {
      check(v, prop, at, ctx, frame, undefined);
      const allowed = enums?.[key];
      if (allowed) checkEnforcedEnum(v, allowed, at, ctx);
    } else if (embedded && (key === 'apiVersion' || key === 'kind')) {
      if (typeof v !== 'string') ctx.problems.push({ path: at, message: `must be of type string, got ${typeOf(v)}` });
    } else if (embedded && key === 'metadata') {
      check(v, { $ref: `#/definitions/${OBJECT_META}` }, at, ctx, { ...frame, flavour: 'kubernetes' });
    } else if (typeof extra === 'object') {
      check(v, extra, at, ctx, frame);
    } else if (!open && !frame.valueOnly) {
      ctx.problems.push({ path: at, message: `unknown field "${at}"` });
    }
  }
  for (const r of [...(node.required ?? []), ...((def && ENFORCED_REQUIRED[def]) || [])]) {
    if (value[r] === undefined || value[r] === null) ctx.problems.push({ path: joinPath(path, r), message: 'Required value' });
  }
  const count = Object.keys(value).length;
  if (node.minProperties !== undefined && count < node.minProperties) fail(`must have at least ${node.minProperties} fields`);
  if (node.maxProperties !== undefined && count > node.maxProperties) fail(`must have at most ${node.maxProperties} fields`);
}

function checkEnforcedEnum(v: unknown, allowed: readonly string[], path: string, ctx: WalkContext): void {
  const values = Array.isArray(v) ? v : [v];
  values.forEach((x, i) => {
    if (typeof x !== 'string' || x === '' || allowed.includes(x)) return;
    ctx.problems.push({
      path: Array.isArray(v) ? joinPath(path, i) : path,
      message: `Unsupported value: ${show(x)}: supported values: ${allowed.map((a) => show(a)).join(', ')}`,
    });
  });
}

/** `allOf`/`anyOf`/`oneOf`/`not`: value validations only, as structural schemas allow there. */
function checkBranches(
  value: unknown,
  node: SchemaNode,
  path: string,
  ctx: WalkContext,
  frame: Frame,
  fail: (m: string) => void,
): void {
  if (!node.allOf && !node.anyOf && !node.oneOf && !node.not) return;
  const branch = { ...frame, valueOnly: true };
  const problemsOf = (sub: SchemaNode): Problem[] => {
    const local: WalkContext = { ...ctx, problems: [], celSites: [] };
    check(value, sub, path, local, branch);
    return local.problems;
  };
  for (const sub of node.allOf ?? []) ctx.problems.push(...problemsOf(sub));
  if (node.anyOf) {
    const results = node.anyOf.map(problemsOf);
    if (!results.some((r) => r.length === 0))
      fail(`must match at least one of ${node.anyOf.length} schemas (first: ${results[0].map((p) => p.message).join('; ')})`);
  }
  if (node.oneOf) {
    const matching = node.oneOf.map(problemsOf).filter((r) => r.length === 0).length;
    if (matching !== 1) fail(`must match exactly one of ${node.oneOf.length} schemas (matches ${matching})`);
  }
  if (node.not && problemsOf(node.not).length === 0) fail('must not match the schema in "not"');
}
