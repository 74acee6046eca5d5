// Structural-schema defaulting, as the API server does for custom resources before validation:
// `null` in a field that is not `nullable` is dropped, then every absent field with a `default` gets
// it, top-down (a defaulted object gets its own fields' defaults too). Never mutates its input.
import type { SchemaNode } from './schema-bundle';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `value` with the defaults of `node` applied (a copy where anything changed). */
export function applyDefaults(value: unknown, node: SchemaNode): unknown {
  if (Array.isArray(value)) {
    const items = node.items;
    return items ? value.map((v) => applyDefaults(v, items)) : value;
  }
  if (!isObject(value)) return value;
  const props = node.properties ?? {};
  const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = props[k] ?? extra;
    if (v === null && !sub?.nullable) continue;
    out[k] = sub && v !== null ? applyDefaults(v, sub) : v;
  }
  for (const [k, sub] of Object.entries(props)) {
    if (out[k] === undefined && sub.default !== undefined) out[k] = applyDefaults(structuredClone(sub.default), sub);
  }
  return out;
}
