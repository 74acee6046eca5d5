// `aiready synth --incremental`: a target whose inputs did not change since the synth cache last saw
// it is not synthesized again; its output is written from the cache, byte for byte. A target's inputs:
// - its own files (a stack's folder without the other stacks' configs; an example's folder; an app's
//   package), TypeScript sources and compiled lib/ alike;
// - what its program loaded and read last time: each package by its identity (input-hash.ts), each
//   other file by content, and the environment variables it read (a stack's process is traced from its
//   start; a cdk8s app while it builds, with the reads of every app of the run, since a module loaded by
//   one app serves the next);
// - the environment variables aiready, Node, Pulumi, cdk8s and helm read (ENV_PREFIXES), the lockfile,
//   the Node version and the repository's path;
// - and for its output: the CLI's own packages (everything it can load), and the options that change
//   output (--render with its helm, kubectl, chart cache and kustomize cache contents,
//   --skip-missing-charts).
// Same digests, same output: a stack's run result is reused when only the output side changed.
// A target's output depends on its own inputs only, the assumption --only makes too: nothing synth writes
// spans targets (no top-level summary; rendering, validation and admission are per target; releases
// shared between targets are rendered once but from the same key). Discovery, the duplicate-project and
// --only checks, and removing gone targets' folders still look at every target, reused or not.
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLED_TOOLS } from './helm';
import {
  ABSENT,
  digestOf,
  envDigests,
  findLockfile,
  InputDigests,
  InputHasher,
  installedPackageRoot,
  packageClosure,
  packageCovers,
  packageRootOf,
  realpath,
  sha256,
  treeDigests,
} from './input-hash';
import { InputRecord, mergeRecords, moduleGraph, startInputTrace } from './input-trace';
import type { AppSource } from './app-target';
import type { StackTarget } from './pulumi-project';
import type { RenderSetup } from './render-target';
import type { StackRunResult } from './run-stack';
import { CACHE_LAYOUT, CachedRender, CacheEntry, ProgramInputs, pruneEntries, readEntry, writeEntry } from './synth-cache';

/** Where incremental synth keeps its cache, and what else it must know of the options. */
export interface IncrementalSetup {
  /** Folder of the synth cache (one JSON file per target). */
  readonly cacheDir: string;
  /** The `--kubectl` given, part of a rendered target's key. @default - the bundled kubectl */
  readonly kubectl?: string;
}

/** A target written from the synth cache, unchanged. */
export interface ReusedTarget {
  readonly id: string;
  readonly files: ReadonlyMap<string, string>;
  readonly objects: number;
  readonly warnings: readonly string[];
  readonly render?: CachedRender;
}

/** What incremental synth did: the targets reused, and why each other one was synthesized. */
export interface IncrementalReport {
  readonly reused: readonly ReusedTarget[];
  /** Synthesized targets and the inputs that changed (`no cache entry` on the first synth). */
  readonly changed: readonly { readonly id: string; readonly why: readonly string[] }[];
  /**
   * Files and folders whose change can change a target (what `--watch` watches): the targets' folders,
   * the packages outside node_modules and the files they read, the lockfile, the chart caches.
   */
  readonly inputs: readonly string[];
  /** Why the cache could not be written, if it could not (the next synth then synthesizes those targets). */
  readonly cacheError?: string;
}

/** A target as incremental synth sees it: its folder and the files of it that are its own. */
interface TargetSpec {
  readonly id: string;
  readonly dir: string;
  readonly skip?: (abs: string, rel: string) => boolean;
  /** Files outside `dir` the target reads itself (cdk8s.yaml). */
  readonly extra?: readonly string[];
  /** A cdk8s.yaml command runs anything: never cached. */
  readonly cacheable: boolean;
}

interface TargetState {
  readonly spec: TargetSpec;
  readonly own: InputDigests;
  readonly entry?: CacheEntry;
  readonly why: string[];
  /** A stack run result reused from the entry. */
  run?: unknown;
  /** What the program read this time (a fresh run), or the entry's (a reused run). */
  program?: ProgramInputs;
  /** An app's reads (files and environment), merged with the other apps' at the end. */
  trace?: InputRecord;
  /** An app's module graph. */
  modules?: readonly string[];
}

