// Where a stack config problem is in the stack's YAML file, so an error reads
// `ai-platform:pools[0].maxNode (Pulumi.dev.yaml:14:7)`.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** A stack's config file, as text. */
export interface StackSource {
  readonly file: string;
  readonly text: string;
}

/** The keys of a problem path: `ai-platform:pools[0].sharing` → ['ai-platform:pools', 0, 'sharing']. */
export function pathKeys(problemPath: string): (string | number)[] {
  const colon = problemPath.indexOf(':');
  const start = problemPath.slice(colon + 1).search(/[.[]/);
  const head = start < 0 ? problemPath : problemPath.slice(0, colon + 1 + start);
  const rest = start < 0 ? '' : problemPath.slice(colon + 1 + start);
  const keys: (string | number)[] = [head];
  for (const m of rest.matchAll(/\.([^.[]+)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
  }
  return keys;
}

/**
 * The problem path with the line and column of the deepest YAML node it names (an unknown or wrong
 * key's own line), or unchanged when the file does not hold it (a default, a key from elsewhere).
 */
export function locateInYaml(source: StackSource, problemPath: string): string {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(source.text, { lineCounter: lines, keepSourceTokens: true });
  const keys = pathKeys(problemPath);
  let found: { range?: [number, number, number] | null } | undefined;
  for (let depth = keys.length; depth > 0 && !found?.range; depth--) {
    const node = doc.getIn(['config', ...keys.slice(0, depth)], true) as { range?: [number, number, number] | null } | undefined;
    if (node && typeof node === 'object') found = node;
  }
  if (!found?.range) return problemPath;
  const { line, col } = lines.linePos(found.range[0]);
  return `${problemPath} (${path.basename(source.file)}:${line}:${col})`;
}

/**
 * The stack's `Pulumi.<stack>.yaml`, looked for in the program's folder and its parent (a compiled
 * program runs from lib/), or undefined when there is none (config from elsewhere).
 */
export function readStackSource(programDir: string, stack: string): StackSource | undefined {
  for (const dir of [programDir, path.dirname(programDir)]) {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(file)) return { file, text: fs.readFileSync(file, 'utf8') };
  }
  return undefined;
}
