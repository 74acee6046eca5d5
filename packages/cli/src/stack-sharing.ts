// When may the next stack of a project run in the process the last one ran in? Its program's own modules
// load afresh; the modules that stay loaded are the packages under node_modules. A package aiready knows
// (@pulumi/*, @aiready/*, and what aiready's packages depend on: cdk8s, yaml, ...) keeps no state of a
// stack's run. Any other package the program requires might (a config value read once, a provider
// created once): then the next stack gets a process of its own. And if a stack's resources still name
// a resource of an earlier stack (an object kept across runs), its result is not used: it runs again in
// a process of its own. So does a stack whose program left something running (a timer, a socket): it
// could fail the next stack with its own error, or keep the process alive while the next waits.
import * as fs from 'fs';
import * as path from 'path';

/** A package: its name and what it depends on. */
export interface PackageInfo {
  readonly name: string;
  readonly dependencies: readonly string[];
}

/** A loaded module, as the module cache holds it. */
export interface CachedModule {
  readonly filename: string;
  readonly children: readonly { readonly filename: string }[];
}

/** Exit status of a stack process whose remaining stacks must run in a new process. */
export const RUN_ELSEWHERE = 75;

const AIREADY_SCOPE = '@aiready/';
const KNOWN_SCOPES = ['@pulumi/', AIREADY_SCOPE];

/** Whether a package is one of aiready's own (`@aiready/*`), which keep no state of a stack's run. */
export function aireadyPackage(p: PackageInfo | undefined): boolean {
  return p !== undefined && p.name.startsWith(AIREADY_SCOPE);
}

/**
 * Why the modules still loaded after a stack's run must not serve the next stack, or undefined. The
 * program's code (modules that `reloads`, outside aiready's packages) requiring a module that stays
 * loaded from a package aiready does not know is the reason.
 */
export function sharedStateProblem(
  modules: Iterable<CachedModule>,
  reloads: (file: string) => boolean,
  packageOf: (file: string) => PackageInfo | undefined,
): string | undefined {
  const all = [...modules];
  const aiready = all.map((m) => packageOf(m.filename)).filter((p) => p && KNOWN_SCOPES.includes(`${p.name.split('/')[0]}/`));
  const known = new Set(aiready.flatMap((p) => p!.dependencies));
  const isKnown = (p: PackageInfo | undefined) =>
    p !== undefined && (KNOWN_SCOPES.some((s) => p.name.startsWith(s)) || known.has(p.name));
  for (const m of all) {
    if (!reloads(m.filename) || isKnown(packageOf(m.filename))) continue;
    for (const c of m.children) {
      if (reloads(c.filename)) continue;
      const p = packageOf(c.filename);
      if (!isKnown(p))
        return `${m.filename} requires ${c.filename}${p ? ` (package ${p.name})` : ''}, which stays loaded: a module of a package aiready does not know may keep what one stack computed`;
    }
  }
  return undefined;
}

/**
 * What a stack's program left running, or undefined: the kinds of active resource (Node's
 * `process.getActiveResourcesInfo()`: 'Timeout', 'TCPSocketWrap', ...) in `after` (once the stack's result
 * is written) beyond those in `before` (before its first program loaded), with how many of each.
 */
export function leftRunning(before: readonly string[], after: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const kind of after) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  for (const kind of before) counts.set(kind, (counts.get(kind) ?? 0) - 1);
  const left = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return left.length ? left.map(([kind, n]) => `${n} ${kind}`).join(', ') : undefined;
}

/** The package a file belongs to (the nearest package.json with a name above it), looked up once per folder. */
export function packageLookup(): (file: string) => PackageInfo | undefined {
  const byDir = new Map<string, PackageInfo | undefined>();
  const find = (dir: string): PackageInfo | undefined => {
    if (byDir.has(dir)) return byDir.get(dir);
    let found: PackageInfo | undefined;
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      if (typeof pkg.name === 'string')
        found = { name: pkg.name, dependencies: Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }) };
    } catch {
      // no package.json here
    }
    const parent = path.dirname(dir);
    if (!found && parent !== dir) found = find(parent);
    byDir.set(dir, found);
    return found;
  };
  return (file) => find(path.dirname(file));
}

/** The stack named by a resource URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function urnStack(urn: string): string {
  return urn.split('::')[0].split(':').slice(2).join(':');
}
