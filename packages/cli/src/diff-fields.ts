// Field-level comparison of two JSON values, for `aiready diff`.

/** One field that differs: `undefined` on a side means the field is not there. */
export interface FieldChange {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function key(p: string, k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? (p ? `${p}.${k}` : k) : `${p}[${JSON.stringify(k)}]`;
}

/** Leaf values by path (`spec.template.spec.containers[0].image`); empty maps and lists are leaves. */
export function flatten(v: unknown, p = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isMap(v) && Object.keys(v).length) for (const [k, x] of Object.entries(v)) flatten(x, key(p, k), out);
  else if (Array.isArray(v) && v.length) v.forEach((x, i) => flatten(x, `${p}[${i}]`, out));
  else out.set(p, v);
  return out;
}

/** The fields that differ between two values, in path order. */
export function fieldChanges(a: unknown, b: unknown): FieldChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return paths
    .filter((p) => JSON.stringify(fa.get(p)) !== JSON.stringify(fb.get(p)))
    .map((p) => ({ path: p, ...(fa.has(p) ? { old: fa.get(p) } : {}), ...(fb.has(p) ? { new: fb.get(p) } : {}) }));
}
