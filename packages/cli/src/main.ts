import * as path from 'path';
import { defaultCacheDir, defaultChartCache, kustomizeCache } from './chart-cache';
import { pullCharts } from './charts-pull';
import { diffCommand, DIFF_USAGE } from './diff-command';
import { extractBundled, resolveHelm } from './helm';
import { synthAll, writeTargets } from './synth';

const USAGE = `usage: aiready synth [--out DIR] [--only TARGET]... [--render [--chart-cache DIR] [--kustomize-cache DIR] [--cache-dir DIR] [--helm PATH] [--kubectl PATH]]
       aiready charts pull [--chart-cache DIR] [--cache-dir DIR] [--helm PATH]
       ${DIFF_USAGE.split('\n').join('\n       ')}

synth: synthesizes, offline, every Pulumi stack config under stacks/ (run under Pulumi mocks) and
every cdk8s example under examples/ into DIR (default dist/):
  <project>-<stack>/manifests/   Kubernetes objects, one folder per component, one file per kind
  <project>-<stack>/plan.json    the cloud resources the stack would create, inputs and dependencies
  <project>-<stack>/SUMMARY.md   pools, GPUs, cost, versions, warnings, plan
  examples/<name>/...            the same for each example
Every values key of every Helm release is checked against the pinned chart. Nothing is written unless
every target synthesizes. Needs no network, credentials or Pulumi CLI.

--render also renders every Helm release (helm template, with exactly the values aiready sets, the
target's namespace and Kubernetes version) and every kustomize base of each target into
<target>/rendered/<release>/<kind>.yaml, offline, from the chart cache (--chart-cache, default
<cache dir>/charts; fill it with \`aiready charts pull\`; kustomize bases from --kustomize-cache,
default <chart cache>/kustomize). helm is the bundled 3.17.2 unless --helm names another; kubectl
(for kustomize) the bundled 1.32.3 unless --kubectl does. Rendered releases are cached under
--cache-dir (default $XDG_CACHE_HOME/aiready).

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

/** The `aiready` command. Returns the process exit code. */
export async function main(
  argv: readonly string[],
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'diff') return diffCommand(rest, log, out);
  if (command === 'charts') return chartsCommand(rest, log);
  if (command !== 'synth') {
    log(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const flags = parseFlags(
    rest,
    ['--out', '--only', '--chart-cache', '--kustomize-cache', '--cache-dir', '--helm', '--kubectl'],
    ['--render'],
  );
  if (typeof flags === 'string' || flags.positional.length) {
    log(`aiready: ${typeof flags === 'string' ? flags : `unexpected '${flags.positional[0]}'`}\n\n${USAGE}`);
    return 2;
  }
  const one = (name: string) => flags.values.get(name)?.slice(-1)[0];
  const root = process.cwd();
  const outDir = one('--out') ?? 'dist';
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
      };
    } catch (err) {
      log(`aiready synth --render: ${(err as Error).message}`);
      return 1;
    }
  }
  const report = await synthAll({ root, outDir: path.resolve(root, outDir), only: flags.values.get('--only'), render });
  if (report.errors.length) {
    for (const e of report.errors) log(`aiready synth: ${e.id} failed:\n${e.message}\n`);
    log(
      `aiready synth: nothing written (${report.errors.length} of ${report.errors.length + report.targets.length} targets failed)`,
    );
    return 1;
  }
  if (report.targets.length === 0) {
    log('aiready synth: no stacks/*/Pulumi.<stack>.yaml or examples/*/main.ts found here');
    return 1;
  }
  writeTargets(path.resolve(root, outDir), report.targets);
  for (const t of report.targets) {
    const rendered = t.render
      ? `; rendered ${t.render.objects} objects of ${t.releases.length + t.kustomizations.length} releases, ${t.render.rendered} rendered now, ${t.render.cached} from cache`
      : '';
    log(`aiready synth: ${path.join(outDir, t.id)} (${t.objects} objects, ${t.files.size} files${rendered})`);
    for (const w of t.warnings) log(`  warning: ${w}`);
  }
  return 0;
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
