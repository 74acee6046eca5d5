// A YAML emitter for plain JSON data (maps, lists, strings, numbers, booleans, null), for the rendered
// review tree: rendered charts are megabytes of CRDs, and a general YAML library spends most of a
// render serializing them. Block style, two-space indentation, keys in the given order. Strings stay
// plain only when every YAML 1.1 and 1.2 reader (kubectl's included) reads them back as the same
// string; multi-line strings become literal blocks; everything else is double-quoted.

const RESERVED = /^(?:~|null|true|false|yes|no|on|off|y|n)$/i;
/** Plain scalars: a letter or `/` first, then no character that could start YAML syntax. */
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./@-]*(?: [A-Za-z0-9_./@(),=-]+)*$/;

/** What some reader might take for a number (`E0` is a float to one YAML 1.1 reader). */
const NUMERIC = /^[0-9eE._+-]+$/;

function scalar(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) && !NUMERIC.test(s) ? s : JSON.stringify(s);
}

/** A literal block for a multi-line string, its lines at `indent`; undefined when one cannot hold it exactly. */
function block(s: string, indent: string): string | undefined {
  // Characters a literal block cannot carry (tabs can; other control characters and CR cannot).
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return undefined;
  const trailing = /\n*$/.exec(s)![0].length;
  const body = s.slice(0, s.length - trailing);
  // Lines of only spaces before content would be taken for indentation.
  if (!body || /^ *$/m.test(body.split('\n')[0]) || body.split('\n').some((l) => /^ +$/.test(l))) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  // A first line starting with a space needs an explicit indentation indicator.
  const indicator = body.startsWith(' ') ? '2' : '';
  const lines = `${body}${'\n'.repeat(Math.max(0, trailing - 1))}`.split('\n');
  return `|${indicator}${chomp}\n${lines.map((l) => (l ? `${indent}${l}` : '')).join('\n')}`;
}

/**
 * A key and its colon. Longer than the 1,024 characters YAML allows an implicit key, it is explicit:
 * `? key`, then the colon on the next line at column `col` (the key's).
 */
function keyed(k: string, col: string): string {
  const s = scalar(k);
  return s.length > 1024 ? `? ${s}\n${col}:` : `${s}:`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Writes `v` after a `key:` or `-` already written on a line indented by `col`. */
function value(v: unknown, col: string, out: string[]): void {
  const inner = `${col}  `;
  if (Array.isArray(v)) {
    if (!v.length) return void out.push(' []\n');
    out.push('\n');
    for (const item of v) {
      out.push(`${inner}-`);
      if (isMap(item) && Object.keys(item).length) {
        // The item's first key sits on the dash's line; the others line up under it.
        Object.entries(item).forEach(([k, x], i) => {
          out.push(i === 0 ? ` ${keyed(k, `${inner}  `)}` : `${inner}  ${keyed(k, `${inner}  `)}`);
          value(x, `${inner}  `, out);
        });
      } else value(item, inner, out);
    }
    return;
  }
  if (isMap(v)) {
    const entries = Object.entries(v);
    if (!entries.length) return void out.push(' {}\n');
    out.push('\n');
    for (const [k, x] of entries) {
      out.push(`${inner}${keyed(k, inner)}`);
      value(x, inner, out);
    }
    return;
  }
  if (typeof v === 'string') return void out.push(` ${(v.includes('\n') && block(v, inner)) || scalar(v)}\n`);
  if (typeof v === 'number') return void out.push(` ${Number.isFinite(v) ? String(v) : JSON.stringify(String(v))}\n`);
  if (typeof v === 'boolean') return void out.push(` ${v}\n`);
  out.push(' null\n');
}

/** One YAML document for a map (as every Kubernetes object is). */
export function emitYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, x] of Object.entries(doc)) {
    out.push(keyed(k, ''));
    value(x, '', out);
  }
  return out.join('');
}

/**
 * What a YAML reader gets back from `emitYaml`'s text for `v`: the same value, except that `undefined`
 * (and anything else but JSON data) reads back as null, a non-finite number as its name (a string) and -0 as 0. Parts that need no change
 * are returned as they are, not copied.
 */
export function emittedValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const y = emittedValue(v[i]);
      if (!Object.is(y, v[i]) || !(i in v)) (out ??= [...v])[i] = y;
    }
    return out ?? v;
  }
  if (isMap(v)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) {
      const y = emittedValue(v[k]);
      if (Object.is(y, v[k])) continue;
      // A copy with own keys only, in the same order (an assignment to `__proto__` would set the prototype).
      out ??= Object.fromEntries(Object.entries(v));
      Object.defineProperty(out, k, { value: y, enumerable: true, writable: true, configurable: true });
    }
    return out ?? v;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : String(v);
  return typeof v === 'string' || typeof v === 'boolean' ? v : null;
}
