// A small runtime schema of plain-data input (TypeScript objects, or YAML a stack config holds): the
// shape of every field at every depth, documented once. `checkShape` reports every shape problem at
// once (wrong type, unknown key with the nearest known one, missing required field) before any rule
// looks at a value, so rules never crash on a `null` or a string where a list belongs. The same
// schema generates the stack-config reference in the docs.
import { ValidationProblem } from '../errors';
import { nearest } from '../util/suggest';

/** A field of an object schema. */
export interface Field {
  readonly schema: Schema;
  /** What the field does, one sentence. */
  readonly doc: string;
  /** The behaviour when the field is left out, in words (`'on-demand'`, `none`). */
  readonly default?: string;
  readonly required?: boolean;
  /** An example value, as a user would write it in YAML. */
  readonly example?: string;
}

/** The shape of a value. */
export type Schema =
  | { readonly type: 'string' }
  | { readonly type: 'number' }
  | { readonly type: 'integer' }
  | { readonly type: 'boolean' }
  /** A string, or a number written without quotes (a version like 1.35 in YAML). */
  | { readonly type: 'string-or-number' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'list'; readonly items: Schema }
  /** An object with free keys (labels, per-pool quotas) and values of one shape. */
  | { readonly type: 'record'; readonly values: Schema }
  | { readonly type: 'object'; readonly fields: Readonly<Record<string, Field>>; readonly name: string }
  /** One of several object shapes, told apart by the value of `discriminator`. */
  | {
      readonly type: 'variants';
      readonly discriminator: string;
      readonly variants: Readonly<Record<string, { readonly fields: Readonly<Record<string, Field>> }>>;
      readonly name: string;
    }
  /** Anything (raw chart values, passed through). */
  | { readonly type: 'any' }
  /** `false`, or an object of this shape (`clusterAutoscaler: false`). */
  | { readonly type: 'false-or'; readonly schema: Schema }
  /** `true` (the defaults), `false` (off), or an object of this shape (`monitoring: true`). */
  | { readonly type: 'boolean-or'; readonly schema: Schema }
  /** One of several shapes (a receiver is Slack, PagerDuty, a webhook or email). */
  | { readonly type: 'either'; readonly options: readonly Schema[]; readonly name: string };

/** Shorthands for schema nodes. */
export const S = {
  string: { type: 'string' } as Schema,
  number: { type: 'number' } as Schema,
  integer: { type: 'integer' } as Schema,
  boolean: { type: 'boolean' } as Schema,
  stringOrNumber: { type: 'string-or-number' } as Schema,
  any: { type: 'any' } as Schema,
  /** One of `values`. */
  enum: (values: readonly string[]): Schema => ({ type: 'enum', values }),
  /** A list whose items follow `items`. */
  list: (items: Schema): Schema => ({ type: 'list', items }),
  /** A map from names to values that follow `values`. */
  record: (values: Schema): Schema => ({ type: 'record', values }),
  /** An object named `name` (in messages) with exactly `fields`. */
  object: (name: string, fields: Record<string, Field>): Schema => ({ type: 'object', name, fields }),
  /** `false` (turned off) or a value that follows `schema`. */
  falseOr: (schema: Schema): Schema => ({ type: 'false-or', schema }),
  /** `true`, `false` or a value that follows `schema`. */
  booleanOr: (schema: Schema): Schema => ({ type: 'boolean-or', schema }),
  /** A value that follows one of `options`, named `name` in messages. */
  either: (name: string, options: readonly Schema[]): Schema => ({ type: 'either', name, options }),
} as const;

/**
 * Names that cannot be a key of a synthesized object: cdk8s's serializer reads an object's own
 * `constructor` key as its class and fails. A pool or team name, a label key or a values key like
 * this is refused up front, with its path, instead of crashing at synth.
 */
export const UNSERIALIZABLE_NAMES: readonly string[] = ['constructor'];

/** The problem of a name or key that cannot be serialized, if it is one. */
export function unserializableName(path: string, name: unknown): ValidationProblem | undefined {
  if (typeof name !== 'string' || !UNSERIALIZABLE_NAMES.includes(name)) return undefined;
  return {
    path,
    value: name,
    problem: `'${name}' becomes a key of a synthesized object, and cdk8s cannot serialize an object with that key`,
    fix: `use another name, e.g. '${name}-1'`,
  };
}

/** Every key anywhere in `value` (raw chart values) that cannot be serialized. */
function unserializableKeys(value: unknown, path: string, problems: ValidationProblem[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => unserializableKeys(v, `${path}[${i}]`, problems));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const bad = unserializableName(join(path, k), k);
      if (bad) problems.push(bad);
      else unserializableKeys(v, join(path, k), problems);
    }
  }
}

