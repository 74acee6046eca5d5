import * as fs from 'fs';
import * as path from 'path';
import { pruneRemovedTargets, synthAll, writeTargets } from './synth';
import { validateCommand } from './validate-command';

const USAGE = `usage: aiready synth [--out DIR] [--only TARGET]... [--stack-dir DIR]... [--app MODULE] [--render-kustomize]
       aiready validate [DIR|FILE] (see aiready validate --help)
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
Every target is validated against the bundled upstream schemas (as \`aiready validate\` does), then
goes through offline admission (what the cluster would refuse or never run: Pod Security, quotas,
references, scheduling, CRDs, webhooks, network policy, IAM); nothing is written unless every target
synthesizes, validates and is admitted. Needs no network, credentials or Pulumi CLI. One line per
target as it finishes, with its time and object count. Without --only, the folders of targets that no
longer exist are removed from DIR.

--render-kustomize also renders the kustomize bases a target installs (Kubeflow Pipelines, from its
pinned git tag, with aiready's patches) with \`kubectl kustomize\` into <target>/rendered/. That one
fetches from GitHub: it needs kubectl, git and the network.`;

/** The `aiready` command. Returns the process exit code. */
export async function main(
  argv: readonly string[],
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
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
  if (command !== 'synth') {
    log(`aiready: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    log(USAGE);
    return 0;
  }
  let outDir = 'dist';
  const only: string[] = [];
  const stackDirs: string[] = [];
  let app: string | undefined;
  let renderKustomize = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--out' && rest[i + 1]) outDir = rest[++i];
    else if (arg === '--only' && rest[i + 1]) only.push(rest[++i]);
    else if (arg === '--app' && rest[i + 1]) app = rest[++i];
    else if (arg === '--stack-dir' && rest[i + 1]) stackDirs.push(path.resolve(rest[++i]));
    else if (arg === '--render-kustomize') renderKustomize = true;
    else {
      log(`aiready: unknown argument '${arg}'\n\n${USAGE}`);
      return 2;
    }
  }
  const root = process.cwd();
  const notProject = stackDirs.find((d) => !fs.existsSync(path.join(d, 'Pulumi.yaml')));
  if (notProject) {
    log(`aiready synth: --stack-dir ${notProject} has no Pulumi.yaml; give the folder of a Pulumi project`);
    return 2;
  }
  const report = await synthAll({
    root,
    outDir: path.resolve(root, outDir),
    only,
    stackDirs,
    app,
    renderKustomize,
    onTarget: (t) =>
      log(`aiready synth: ${t.id} ${t.ok ? 'done' : 'FAILED'} in ${(t.ms / 1000).toFixed(1)} s (${t.objects} objects)`),
  });
  if (report.errors.length) {
    for (const e of report.errors) log(`aiready synth: ${e.id} failed:\n${e.message}\n`);
    log(
      `aiready synth: nothing written (${report.errors.length} of ${report.errors.length + report.targets.length} targets failed)`,
    );
    return 1;
  }
  if (report.targets.length === 0) {
    log(
      'aiready synth: no Pulumi project (Pulumi.yaml and Pulumi.<stack>.yaml), examples/*/main.ts, --app or cdk8s.yaml found here',
    );
    return 1;
  }
  writeTargets(path.resolve(root, outDir), report.targets);
  if (only.length === 0)
    for (const removed of pruneRemovedTargets(path.resolve(root, outDir), report.targets))
      log(`aiready synth: removed ${path.join(outDir, removed)} (its source is gone)`);
  for (const t of report.targets) {
    log(`aiready synth: ${path.join(outDir, t.id)} (${t.objects} objects, ${t.files.size} files)`);
    for (const w of t.warnings) log(`  warning: ${w}`);
  }
  return 0;
}

/** `@aiready/cli <version>`. */
function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string };
  return `aiready ${manifest.version}`;
}
