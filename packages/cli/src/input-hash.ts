// What a target's output depends on, as digests (`aiready synth --incremental`). Files are hashed by
// content, never by time. A package installed under node_modules is identified by its real path and
// its package.json (name and version; pnpm's paths also carry the version and peers); a package outside
// node_modules (a workspace package, a linked one) by the content of every file it publishes. Being
// conservative is the rule: an input seen twice is cheap, an input missed is a stale output.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Label → digest: what one target was synthesized from. */
export type InputDigests = Record<string, string>;

/** The digest written for a file or package that does not exist. */
export const ABSENT = 'absent';

/** Lockfiles of the package managers, in the order they are looked for. */
export const LOCKFILES = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/** Environment variables every target depends on, by prefix (Node, Pulumi, cdk8s, helm and aiready read them). */
export const ENV_PREFIXES = ['AIREADY_', 'CDK8S_', 'HELM_', 'NODE_', 'PULUMI_'];

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The digest of a list of `label digest` pairs, in label order. */
export function digestOf(inputs: InputDigests): string {
  return sha256(
    Object.keys(inputs)
      .sort()
      .map((k) => `${k}\0${inputs[k]}\n`)
      .join(''),
  );
}

/** Files and folders never part of a tree's content: installed dependencies and version control. */
const NEVER = new Set(['node_modules', '.git']);

/**
 * Every file under `dir` (relative path → content digest), sorted; `skip(abs, rel)` leaves a file or
 * folder out. Symbolic links are followed (a linked lib/ is content like any other).
 */
export function treeDigests(dir: string, skip: (abs: string, rel: string) => boolean = () => false): InputDigests {
  const out: InputDigests = {};
  const visit = (abs: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (NEVER.has(e.name)) continue;
      const p = path.join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip(p, r)) continue;
      const stat = e.isSymbolicLink() ? statOrUndefined(p) : e;
      if (stat?.isDirectory()) visit(p, r);
      else if (stat?.isFile()) out[r] = fileDigest(p);
    }
  };
  visit(dir, '');
  return out;
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * What a program that ran another program read: unknown, so its digest never matches and a target
 * whose program spawned a process is synthesized again every time.
 */
export const CHILD_PROCESS = '/dev/null/(a child process: what it read is unknown)';

/** A file's content digest, a folder's listing (`dir:` and a digest), or {@link ABSENT}. */
export function fileDigest(file: string): string {
  if (file === CHILD_PROCESS) return `unknown ${process.pid} ${process.hrtime.bigint()}`;
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    try {
      const names = fs
        .readdirSync(file, { withFileTypes: true })
        .map((e) => `${e.name}${e.isDirectory() ? '/' : ''}`)
        .sort();
      return `dir:${sha256(names.join('\0'))}`;
    } catch {
      return ABSENT;
    }
  }
}

/** `node_modules/@scope/name` or `node_modules/name` of a file installed under node_modules, else undefined. */
export function installedPackageRoot(file: string): string | undefined {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf('node_modules');
  if (i < 0 || i + 1 >= parts.length) return undefined;
  const end = parts[i + 1].startsWith('@') ? i + 3 : i + 2;
  if (end > parts.length) return undefined;
  return parts.slice(0, end).join(path.sep);
}

