// Never synthesize stale code: a target's TypeScript sources newer than the JavaScript synth would run
// mean the output would not be what the sources say. Synth refuses, with the command that rebuilds.
import * as fs from 'fs';
import * as path from 'path';

const SKIP = new Set(['node_modules', 'lib', 'dist']);

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) visit(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const mtimeMs = fs.statSync(p).mtimeMs;
        if (!newest || mtimeMs > newest.mtimeMs) newest = { file: p, mtimeMs };
      }
    }
  };
  visit(dir);
  return newest;
}

/**
 * Why the compiled `entry` (e.g. `lib/main.js`) of the target in `dir` cannot be run, or undefined: it
 * is missing, or a TypeScript source of the target is newer. A target with no TypeScript is never stale.
 */
export function staleProblem(dir: string, entry: string, rebuild = 'npx tsc -b'): string | undefined {
  const source = newestSource(dir);
  if (!source) return undefined;
  const compiled = path.join(dir, entry);
  if (!fs.existsSync(compiled)) return `${compiled} does not exist: build first (${rebuild})`;
  if (source.mtimeMs > fs.statSync(compiled).mtimeMs)
    return `${path.relative(dir, source.file)} changed after ${entry} was built: rebuild (${rebuild}) and synth again`;
  return undefined;
}
