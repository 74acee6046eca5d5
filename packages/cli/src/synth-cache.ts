// The synth cache of `aiready synth --incremental`: one JSON file per target, holding what the target
// was synthesized from (digests), what its program read, a stack's run result and the target's output
// files. An entry that cannot be read, or was written by another layout, is a miss: that target is
// synthesized again and the entry rewritten.
import * as fs from 'fs';
import * as path from 'path';
import { defaultCacheDir } from './chart-cache';
import type { InputDigests } from './input-hash';
import { sha256 } from './input-hash';

/** Bumped whenever an entry's layout or meaning changes: older entries are then misses. */
export const CACHE_LAYOUT = 1;

/** What `--render` did for a cached target, for its line in the log. */
export interface CachedRender {
  readonly objects: number;
  readonly sources: number;
  readonly unrendered: number;
}

/** A target's output as synth wrote it, reused while its key holds. */
export interface CachedOutput {
  /** Digest of the entry's `inputs` and `tools` this output was made from. */
  readonly key: string;
  /** Every file of the target's folder, in writing order. */
  readonly files: readonly (readonly [string, string])[];
  readonly objects: number;
  readonly warnings: readonly string[];
  readonly render?: CachedRender;
}

/** The packages (folders) and loose files a program loaded or read, and the environment variables it read. */
export interface ProgramInputs {
  readonly packages: readonly string[];
  readonly files: readonly string[];
  readonly env: readonly string[] | '*';
}

/** One target's entry. */
export interface CacheEntry {
  readonly layout: number;
  readonly id: string;
  /** Digests of what the target's program runs on: its own files, packages, files read, environment, Node. */
  readonly inputs: InputDigests;
  /** Digests of what turns the program's result into the output: the CLI's packages and the synth options. */
  readonly tools: InputDigests;
  /** What the program loaded and read last time: the inputs checked next time. */
  readonly program: ProgramInputs;
  /** A stack's run result (what its process reported), reused while `inputs` hold. */
  readonly run?: unknown;
  readonly output?: CachedOutput;
}

/** The default synth cache of a project: `node_modules/.cache/aiready/synth`, else under aiready's cache folder. */
export function defaultSynthCache(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const nodeModules = path.join(root, 'node_modules');
  if (fs.existsSync(nodeModules)) return path.join(nodeModules, '.cache', 'aiready', 'synth');
  return path.join(defaultCacheDir(env), 'synth', sha256(path.resolve(root)).slice(0, 16));
}

function entryFile(cacheDir: string, id: string): string {
  return path.join(cacheDir, `${encodeURIComponent(id)}.json`);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isDigests(v: unknown): v is InputDigests {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isOutput(v: unknown): v is CachedOutput {
  const o = v as CachedOutput;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.key === 'string' &&
    typeof o.objects === 'number' &&
    isStringArray(o.warnings) &&
    Array.isArray(o.files) &&
    o.files.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string')
  );
}

/** The entry of target `id`, or undefined when there is none or it cannot be used (unreadable, other layout). */
export function readEntry(cacheDir: string, id: string): CacheEntry | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(fs.readFileSync(entryFile(cacheDir, id), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  const p = entry?.program;
  const ok =
    entry?.layout === CACHE_LAYOUT &&
    entry.id === id &&
    isDigests(entry.inputs) &&
    isDigests(entry.tools) &&
    typeof p === 'object' &&
    p !== null &&
    isStringArray(p.packages) &&
    isStringArray(p.files) &&
    (p.env === '*' || isStringArray(p.env)) &&
    (entry.output === undefined || isOutput(entry.output));
  return ok ? entry : undefined;
}

/**
 * Writes an entry (to a temporary file, then renamed, so a concurrent synth reads the old entry or the
 * new one, never half of one). A cache that cannot be written costs the next synth time, nothing else:
 * the error is returned, not thrown.
 */
export function writeEntry(cacheDir: string, entry: CacheEntry): Error | undefined {
  const file = entryFile(cacheDir, entry.id);
  const partial = `${file}.${process.pid}.partial`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(partial, JSON.stringify(entry));
    fs.renameSync(partial, file);
    return undefined;
  } catch (err) {
    try {
      fs.rmSync(partial, { force: true });
    } catch {
      // nothing was written
    }
    return err as Error;
  }
}

/** Removes the entries of targets not in `ids` (their stack config or example is gone). */
export function pruneEntries(cacheDir: string, ids: readonly string[]): void {
  const keep = new Set(ids.map((id) => path.basename(entryFile(cacheDir, id))));
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) if (name.endsWith('.json') && !keep.has(name)) fs.rmSync(path.join(cacheDir, name), { force: true });
}