/** The package a file belongs to: its installed package, else the nearest folder with a package.json. */
export function packageRootOf(file: string): string | undefined {
  const installed = installedPackageRoot(file);
  if (installed) return installed;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly files?: unknown;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** What a package publishes (its `files`, when they are plain paths), else undefined: everything. */
function publishedEntries(manifest: Manifest): string[] | undefined {
  const files = manifest.files;
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && !/[*?![\]{}]/.test(f))) return undefined;
  return ['package.json', ...(files as string[]).map((f) => f.replace(/^\.\//, '').replace(/\/$/, ''))];
}

/**
 * Whether {@link packageDigest} of `dir` covers `file`: an installed package is its version; a workspace
 * or linked package covers what it publishes (its `files`), not a file read from beside them.
 */
export function packageCovers(dir: string, file: string): boolean {
  if (installedPackageRoot(path.join(dir, 'package.json'))) return true;
  const manifest = readManifest(dir);
  const entries = manifest && publishedEntries(manifest);
  if (!entries) return true;
  const rel = path.relative(dir, file).split(path.sep).join('/');
  return entries.some((e) => rel === e || rel.startsWith(`${e}/`));
}

/**
 * A package's identity. Installed under node_modules: its real path and package.json. Elsewhere (a
 * workspace or linked package, whose files change with every build): the content of what it publishes
 * (its package.json `files`, or every file but node_modules when it names none).
 */
export function packageDigest(dir: string, skip: (abs: string) => boolean = () => false): string {
  const manifest = readManifest(dir);
  if (!manifest) return ABSENT;
  if (installedPackageRoot(path.join(dir, 'package.json')))
    return sha256(`${realpath(dir)}\0${fs.readFileSync(path.join(dir, 'package.json'))}`);
  const entries = publishedEntries(manifest);
  const tree = entries
    ? Object.fromEntries(
        entries.flatMap((e) => {
          const abs = path.join(dir, e);
          const stat = statOrUndefined(abs);
          if (!stat) return [];
          if (stat.isFile()) return [[e, fileDigest(abs)]];
          return Object.entries(treeDigests(abs, skip)).map(([r, d]) => [`${e}/${r}`, d]);
        }),
      )
    : treeDigests(dir, skip);
  return digestOf(tree);
}

export function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Where `name` resolves from `dir`, as Node looks for a package: `node_modules/<name>` up the folders. */
export function resolvePackage(name: string, dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return realpath(candidate);
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The packages a package can load: its dependencies, optional and peer dependencies (and, for the
 * first one, its devDependencies when `withDev`), transitively, as real paths. A dependency that is not
 * installed is listed as `<name> from <dir>` in `missing`: installing it changes the closure.
 */
export function packageClosure(dir: string, withDev = false): { packages: string[]; missing: string[] } {
  const seen = new Set<string>();
  const missing = new Set<string>();
  const queue: { dir: string; dev: boolean }[] = [{ dir: realpath(dir), dev: withDev }];
  while (queue.length) {
    const { dir: d, dev } = queue.shift()!;
    if (seen.has(d)) continue;
    seen.add(d);
    const m = readManifest(d);
    if (!m) continue;
    const names = Object.keys({
      ...m.dependencies,
      ...m.optionalDependencies,
      ...m.peerDependencies,
      ...(dev ? m.devDependencies : {}),
    }).sort();
    for (const name of names) {
      const found = resolvePackage(name, d);
      if (found) queue.push({ dir: found, dev: false });
      else missing.add(`${name} from ${d}`);
    }
  }
  return { packages: [...seen].sort(), missing: [...missing].sort() };
}

/** The lockfile of the project `root` belongs to: the first found in `root` or a folder above. */
export function findLockfile(root: string): string | undefined {
  for (let d = path.resolve(root); ; d = path.dirname(d)) {
    const found = LOCKFILES.map((f) => path.join(d, f)).find((f) => fs.existsSync(f));
    if (found) return found;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The environment variables of `env` matching {@link ENV_PREFIXES}, and the values of `names`, hashed. */
export function envDigests(env: NodeJS.ProcessEnv, names: readonly string[] | '*'): InputDigests {
  const keys =
    names === '*' ? Object.keys(env) : [...names, ...Object.keys(env).filter((k) => ENV_PREFIXES.some((p) => k.startsWith(p)))];
  return Object.fromEntries([...new Set(keys)].sort().map((k) => [`env ${k}`, env[k] === undefined ? ABSENT : sha256(env[k]!)]));
}

/**
 * Digests memoized for one synth: a package shared by every target is hashed once. A new hasher per
 * run, so a watch loop sees edits.
 */
export class InputHasher {
  private readonly files = new Map<string, string>();
  private readonly packages = new Map<string, string>();
  private readonly roots = new Map<string, string | undefined>();

  /** @param skips folders never hashed as part of a package (the output folder, the synth cache) @default - none */
  constructor(readonly skips: (abs: string) => boolean = () => false) {}

  file(file: string): string {
    let d = this.files.get(file);
    if (d === undefined) this.files.set(file, (d = fileDigest(file)));
    return d;
  }

  /** {@link packageRootOf}, the folders looked up once. */
  packageRoot(file: string): string | undefined {
    const installed = installedPackageRoot(file);
    if (installed) return installed;
    const dir = path.dirname(file);
    if (!this.roots.has(dir))
      this.roots.set(
        dir,
        fs.existsSync(path.join(dir, 'package.json')) ? dir : path.dirname(dir) === dir ? undefined : this.packageRoot(dir),
      );
    return this.roots.get(dir);
  }

  package(dir: string): string {
    let d = this.packages.get(dir);
    if (d === undefined) this.packages.set(dir, (d = packageDigest(dir, this.skips)));
    return d;
  }
}