/** A type name for messages (`a list`, `a number`). */
function describe(schema: Schema): string {
  switch (schema.type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'string-or-number':
      return 'a string';
    case 'enum':
      return `one of ${schema.values.map((v) => `'${v}'`).join(', ')}`;
    case 'list':
      return 'a list';
    case 'record':
    case 'object':
    case 'variants':
      return 'an object';
    case 'false-or':
      return `false or ${describe(schema.schema)}`;
    case 'boolean-or':
      return `true, false or ${describe(schema.schema)}`;
    case 'either':
      return `a ${schema.name}`;
    case 'any':
      return 'anything';
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function checkFields(
  fields: Readonly<Record<string, Field>>,
  value: Record<string, unknown>,
  path: string,
  problems: ValidationProblem[],
  skip: ReadonlySet<string> = new Set(),
  sibling?: (key: string) => ValidationProblem | undefined,
): void {
  const known = Object.keys(fields);
  for (const key of Object.keys(value)) {
    if (skip.has(key)) continue;
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      const other = sibling?.(key);
      if (other) {
        problems.push(other);
        continue;
      }
      problems.push({
        path: join(path, key),
        value: value[key],
        problem: 'not a known setting here, so it would be ignored',
        fix: !known.length
          ? 'remove it'
          : known.length <= 12
            ? `did you mean ${nearest(key, known, 1)[0]}? (known: ${known.join(', ')})`
            : `did you mean ${nearest(key, known, 1)[0]}?`,
      });
      continue;
    }
    if (value[key] !== undefined) checkShape(fields[key].schema, value[key], join(path, key), problems);
  }
  for (const [key, field] of Object.entries(fields)) {
    if (field.required && value[key] === undefined && !skip.has(key)) {
      problems.push({
        path: join(path, key),
        value: undefined,
        problem: 'required',
        fix: field.example ? `set it, e.g. ${key}: ${field.example}` : `set ${key}: ${field.doc}`,
      });
    }
  }
}

/**
 * Checks that `value` has the shape `schema` describes, at every depth, recording every problem with
 * its path. Returns true when nothing was wrong. Values themselves (ranges, names, catalogue lookups)
 * are the plan functions' business; this only makes sure they get the types they expect.
 */
export function checkShape(schema: Schema, value: unknown, path: string, problems: ValidationProblem[]): boolean {
  const before = problems.length;
  const wrong = () =>
    problems.push({
      path,
      value,
      problem: `must be ${describe(schema)}, not ${typeOf(value)}`,
      fix: `give ${describe(schema)}`,
    });
  switch (schema.type) {
    case 'any':
      unserializableKeys(value, path, problems);
      break;
    case 'string':
      if (typeof value !== 'string') wrong();
      break;
    case 'string-or-number':
      if (typeof value !== 'string' && typeof value !== 'number') wrong();
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) wrong();
      break;
    case 'integer':
      if (typeof value === 'number' && !Number.isInteger(value))
        problems.push({
          path,
          value,
          problem: 'must be a whole number',
          fix: `give a whole number, e.g. ${Math.max(1, Math.round(value))}`,
        });
      else if (typeof value !== 'number') wrong();
      break;
    case 'boolean':
      if (typeof value !== 'boolean') wrong();
      break;
    case 'enum':
      if (typeof value !== 'string' || !schema.values.includes(value)) {
        problems.push({
          path,
          value,
          problem: 'not a known value',
          fix:
            typeof value === 'string'
              ? `use one of ${schema.values.map((v) => `'${v}'`).join(', ')} (nearest: '${nearest(value, schema.values, 1)[0]}')`
              : `use one of ${schema.values.map((v) => `'${v}'`).join(', ')}`,
        });
      }
      break;
    case 'list':
      if (!Array.isArray(value)) wrong();
      // An index loop, not forEach: a hole in a sparse list (`[, 'x']`) is checked like `undefined`.
      else for (let i = 0; i < value.length; i++) checkShape(schema.items, value[i], `${path}[${i}]`, problems);
      break;
    case 'record':
      if (!isObject(value)) wrong();
      else
        for (const [k, v] of Object.entries(value)) {
          const bad = unserializableName(`${path}["${k}"]`, k);
          if (bad) problems.push(bad);
          else checkShape(schema.values, v, `${path}["${k}"]`, problems);
        }
      break;
    case 'object':
      if (!isObject(value)) wrong();
      else checkFields(schema.fields, value, path, problems);
      break;
    case 'variants': {
      if (!isObject(value)) {
        wrong();
        break;
      }
      const tag = value[schema.discriminator];
      const names = Object.keys(schema.variants);
      const variant =
        typeof tag === 'string' && Object.prototype.hasOwnProperty.call(schema.variants, tag) ? schema.variants[tag] : undefined;
      if (!variant) {
        problems.push({
          path: join(path, schema.discriminator),
          value: tag,
          problem: `not a ${schema.name} ${schema.discriminator}`,
          fix: `use one of ${names.map((n) => `'${n}'`).join(', ')}`,
        });
        break;
      }
      // A key of another variant (MIG's layout on a time-slicing pool) mixes two of them.
      const sibling = (key: string): ValidationProblem | undefined => {
        const owners = names.filter((n) => n !== tag && Object.prototype.hasOwnProperty.call(schema.variants[n].fields, key));
        if (!owners.length) return undefined;
        return {
          path: join(path, key),
          value: value[key],
          problem: `belongs to ${schema.discriminator} ${owners.map((o) => `'${o}'`).join(' or ')}; ${schema.discriminator} '${tag}' cannot be combined with it`,
          fix: `keep only ${[schema.discriminator, ...Object.keys(variant.fields)].join(', ')}: one ${schema.discriminator} per ${schema.name}`,
        };
      };
      checkFields(variant.fields, value, path, problems, new Set([schema.discriminator]), sibling);
      break;
    }
    case 'false-or':
      // `true`, null or a string is neither choice: say both.
      if (value !== false && schema.schema.type === 'object' && !isObject(value)) wrong();
      else if (value !== false) checkShape(schema.schema, value, path, problems);
      break;
    case 'boolean-or':
      if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) wrong();
      else if (typeof value !== 'boolean') checkShape(schema.schema, value, path, problems);
      break;
    case 'either': {
      // The shape that fits best: no problems, else the fewest.
      const tries = schema.options.map((option) => {
        const found: ValidationProblem[] = [];
        checkShape(option, value, path, found);
        return found;
      });
      if (tries.some((t) => t.length === 0)) break;
      problems.push(...tries.reduce((a, b) => (b.length < a.length ? b : a)));
      break;
    }
  }
  return problems.length === before;
}
