import * as fs from 'fs';
import * as path from 'path';
import { defaultCacheDir, defaultChartCache, kustomizeCache } from './chart-cache';
import { pullCharts } from './charts-pull';
import { diffCommand, DIFF_USAGE } from './diff-command';
import { extractBundled, resolveHelm } from './helm';
import { pruneRemovedTargets, synthAll, SynthOptions, SynthReport, writeTargets } from './synth';
import { defaultSynthCache } from './synth-cache';
import { watchSynth } from './synth-watch';
import { startProgress } from './progress';
import { DEFAULT_STACK_TIMEOUT_SECONDS, stackProcessesFromEnv, stackTimeoutProblem } from './stack-workers';
import { PhaseTimings } from './timings';
import { validateCommand } from './validate-command';

const USAGE = `usage: aiready synth [--out DIR] [--only TARGET]... [--stack-dir DIR]... [--app MODULE] [--timings]
                     [--stack-timeout SECONDS]
                     [--render [--chart-cache DIR] [--kustomize-cache DIR] [--cache-dir DIR] [--helm PATH] [--kubectl PATH]
                               [--skip-missing-charts]]
                     [--incremental | --watch] [--synth-cache DIR]
       aiready validate [DIR|FILE] (see aiready validate --help)
       aiready charts pull [--chart-cache DIR] [--cache-dir DIR] [--helm PATH]
       ${DIFF_USAGE.split('\n').join('\n       ')}
       aiready --version

Synthesizes, offline, every stack config (Pulumi.<stack>.yaml) of every Pulumi project (a folder with a
Pulumi.yaml) under the current folder or given with --stack-dir, run under Pulumi mocks, and every
cdk8s example under examples/, and a team's cdk8s app (the target app: --app MODULE, a module exporting
buildApp(): App or an App, or else the app: command of a cdk8s.yaml) into DIR (default dist/):
  <project>-<stack>/manifests/   Kubernetes objects, one folder per component, one file per kind
  <project>-<stack>/plan.json    the cloud resources the stack would create, inputs and dependencies
  <project>-<stack>/SUMMARY.md   pools, GPUs, cost, versions, warnings, plan
  examples/<name>/...            the same for each example
  app/...                        the same for the team's app
Every values key of every Helm release is checked against the pinned chart. Every target is validated
against the bundled upstream schemas (as \`aiready validate\` does), then
goes through offline admission (what the cluster would refuse or never run: Pod Security, quotas,
references, scheduling, CRDs, webhooks, network policy, IAM); nothing is written unless every target
synthesizes, validates and is admitted. Needs no network, credentials or Pulumi CLI. One line per
target as it finishes, with its time and object count. Without --only, the folders of targets that no
longer exist are removed from DIR. --timings prints the wall time of each phase of each target to
stderr at the end (the output is the same). A stack whose program has not finished after
--stack-timeout seconds (default ${DEFAULT_STACK_TIMEOUT_SECONDS}) fails, with the registrations Pulumi still waits for.

--render also renders every Helm release (helm template, with exactly the values aiready sets, the
target's namespace and Kubernetes version) and every kustomize base of each target into
<target>/rendered/<release>/<kind>.yaml, offline, from the chart cache (--chart-cache, default
<cache dir>/charts; fill it with \`aiready charts pull\`; kustomize bases from --kustomize-cache,
default <chart cache>/kustomize). helm is the bundled 3.17.2 unless --helm names another; kubectl
(for kustomize) the bundled 1.32.3 unless --kubectl does. Rendered releases are cached under
--cache-dir (default $XDG_CACHE_HOME/aiready). A chart missing from the chart cache fails its target,
unless --skip-missing-charts: then that release is left unrendered, and a warning says so.

--incremental synthesizes again only the targets whose inputs changed since the last incremental synth
and writes the others from the synth cache (--synth-cache, default node_modules/.cache/aiready/synth):
the same bytes a full synth writes. A target's inputs: its own files (a stack's folder but the other
stacks' configs; an example's folder), the modules its program loaded and the files and environment
variables it read, the lockfile, Node's version, aiready's packages, and the options that change output
(--render, its helm, kubectl and chart caches, --skip-missing-charts). Without it every target is
synthesized and no cache is read or written. --watch synthesizes incrementally, then again on every
change of an input, one line per run (what changed, what was synthesized again and why, the time); it
watches compiled JavaScript (lib/), not TypeScript sources: run \`npx tsc -b --watch\` beside it.
Ctrl-C stops.

charts pull: fetches every chart of the version lock with \`helm pull\`, and the kustomize bases
with git, into the chart cache. Needs the network.`;

interface Flags {
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
  readonly positional: string[];
}

/** Parses `--flag VALUE`, `--switch` and positional arguments; a message on a bad argument. */
function parseFlags(args: readonly string[], withValue: readonly string[], switches: readonly string[]): Flags | string {
  const flags: Flags = { values: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (withValue.includes(arg)) {
      if (args[i + 1] === undefined) return `${arg} needs a value`;
      flags.values.set(arg, [...(flags.values.get(arg) ?? []), args[++i]]);
    } else if (switches.includes(arg)) flags.switches.add(arg);
    else if (arg.startsWith('--')) return `unknown argument '${arg}'`;
    else flags.positional.push(arg);
  }
  return flags;
}

