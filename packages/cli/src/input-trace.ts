// What a program reads while it runs (`aiready synth --incremental`): the modules it loads, the paths
// it reads or looks at with fs, the environment variables it looks at, and whether it runs another
// program (then nothing says what it read). A stack's process is traced from its
// start; a cdk8s app, run in the CLI's process, while it builds (its modules by the module graph).
import * as path from 'path';
import { fileURLToPath } from 'url';
import { CHILD_PROCESS } from './input-hash';

/** The inputs a program was seen reading. */
export interface InputRecord {
  /** Files: modules loaded and files read, real paths, sorted. */
  readonly files: readonly string[];
  /** Environment variables read, sorted; `*` when the program listed them all. */
  readonly env: readonly string[] | '*';
}

/** What a trace saw: the files read (real paths where they exist) and the variables read. */
export interface TracedReads {
  readonly reads: readonly string[];
  readonly env: readonly string[] | '*';
}

/** A trace running; `stop` ends it and says what was read. */
export interface InputTrace {
  /** What was read so far; the trace goes on. */
  current(): TracedReads;
  /** Stops; what was read. */
  stop(): TracedReads;
}

// The module object itself (an `import * as` namespace is a copy): what every other module calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('fs') as typeof import('fs');

type ReadFileSync = typeof fs.readFileSync;
type ReadFile = typeof fs.readFile;
type PromisesReadFile = typeof fs.promises.readFile;

function pathOf(p: unknown): string | undefined {
  if (typeof p === 'string') return path.resolve(p);
  if (p instanceof URL && p.protocol === 'file:') return fileURLToPath(p);
  if (Buffer.isBuffer(p)) return path.resolve(p.toString());
  return undefined;
}

/**
 * Starts recording `process.env` reads and `fs` file reads (readFileSync, readFile, promises.readFile)
 * in this process. One trace at a time; `stop` restores what it replaced.
 */
export function startInputTrace(): InputTrace {
  const reads = new Set<string>();
  const env = new Set<string>();
  let listed = false;
  const realEnv = process.env;
  const originals = {
    readFileSync: fs.readFileSync,
    readFile: fs.readFile,
    promisesReadFile: fs.promises.readFile,
    realpathSync: fs.realpathSync,
  };
  process.env = new Proxy(realEnv, {
    get(target, key) {
      if (typeof key === 'string') env.add(key);
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === 'string') env.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      listed = true;
      return Reflect.ownKeys(target);
    },
  });
  const note = (p: unknown) => {
    const file = pathOf(p);
    if (file) reads.add(file);
  };
  fs.readFileSync = function (this: unknown, file: unknown, ...rest: unknown[]) {
    note(file);
    return (originals.readFileSync as (...a: unknown[]) => unknown).call(this, file, ...rest);
  } as ReadFileSync;
  fs.readFile = function (this: unknown, file: unknown, ...rest: unknown[]) {
    note(file);
    return (originals.readFile as (...a: unknown[]) => unknown).call(this, file, ...rest);
  } as ReadFile;
  fs.promises.readFile = function (this: unknown, file: unknown, ...rest: unknown[]) {
    note(file);
    return (originals.promisesReadFile as (...a: unknown[]) => unknown).call(this, file, ...rest);
  } as PromisesReadFile;
  // Whatever else looks at a path (whether it exists, its size, its listing, a descriptor read) notes
  // it too: a file by its content, a folder by its listing.
  const restore: (() => void)[] = [];
  const wrap = (owner: Record<string, unknown>, names: readonly string[], before: (first: unknown) => void) => {
    for (const name of names) {
      const original = owner[name];
      if (typeof original !== 'function') continue;
      owner[name] = function (this: unknown, ...args: unknown[]) {
        before(args[0]);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
      restore.push(() => (owner[name] = original));
    }
  };
  const looks = ['existsSync', 'statSync', 'lstatSync', 'stat', 'lstat', 'accessSync', 'access', 'openSync', 'open'];
  wrap(fs as unknown as Record<string, unknown>, [...looks, 'readdirSync', 'readdir', 'createReadStream', 'opendirSync'], note);
  wrap(fs.promises as unknown as Record<string, unknown>, ['stat', 'lstat', 'access', 'open', 'readdir', 'opendir'], note);
  // A program that runs another program reads what that one reads: nothing can say what.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cp = require('child_process') as Record<string, unknown>;
  const spawned = () => reads.add(CHILD_PROCESS);
  wrap(cp, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], spawned);
  const current = (): TracedReads => {
    const real = [...reads].map((f) => {
      if (f === CHILD_PROCESS) return f;
      try {
        return originals.realpathSync(f);
      } catch {
        return f;
      }
    });
    return { reads: [...new Set(real)].sort(), env: listed ? '*' : [...env].sort() };
  };
  return {
    current,
    stop() {
      process.env = realEnv;
      fs.readFileSync = originals.readFileSync;
      fs.readFile = originals.readFile;
      fs.promises.readFile = originals.promisesReadFile;
      for (const undo of restore.reverse()) undo();
      return current();
    },
  };
}

/** A loaded module, as the module cache holds it. */
export interface LoadedModule {
  readonly filename: string;
  readonly children: readonly LoadedModule[];
}

/**
 * Every module file reachable from the loaded module `entry` through the modules it required (Node
 * records a require of an already loaded module too).
 */
export function moduleGraph(entry: string, cache: Record<string, LoadedModule | undefined> = require.cache): string[] {
  const seen = new Set<string>();
  const stack: (LoadedModule | undefined)[] = [cache[entry]];
  while (stack.length) {
    const m = stack.pop();
    if (!m || seen.has(m.filename)) continue;
    seen.add(m.filename);
    stack.push(...m.children);
  }
  return [...seen].sort();
}

/** Every module file loaded in this process. */
export function loadedModules(): string[] {
  return Object.keys(require.cache).sort();
}

/** Two records as one. */
export function mergeRecords(...records: InputRecord[]): InputRecord {
  return {
    files: [...new Set(records.flatMap((r) => r.files))].sort(),
    env: records.some((r) => r.env === '*') ? '*' : [...new Set(records.flatMap((r) => r.env as string[]))].sort(),
  };
}
