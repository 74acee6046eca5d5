// `aiready synth --watch`: synthesizes (incrementally), then watches the targets' inputs and synthesizes
// again, after a quiet moment, when one changes: only the targets whose inputs changed are synthesized,
// in a fresh process each time (synth-worker.ts), so a rebuilt lib/ is what runs. One line per run.
// TypeScript sources are not watched: synth runs the compiled lib/, so a change counts once it is
// compiled (`npx tsc -b --watch` beside this). Ctrl-C stops after the current run; a second Ctrl-C at once.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { WorkerReport } from './synth-worker';

/** Options of {@link watchSynth}. */
export interface WatchOptions {
  /** Repository root: its folders are watched, but node_modules, dot folders, the output and the cache. */
  readonly root: string;
  /** Output folder (absolute), never watched. */
  readonly outDir: string;
  /** Synth cache (absolute), never watched. */
  readonly cacheDir: string;
  /** The `aiready synth` arguments of every run (without --watch). */
  readonly args: readonly string[];
  readonly log: (s: string) => void;
  /** Quiet time after the last change before a run starts, in milliseconds. @default 200 */
  readonly debounceMs?: number;
  /** Stops the watch (the CLI's is Ctrl-C: SIGINT or SIGTERM). @default - SIGINT and SIGTERM of this process */
  readonly stop?: (onStop: () => void) => void;
}

const TYPESCRIPT_SOURCE = /\.[cm]?tsx?$/;
const DECLARATION = /\.d\.[cm]?ts$/;

/**
 * Whether a change of `file` can change a target: not an editor's temporary file, not a TypeScript
 * source (its compiled lib/ is what runs); and a file under one of the last run's `inputs` (all files
 * when the last run did not say), a Pulumi or cdk8s.yaml file (a target appears or goes), or under
 * examples/ or a Pulumi project's folder (a new target being built).
 */
export function relevantChange(file: string, root: string, inputs: readonly string[] | undefined): boolean {
  const name = path.basename(file);
  if (name.startsWith('.') || name.endsWith('~') || /\.(swp|swx|tmp)$/.test(name) || /^\d+$/.test(name)) return false;
  if ((TYPESCRIPT_SOURCE.test(name) && !DECLARATION.test(name)) || name.endsWith('.tsbuildinfo')) return false;
  if (!inputs) return true;
  if (/^Pulumi(\..+)?\.ya?ml$/.test(name) || name === 'cdk8s.yaml') return true;
  const under = (dir: string) => {
    const rel = path.relative(dir, file);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (inputs.some(under) || under(path.join(root, 'examples'))) return true;
  for (let d = path.dirname(file); under(root) && d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'Pulumi.yaml'))) return true;
    if (d === root) break;
  }
  return false;
}

/** The folders to watch: the root's tree and the inputs' outside it, without dependencies, dot folders, output. */
export function watchedFolders(root: string, inputs: readonly string[], excluded: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (dir: string) => {
    if (found.has(dir) || excluded.includes(dir)) return;
    found.add(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries)
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) visit(path.join(dir, e.name));
  };
  visit(root);
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (stat?.isDirectory()) visit(input);
    else if (fs.existsSync(path.dirname(input))) found.add(path.dirname(input));
  }
  return [...found].sort();
}