/** The bundled-versus-given tool, as part of a key. */
function toolIdentity(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${realpath(file)} ${stat.size} ${stat.mtimeMs}`;
  } catch {
    return file;
  }
}

/** Incremental synth state for one run. */
export class IncrementalSynth {
  private readonly hasher: InputHasher;
  private readonly base: InputDigests;
  private toolDigests?: InputDigests;
  private readonly states = new Map<string, TargetState>();
  private readonly reusedTargets: ReusedTarget[] = [];
  private readonly lockfile?: string;
  private cliPackages: readonly string[] = [];

  constructor(
    private readonly root: string,
    outDir: string,
    private readonly setup: IncrementalSetup,
    private readonly render?: RenderSetup,
    /** The package whose closure (every package it can load) is part of every output's key. */
    private readonly cliPackage = path.resolve(__dirname, '..'),
  ) {
    const excluded = [path.resolve(outDir), path.resolve(setup.cacheDir)];
    this.hasher = new InputHasher((abs) => excluded.includes(abs));
    const lockfile = findLockfile(root);
    this.lockfile = lockfile;
    this.base = {
      layout: String(CACHE_LAYOUT),
      node: process.version,
      root: sha256(path.resolve(root)),
      [lockfile ? `lockfile ${this.display(lockfile)}` : 'lockfile']: lockfile ? this.hasher.file(lockfile) : ABSENT,
      ...envDigests(process.env, []),
    };
  }

  private display(p: string): string {
    const rel = path.relative(this.root, p);
    if (!rel) return '.';
    return !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
  }

  /** The digests of what a program loaded and read. */
  private programDigests(program: ProgramInputs): InputDigests {
    return {
      ...Object.fromEntries(program.packages.map((p) => [`package ${this.display(p)}`, this.hasher.package(p)])),
      ...Object.fromEntries(program.files.map((f) => [`file ${this.display(f)}`, this.hasher.file(f)])),
      ...envDigests(process.env, program.env),
    };
  }

  /** The CLI's packages and the options that change output. */
  private tools(): InputDigests {
    if (this.toolDigests) return this.toolDigests;
    const cli = packageClosure(this.cliPackage);
    this.cliPackages = cli.packages;
    const r = this.render;
    this.toolDigests = {
      ...Object.fromEntries(cli.packages.map((p) => [`aiready ${this.display(p)}`, this.hasher.package(p)])),
      ...Object.fromEntries(cli.missing.map((m) => [`aiready missing ${m}`, ABSENT])),
      'option render': sha256(
        JSON.stringify(
          r
            ? {
                helm:
                  r.helm.source === 'bundled' ? `bundled ${r.helm.version}` : `${r.helm.version} ${toolIdentity(r.helm.path)}`,
                kubectl: this.setup.kubectl ? toolIdentity(this.setup.kubectl) : `bundled ${BUNDLED_TOOLS.kubectl.version}`,
                skipMissingCharts: r.skipMissingCharts ?? false,
              }
            : false,
        ),
      ),
      ...(r
        ? {
            'option chart cache': digestOf(treeDigests(r.chartCache)),
            'option kustomize cache': digestOf(treeDigests(r.kustomizeCache)),
          }
        : {}),
    };
    return this.toolDigests;
  }

  /** Own files of a target: a file under its folder the target's own digests cover. */
  private ownCovers(spec: TargetSpec, file: string): boolean {
    const rel = path.relative(spec.dir, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const parts = rel.split(path.sep);
    if (parts.some((p) => p === 'node_modules' || p === '.git')) return false;
    if (this.hasher.skips(file) || parts.some((_, i) => this.hasher.skips(path.join(spec.dir, ...parts.slice(0, i + 1)))))
      return false;
    for (let i = 1; i <= parts.length; i++) {
      const r = parts.slice(0, i).join('/');
      if (spec.skip?.(path.join(spec.dir, ...parts.slice(0, i)), r)) return false;
    }
    return true;
  }

  /** The packages and loose files of a record (real paths), minus the target's own files. */
  private programOf(spec: TargetSpec, record: InputRecord): ProgramInputs {
    const packages = new Set<string>();
    const files = new Set<string>();
    for (const file of record.files) {
      if (this.ownCovers(spec, file)) continue;
      const root = this.hasher.packageRoot(file);
      // A package root that holds the target's own folder would hash the target's other stacks' configs.
      if (root && path.relative(root, spec.dir).startsWith('..')) {
        packages.add(root);
        // A file beside what a workspace package publishes (a data folder) is not in its digest.
        if (!packageCovers(root, file)) files.add(file);
      } else files.add(file);
    }
    return { packages: [...packages].sort(), files: [...files].sort(), env: record.env };
  }

  private check(spec: TargetSpec): ReusedTarget | undefined {
    const own: InputDigests = !spec.cacheable
      ? {}
      : Object.fromEntries(
          [
            ...Object.entries(
              treeDigests(spec.dir, (abs, rel) => this.hasher.skips(abs) || (spec.skip?.(abs, rel) ?? false)),
            ).map(([rel, d]) => [`${this.display(spec.dir)}/${rel}`, d]),
            ...(spec.extra ?? []).map((f) => [this.display(f), this.hasher.file(f)]),
          ].sort(),
        );
    const entry = spec.cacheable ? readEntry(this.setup.cacheDir, spec.id) : undefined;
    const state: TargetState = { spec, own, entry, why: [] };
    this.states.set(spec.id, state);
    if (!spec.cacheable) {
      state.why.push('a cdk8s.yaml command (never cached)');
      return undefined;
    }
    if (!entry) {
      state.why.push('no cache entry');
      return undefined;
    }
    const inputs = { ...this.base, ...own, ...this.programDigests(entry.program) };
    const current = { ...inputs, ...this.tools() };
    const before = { ...entry.inputs, ...entry.tools };
    state.why.push(
      ...[...new Set([...Object.keys(current), ...Object.keys(before)])].filter((k) => current[k] !== before[k]).sort(),
    );
    if (digestOf(inputs) === digestOf(entry.inputs) && entry.run !== undefined) {
      state.run = entry.run;
      state.program = entry.program;
    }
    if (!entry.output || entry.output.key !== digestOf(current)) return undefined;
    const reused: ReusedTarget = {
      id: spec.id,
      files: new Map(entry.output.files),
      objects: entry.output.objects,
      warnings: entry.output.warnings,
      ...(entry.output.render ? { render: entry.output.render } : {}),
    };
    this.reusedTargets.push(reused);
    return reused;
  }

  /** A stack config's output when it is unchanged; otherwise it runs (its run result perhaps reused). */
  stack(id: string, target: StackTarget): ReusedTarget | undefined {
    const config = path.basename(target.configFile);
    return this.check({
      id,
      dir: target.dir,
      // The other stacks' configs are theirs.
      skip: (_, rel) => /^Pulumi\..+\.yaml$/.test(rel) && rel !== config,
      cacheable: true,
    });
  }

  /** An example's (a folder under examples/) output when it is unchanged. */
  example(id: string, dir: string): ReusedTarget | undefined {
    return this.check({ id, dir, cacheable: true });
  }

  /** The team's app's output when it is unchanged (a cdk8s.yaml command is always run). */
  app(id: string, source: AppSource, root: string): ReusedTarget | undefined {
    const config = path.join(root, 'cdk8s.yaml');
    if (source.kind === 'command') return this.check({ id, dir: source.cwd, cacheable: false });
    const file = realpath(source.file);
    return this.check({
      id,
      dir: packageRootOf(file) ?? path.dirname(file),
      extra: fs.existsSync(config) ? [config] : [],
      cacheable: true,
    });
  }

  /** A stack's run result from the cache, when only the output side of its key changed. */
  stackRun(id: string): StackRunResult | undefined {
    return this.states.get(id)?.run as StackRunResult | undefined;
  }

  /** Takes a fresh stack run's record of what it read off its result. */
  stackRan(id: string, result: StackRunResult & { inputs?: InputRecord }): StackRunResult {
    const { inputs, ...rest } = result;
    const state = this.states.get(id);
    if (state && inputs && !rest.error) {
      state.program = this.programOf(state.spec, inputs);
      state.run = { ...rest, constructMs: undefined };
    }
    return rest;
  }

  /** Builds an in-process app, tracing what it loads and reads. */
  traceApp<T>(id: string, entry: string, build: () => T): T {
    const trace = startInputTrace();
    try {
      return build();
    } finally {
      const reads = trace.stop();
      const state = this.states.get(id);
      // Module files come from the module graph: the loader's reads of another app's modules are not this app's.
      const files = reads.reads.filter((f) => !require.cache[f]);
      if (state) {
        state.trace = { files, env: reads.env };
        state.modules = moduleGraph(realpath(entry));
      }
    }
  }

  /** The outputs were written (or not): caches every synthesized target that came out whole. */
  finish(
    targets: readonly {
      readonly id: string;
      readonly files: ReadonlyMap<string, string>;
      readonly objects: number;
      readonly warnings: readonly string[];
      readonly render?: { readonly objects: number; readonly unrendered: readonly string[] };
      readonly releases: readonly unknown[];
      readonly kustomizations: readonly unknown[];
    }[],
    allIds: readonly string[],
  ): IncrementalReport {
    const traces = [...this.states.values()].flatMap((s) => (s.trace ? [s.trace] : []));
    // What one app's modules read when they loaded, the next app does not read again: every app of the
    // run gets every app's reads (but its own module graph).
    const shared = mergeRecords(...traces);
    for (const s of this.states.values())
      if (s.trace) s.program = this.programOf(s.spec, { files: [...(s.modules ?? []), ...shared.files], env: shared.env });
    const byId = new Map(targets.map((t) => [t.id, t]));
    let cacheError: Error | undefined;
    const reused = new Set(this.reusedTargets.map((t) => t.id));
    for (const [id, s] of this.states) {
      if (reused.has(id) || !s.spec.cacheable || !s.program) continue;
      const inputs = { ...this.base, ...s.own, ...this.programDigests(s.program) };
      const tools = this.tools();
      const t = byId.get(id);
      // Without --render's files (rendering was skipped because another target failed) it is not the output.
      const whole = t && (!this.render || t.render);
      if (!whole && s.run === undefined) continue;
      cacheError ??= writeEntry(this.setup.cacheDir, {
        layout: CACHE_LAYOUT,
        id,
        inputs,
        tools,
        program: s.program,
        ...(s.run !== undefined ? { run: s.run } : {}),
        ...(whole
          ? {
              output: {
                key: digestOf({ ...inputs, ...tools }),
                files: [...t.files],
                objects: t.objects,
                warnings: [...t.warnings],
                ...(t.render
                  ? {
                      render: {
                        objects: t.render.objects,
                        sources: t.releases.length + t.kustomizations.length,
                        unrendered: t.render.unrendered.length,
                      },
                    }
                  : {}),
              },
            }
          : {}),
      });
    }
    pruneEntries(this.setup.cacheDir, allIds);
    this.tools();
    const built = (p: string) => !installedPackageRoot(path.join(p, 'package.json'));
    const inputs = [
      ...[...this.states.values()].flatMap((s) => {
        const program = s.program ?? s.entry?.program;
        return [s.spec.dir, ...(s.spec.extra ?? []), ...(program?.packages.filter(built) ?? []), ...(program?.files ?? [])];
      }),
      ...this.cliPackages.filter(built),
      ...(this.lockfile ? [this.lockfile] : []),
      ...(this.render ? [this.render.chartCache, this.render.kustomizeCache] : []),
    ];
    return {
      reused: this.reusedTargets,
      changed: [...this.states].filter(([id]) => !reused.has(id)).map(([id, s]) => ({ id, why: s.why })),
      inputs: [...new Set(inputs)].sort(),
      ...(cacheError ? { cacheError: cacheError.message } : {}),
    };
  }
}
