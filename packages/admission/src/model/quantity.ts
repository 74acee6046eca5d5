// Kubernetes resource quantities (`250m`, `1Gi`, `32`, `1e3`) as plain numbers, for comparisons.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const PATTERN = /^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The value of a quantity (cores, bytes, counts), or undefined when it is not one. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = PATTERN.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const suffix = m[2] ?? '';
  if (m[3]) return n * 10 ** Number(m[3].slice(1));
  return n * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** A resource list (`{ cpu: '1', memory: '1Gi' }`) as numbers; entries that are not quantities are dropped. */
export function parseResourceList(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const q = parseQuantity(v);
    if (q !== undefined) out[k] = q;
  }
  return out;
}

/** A byte count as people read it: `1Gi`, `512Mi`, `80Gi`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${round(bytes / size)}${unit}`;
  }
  return String(bytes);
}

/** A quantity of `resource` as people read it: bytes for memory and storage, plain numbers otherwise. */
export function formatQuantity(resource: string, value: number): string {
  return /memory|storage/.test(resource) ? formatBytes(value) : String(round(value));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