/** `a, b and 3 more` */
function some(items: readonly string[], n = 3): string {
  return items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} and ${items.length - n} more`;
}

/** The line printed after a run. */
export function runLine(changedFiles: readonly string[], report: WorkerReport | undefined, seconds: number): string {
  const trigger = changedFiles.length ? `${some(changedFiles)} changed` : 'started';
  const time = `in ${seconds.toFixed(1)} s`;
  if (!report) return `aiready synth --watch: ${trigger}: synth did not report (crashed?), ${time}`;
  if (report.errors.length)
    return `aiready synth --watch: ${trigger}: FAILED (${some(report.errors.map((e) => e.id))}), nothing written, ${time}`;
  const unchanged = `${report.reused.length} unchanged`;
  if (!report.changed.length) return `aiready synth --watch: ${trigger}: nothing to re-synthesize (${unchanged}), ${time}`;
  const done = report.changed.map((c) => `${c.id} (${some(c.why, 2)})`);
  return `aiready synth --watch: ${trigger}: re-synthesized ${done.join(', ')} ${time}; ${unchanged}`;
}

/** Watches folders (each on its own, so node_modules is never walked); `sync` follows folders that come and go. */
class FolderWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private warned = false;

  constructor(
    private readonly onChange: (file: string) => void,
    private readonly log: (s: string) => void,
  ) {}

  sync(folders: readonly string[]): void {
    const want = new Set(folders);
    for (const [dir, w] of this.watchers)
      if (!want.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, (_, name) => this.onChange(name ? path.join(dir, name.toString()) : dir));
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch (err) {
        if (!this.warned) this.log(`aiready synth --watch: cannot watch ${dir}: ${(err as Error).message}`);
        this.warned = true;
      }
    }
  }

  get size(): number {
    return this.watchers.size;
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** Synthesizes, then again on every relevant change, until stopped. Returns the exit code. */
export function watchSynth(options: WatchOptions): Promise<number> {
  const { root, log } = options;
  const excluded = [path.resolve(options.outDir), path.resolve(options.cacheDir)];
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-watch-'));
  let inputs: readonly string[] | undefined;
  let warnings: Readonly<Record<string, readonly string[]>> = {};
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let worker: ChildProcess | undefined;
  let stopping = false;
  let ended = false;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));

  const watcher = new FolderWatcher((file) => {
    if (stopping || excluded.some((e) => file === e || file.startsWith(`${e}${path.sep}`))) return;
    if (!relevantChange(file, root, inputs)) return;
    pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void next(), options.debounceMs ?? 200);
  }, log);

  /** One run in a fresh process: its report, or undefined if it wrote none. */
  const runWorker = (verbose: boolean): Promise<WorkerReport | undefined> => {
    const reportFile = path.join(reportDir, 'report.json');
    fs.rmSync(reportFile, { force: true });
    return new Promise((resolve) => {
      worker = spawn(
        process.execPath,
        [path.join(__dirname, 'synth-worker.js'), reportFile, verbose ? 'verbose' : 'quiet', ...options.args],
        { cwd: root, stdio: ['ignore', 'ignore', verbose ? 'inherit' : 'pipe'] },
      );
      // A quiet run prints nothing of its own, unless it dies without a report.
      let stderr = '';
      worker.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      worker.on('exit', () => {
        worker = undefined;
        try {
          resolve(JSON.parse(fs.readFileSync(reportFile, 'utf8')) as WorkerReport);
        } catch {
          if (stderr.trim() && !stopping) log(stderr.trimEnd());
          resolve(undefined);
        }
      });
    });
  };

  const run = async (changed: readonly string[]) => {
    const start = Date.now();
    const first = changed.length === 0;
    const report = await runWorker(first);
    if (stopping) return;
    if (report?.inputs) inputs = report.inputs;
    watcher.sync(watchedFolders(root, inputs ?? [], excluded));
    if (first) {
      log(
        `aiready synth --watch: watching ${watcher.size} folders: the targets' compiled JavaScript (lib/), configs and the packages they load; ` +
          'TypeScript sources count once compiled (run `npx tsc -b --watch` beside this). Ctrl-C stops',
      );
    } else {
      if (report?.code !== 0) for (const e of report?.errors ?? []) log(`aiready synth: ${e.id} failed:\n${e.message}\n`);
      log(runLine(changed.map((f) => relative(root, f)).sort(), report, (Date.now() - start) / 1000));
      // New warnings only: the others were printed before.
      for (const c of report?.changed ?? [])
        for (const w of report?.warnings[c.id] ?? []) if (!warnings[c.id]?.includes(w)) log(`  warning: ${c.id}: ${w}`);
    }
    if (report?.code === 0) warnings = { ...warnings, ...report.warnings };
  };

  const next = async () => {
    timer = undefined;
    if (worker || stopping) return; // picked up when the current run ends
    const changed = [...pending];
    pending = new Set();
    // Folders made since the last run are watched before it starts: nothing written into them is missed.
    watcher.sync(watchedFolders(root, inputs ?? [], excluded));
    await run(changed);
    if (stopping) return end(0);
    if (pending.size && !timer) void next();
  };

  const end = (code: number) => {
    if (ended) return;
    ended = true;
    watcher.close();
    if (timer) clearTimeout(timer);
    fs.rmSync(reportDir, { recursive: true, force: true });
    log('aiready synth --watch: stopped');
    finish(code);
  };

  const onStop = () => {
    if (stopping) {
      // Second Ctrl-C: now.
      worker?.kill('SIGKILL');
      return end(130);
    }
    stopping = true;
    if (worker) log('aiready synth --watch: stopping after the current run (Ctrl-C again to stop now)');
    else end(0);
  };
  if (options.stop) options.stop(onStop);
  else {
    process.on('SIGINT', onStop);
    process.on('SIGTERM', onStop);
    void done.then(() => {
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
    });
  }
  // Watched before the first run starts: a change made while it runs is the next run's.
  watcher.sync(watchedFolders(root, [], excluded));
  void run([]).then(() => {
    if (stopping) end(0);
    else if (pending.size && !timer) void next();
  });
  return done;
}