function logToStderr(s: string): void {
  process.stderr.write(`${s}\n`);
}

/** The `aiready` command. Returns the process exit code. */
export async function main(
  argv: readonly string[],
  log: (s: string) => void = logToStderr,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    log(USAGE);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    log(version());
    return 0;
  }
  if (command === 'validate') return validateCommand(rest, log);
  if (command === 'diff') return diffCommand(rest, log, out);
  if (command === 'charts') return chartsCommand(rest, log);
  if (command !== 'synth') {
    log(`aiready: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    log(USAGE);
    return 0;
  }
  if (rest.includes('--watch')) {
    const setup = synthSetup(rest, log);
    if (typeof setup === 'number') return setup;
    return watchSynth({
      root: setup.options.root,
      outDir: setup.options.outDir,
      cacheDir: setup.options.incremental!.cacheDir,
      args: rest.filter((a) => a !== '--watch'),
      log,
    });
  }
  return (await synthCommand(rest, log)).code;
}

/** What `aiready synth ARGS` runs with, or the exit code of a bad argument. */
function synthSetup(
  rest: readonly string[],
  log: (s: string) => void,
): { options: SynthOptions & { outDir: string }; outLabel: string } | number {
  const flags = parseFlags(
    rest,
    [
      '--out',
      '--only',
      '--stack-dir',
      '--app',
      '--chart-cache',
      '--kustomize-cache',
      '--cache-dir',
      '--helm',
      '--kubectl',
      '--synth-cache',
      '--stack-timeout',
    ],
    ['--render', '--skip-missing-charts', '--timings', '--incremental', '--watch'],
  );
  if (typeof flags === 'string' || flags.positional.length) {
    log(`aiready: ${typeof flags === 'string' ? flags : `unexpected '${flags.positional[0]}'`}\n\n${USAGE}`);
    return 2;
  }
  const one = (name: string) => flags.values.get(name)?.slice(-1)[0];
  const outDir = one('--out') ?? 'dist';
  const only = flags.values.get('--only') ?? [];
  const stackDirs = (flags.values.get('--stack-dir') ?? []).map((d) => path.resolve(d));
  const app = one('--app');
  const root = process.cwd();
  const notProject = stackDirs.find((d) => !fs.existsSync(path.join(d, 'Pulumi.yaml')));
  if (notProject) {
    log(`aiready synth: --stack-dir ${notProject} has no Pulumi.yaml; give the folder of a Pulumi project`);
    return 2;
  }
  if (flags.switches.has('--skip-missing-charts') && !flags.switches.has('--render')) {
    log('aiready synth: --skip-missing-charts is an option of --render; add --render, or remove it');
    return 2;
  }
  const incremental = flags.switches.has('--incremental') || flags.switches.has('--watch');
  if (one('--synth-cache') && !incremental) {
    log('aiready synth: --synth-cache is an option of --incremental and --watch; add one, or remove it');
    return 2;
  }
  const timeout = one('--stack-timeout');
  const timeoutProblem = timeout === undefined ? undefined : stackTimeoutProblem(timeout);
  if (timeoutProblem) {
    log(`aiready synth: ${timeoutProblem}`);
    return 2;
  }
  const stackTimeoutSeconds = timeout === undefined ? undefined : Number(timeout);
  const stackProcesses = stackProcessesFromEnv(process.env);
  if (typeof stackProcesses === 'string') {
    log(`aiready synth: ${stackProcesses}`);
    return 2;
  }
  let render;
  if (flags.switches.has('--render')) {
    const cacheDir = path.resolve(one('--cache-dir') ?? defaultCacheDir());
    const chartCache = path.resolve(one('--chart-cache') ?? defaultChartCache(cacheDir));
    let kubectl: string | undefined;
    try {
      render = {
        helm: resolveHelm({ helm: one('--helm'), cacheDir }),
        kubectl: () => (kubectl ??= one('--kubectl') ?? extractBundled(cacheDir, 'kubectl')),
        chartCache,
        kustomizeCache: path.resolve(one('--kustomize-cache') ?? kustomizeCache(chartCache)),
        renderCache: path.join(cacheDir, 'render'),
        skipMissingCharts: flags.switches.has('--skip-missing-charts'),
      };
    } catch (err) {
      log(`aiready synth --render: ${(err as Error).message}`);
      return 1;
    }
  }
  return {
    outLabel: outDir,
    options: {
      root,
      outDir: path.resolve(root, outDir),
      only,
      stackDirs,
      app,
      render,
      stackProcesses,
      stackTimeoutSeconds,
      timings: flags.switches.has('--timings') ? new PhaseTimings() : undefined,
      ...(incremental
        ? {
            incremental: {
              cacheDir: path.resolve(one('--synth-cache') ?? defaultSynthCache(root)),
              ...(one('--kubectl') ? { kubectl: one('--kubectl') } : {}),
            },
          }
        : {}),
    },
  };
}

/** `aiready synth ARGS` (without --watch): synthesizes, writes, prints; its exit code and report. */
export async function synthCommand(
  rest: readonly string[],
  log: (s: string) => void,
): Promise<{ code: number; report?: SynthReport }> {
  const setup = synthSetup(rest, log);
  if (typeof setup === 'number') return { code: setup };
  const { options, outLabel: outDir } = setup;
  const { timings, only = [] } = options;
  // A status line only on a terminal, and only when this process's own stderr is the log.
  const progress = startProgress(log, log === logToStderr && process.stderr.isTTY ? process.stderr : undefined);
  // Node started and the CLI's modules loaded, before any target.
  timings?.add('(cli process)', 'load', process.uptime() * 1000);
  const report = await synthAll({
    ...options,
    onPhase: progress.phase,
    onTarget: (t) =>
      progress.line(
        t.reused
          ? `aiready synth: ${t.id} unchanged (${t.objects} objects)`
          : `aiready synth: ${t.id} ${t.ok ? 'done' : 'FAILED'} in ${(t.ms / 1000).toFixed(1)} s (${t.objects} objects)`,
      ),
  }).finally(() => progress.stop());
  const reused = report.incremental?.reused ?? [];
  if (report.incremental?.cacheError)
    log(
      `aiready synth: warning: the synth cache ${options.incremental?.cacheDir} could not be written (${report.incremental.cacheError}); the next synth synthesizes those targets again`,
    );
  if (report.errors.length) {
    for (const e of report.errors) log(`aiready synth: ${e.id} failed:\n${e.message}\n`);
    log(
      `aiready synth: nothing written (${report.errors.length} of ${report.errors.length + report.targets.length + reused.length} targets failed)`,
    );
    return { code: 1, report };
  }
  if (report.targets.length + reused.length === 0) {
    log(
      'aiready synth: no Pulumi project (Pulumi.yaml and Pulumi.<stack>.yaml), examples/*/main.ts, --app or cdk8s.yaml found here',
    );
    return { code: 1, report };
  }
  writeTargets(options.outDir, [...report.targets, ...reused], timings);
  if (only.length === 0)
    for (const removed of pruneRemovedTargets(options.outDir, [...report.targets, ...reused]))
      log(`aiready synth: removed ${path.join(outDir, removed)} (its source is gone)`);
  // With --incremental, why a target was synthesized again.
  const changed = (id: string) => {
    const why = report.incremental?.changed.find((c) => c.id === id)?.why ?? [];
    return why.length ? `; changed: ${why.slice(0, 3).join(', ')}${why.length > 3 ? ` and ${why.length - 3} more` : ''}` : '';
  };
  // Stacks, then examples, then the app, as synth finds them; reused targets among the others.
  const rank = (id: string) => (id === 'app' ? 2 : id.startsWith('examples/') ? 1 : 0);
  const written = reused.length
    ? [...report.targets, ...reused].sort((a, b) => rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : 1))
    : report.targets;
  for (const t of written) {
    const line =
      'releases' in t
        ? t.render
          ? `; rendered ${t.render.objects} objects of ${t.releases.length + t.kustomizations.length} releases, ${t.render.rendered} rendered now, ${t.render.cached} from cache${t.render.unrendered.length ? `, ${t.render.unrendered.length} NOT RENDERED (chart not in cache)` : ''}`
          : ''
        : `${t.render ? `; rendered ${t.render.objects} objects of ${t.render.sources} releases${t.render.unrendered ? `, ${t.render.unrendered} NOT RENDERED (chart not in cache)` : ''}` : ''}; unchanged`;
    log(`aiready synth: ${path.join(outDir, t.id)} (${t.objects} objects, ${t.files.size} files${line}${changed(t.id)})`);
    for (const w of t.warnings) log(`  warning: ${w}`);
  }
  for (const line of timings?.lines() ?? []) log(line);
  return { code: 0, report };
}

/** `@aiready/cli <version>`. */
function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string };
  return `aiready ${manifest.version}`;
}

async function chartsCommand(args: readonly string[], log: (s: string) => void): Promise<number> {
  const flags = parseFlags(args, ['--chart-cache', '--cache-dir', '--helm'], []);
  if (typeof flags === 'string' || flags.positional.join(' ') !== 'pull') {
    log(`aiready: ${typeof flags === 'string' ? flags : 'charts takes one subcommand: pull'}\n\n${USAGE}`);
    return 2;
  }
  const one = (name: string) => flags.values.get(name)?.slice(-1)[0];
  const cacheDir = path.resolve(one('--cache-dir') ?? defaultCacheDir());
  const chartCache = path.resolve(one('--chart-cache') ?? defaultChartCache(cacheDir));
  try {
    const helm = resolveHelm({ helm: one('--helm'), cacheDir });
    const pulled = await pullCharts(helm.path, chartCache, log);
    log(`aiready charts pull: ${pulled} fetched into ${chartCache}`);
    return 0;
  } catch (err) {
    log(`aiready charts pull: ${(err as Error).message}`);
    return 1;
  }
}
