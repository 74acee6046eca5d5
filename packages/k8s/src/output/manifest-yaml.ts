// The review tree's YAML, byte for byte what `yaml`'s stringify (lineWidth 0) writes, without building
// its document tree: at 1,000 pools and 500 teams, stringify was the largest part of laying out 8,000
// objects. The layout (block maps and sequences, two-space indentation, `- ` items, `[]` and `{}`) is
// written here; how a scalar or key is written (plain or quoted) is asked of `yaml` itself, once per
// distinct text, unless it is a word no YAML reader could take for anything else; a multi-line string
// (a block scalar: a header, then its lines two spaces past its key or dash) likewise, its lines
// re-indented. Anything else (a multi-line key, a top level that is not a map) is handed to `yaml` whole.
import * as YAML from 'yaml';

const OPTIONS = { lineWidth: 0 } as const;

/** Plain in any YAML: a letter first, then letters, digits and `_./-`, and not a reserved word. */
const SAFE_WORD = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const RESERVED = /^(?:null|true|false|yes|no|on|off|y|n|nan|inf)$/i;

const values = new Map<string, string | null>();
const keys = new Map<string, string | null>();

/** What `yaml` writes after `prefix` for `probe`, if it is one line; null when it is not. */
function asked(probe: unknown, prefix: string, suffix: string): string | null {
  const text = YAML.stringify(probe, OPTIONS);
  if (!text.startsWith(prefix) || !text.endsWith(suffix)) return null;
  const middle = text.slice(prefix.length, text.length - suffix.length);
  return middle.includes('\n') ? null : middle;
}

/** A scalar as `yaml` writes it as a value; undefined when it is not a scalar one line can hold. */
function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (typeof v === 'string' && SAFE_WORD.test(v) && !RESERVED.test(v)) return v;
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const id = `${typeof v}:${String(Object.is(v, -0) ? '-0' : v)}`;
  let text = values.get(id);
  if (text === undefined) {
    text = typeof v === 'string' && /[\n\r]/.test(v) ? null : asked({ k: v }, 'k: ', '\n');
    values.set(id, text);
  }
  return text ?? undefined;
}

/** A string as `yaml` writes it as a block scalar: the header after the key, and its lines as written at column 0. */
interface Block {
  readonly head: string;
  /** Each line as under a key at column 0: two spaces in, or empty. */
  readonly lines: readonly string[];
}

const blocks = new Map<string, Block | string | null>();

/**
 * A string with a line break as `yaml` writes it as a value: a one-line (quoted) text, a block
 * scalar, or null when it is neither.
 */
function multiline(v: string): Block | string | null {
  let b = blocks.get(v);
  if (b === undefined) {
    b = literalBlock(v) ?? askedBlock(v);
    blocks.set(v, b);
  }
  return b;
}

/** What `yaml` writes for a multi-line string, asked of it. */
function askedBlock(v: string): Block | string | null {
  const text = YAML.stringify({ k: v }, OPTIONS);
  const [first, ...lines] = text.startsWith('k: ') && text.endsWith('\n') ? text.slice(2, -1).split('\n') : [];
  if (first === undefined) return null;
  if (!lines.length) return first.slice(1);
  return /^ [|>]/.test(first) && lines.every((l) => l === '' || l.startsWith('  ')) ? { head: first, lines } : null;
}

/** What makes `yaml` quote a string or write a block scalar other than as its plain lines. */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN_LINES = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[\uD800-\uDFFF]| \n| $|^[ \n]|\n\n$/;

/**
 * A multi-line string as `yaml` writes it, without asking it, when that is plainly its lines: a literal
 * block (`|-`, or `|` for one final line break), each line two spaces in, nothing to escape, no space
 * at the start of the text or the end of a line, at most one final line break. Undefined otherwise (and
 * `yaml` is asked). Dashboards are megabytes of such text; `yaml` took 0.14 s for one of 2.9 MB.
 */
export function literalBlock(v: string): Block | undefined {
  if (NOT_PLAIN_LINES.test(v)) return undefined;
  const clip = v.endsWith('\n');
  return {
    head: clip ? ' |' : ' |-',
    lines: (clip ? v.slice(0, -1) : v).split('\n').map((l) => (l === '' ? '' : `  ${l}`)),
  };
}

/**
 * A map key as `yaml` writes it; undefined when it needs more than one plain or quoted line. At the
 * top level (column 0) a key such as `---` would read as a document marker, so `yaml` quotes it there.
 */
function key(k: string, top: boolean): string | undefined {
  if (SAFE_WORD.test(k) && !RESERVED.test(k)) return k;
  const id = `${top ? 0 : 1}:${k}`;
  let text = keys.get(id);
  if (text === undefined) {
    text = /[\n\r]/.test(k) ? null : top ? asked({ [k]: 0 }, '', ': 0\n') : asked({ a: { [k]: 0 } }, 'a:\n  ', ': 0\n');
    keys.set(id, text);
  }
  return text ?? undefined;
}

class Unwritable extends Error {}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function map(obj: Record<string, unknown>, indent: string, out: string[]): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = key(k, indent === '');
    if (name === undefined) throw new Unwritable();
    out.push(`${indent}${name}:`);
    value(v, indent, out);
  }
}

/** `v` after `key:` (or `- `): inline if a scalar or empty, else on the next lines, two spaces in. */
function value(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (!v.length) out.push(' []\n');
    else {
      out.push('\n');
      seq(v, `${indent}  `, out);
    }
  } else if (isMap(v)) {
    if (!Object.keys(v).length) out.push(' {}\n');
    else {
      out.push('\n');
      map(v, `${indent}  `, out);
    }
  } else if (typeof v === 'string' && /[\n\r]/.test(v)) {
    const b = multiline(v);
    if (b === null) throw new Unwritable();
    if (typeof b === 'string') out.push(` ${b}\n`);
    else {
      out.push(`${b.head}\n`);
      for (const line of b.lines) out.push(line === '' ? '\n' : `${indent}${line}\n`);
    }
  } else {
    const text = scalar(v);
    if (text === undefined) throw new Unwritable();
    out.push(` ${text}\n`);
  }
}

function seq(items: readonly unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    const nested = (Array.isArray(item) || isMap(item)) && (Array.isArray(item) ? item.length : Object.keys(item).length);
    if (!nested) {
      out.push(`${indent}-`);
      value(item, indent, out);
      continue;
    }
    // The item's first line follows `- `; the rest are indented two spaces past the dash.
    const inner: string[] = [];
    if (Array.isArray(item)) seq(item, `${indent}  `, inner);
    else map(item as Record<string, unknown>, `${indent}  `, inner);
    inner[0] = `${indent}- ${inner[0].slice(indent.length + 2)}`;
    out.push(...inner);
  }
}

/** `value` (one object) as YAML, exactly as `YAML.stringify(value, { lineWidth: 0 })` writes it. */
export function manifestYaml(value: unknown): string {
  if (isMap(value) && Object.keys(value).length) {
    const out: string[] = [];
    try {
      map(value, '', out);
      return out.join('');
    } catch (e) {
      if (!(e instanceof Unwritable)) throw e;
    }
  }
  return YAML.stringify(value, OPTIONS);
}
