/** A JSON-like object of Helm values. */
export type Values = { [key: string]: unknown };

function isPlainObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges Helm values the way Helm merges `-f` files: objects merge key by key, everything else
 * (arrays included) is replaced by the later value. Inputs are not modified.
 */
export function deepMerge(...layers: readonly (Values | undefined)[]): Values {
  const out: Values = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      const current = out[key];
      out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : clone(value);
    }
  }
  return out;
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) return deepMerge(value);
  return value;
}

/**
 * Freezes `value` and everything in it (objects and arrays, to the last level), in place: for values
 * shared between readers, where a change would make what was computed from them stale.
 */
export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** Returns a copy of `value` with object keys sorted at every depth, for byte-stable output. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep(value[k])]),
    ) as T;
  }
  return value;
}
