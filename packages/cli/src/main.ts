import * as path from 'path';
import { synthAll, writeTargets } from './synth';

const USAGE = `usage: aiready synth [--out DIR] [--only TARGET]... [--render-kustomize]

Synthesizes, offline, every Pulumi stack config under stacks/ (run under Pulumi mocks) and every
cdk8s example under examples/ into DIR (default dist/):
  <project>-<stack>/manifests/   Kubernetes objects, one folder per component, one file per kind
  <project>-<stack>/plan.json    the cloud resources the stack would create, inputs and dependencies
  <project>-<stack>/SUMMARY.md   pools, GPUs, cost, versions, warnings, plan
  examples/<name>/...            the same for each example
Every target then goes through offline admission (what the cluster would refuse or never run:
Pod Security, quotas, references, scheduling, CRDs, webhooks, network policy, IAM); nothing is written
unless every target synthesizes and is admitted. Needs no network, credentials or Pulumi CLI.

--render-kustomize also renders the kustomize bases a target installs (Kubeflow Pipelines, from its
pinned git tag, with aiready's patches) with \`kubectl kustomize\` into <target>/rendered/. That one
fetches from GitHub: it needs kubectl, git and the network.`;

/** The `aiready` command. Returns the process exit code. */
export async function main(
  argv: readonly string[],
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'synth') {
    log(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  let outDir = 'dist';
  const only: string[] = [];
  let renderKustomize = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--out' && rest[i + 1]) outDir = rest[++i];
    else if (arg === '--only' && rest[i + 1]) only.push(rest[++i]);
    else if (arg === '--render-kustomize') renderKustomize = true;
    else {
      log(`aiready: unknown argument '${arg}'\n\n${USAGE}`);
      return 2;
    }
  }
  const root = process.cwd();
  const report = await synthAll({ root, outDir: path.resolve(root, outDir), only, renderKustomize });
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
    log(`aiready synth: ${path.join(outDir, t.id)} (${t.objects} objects, ${t.files.size} files)`);
    for (const w of t.warnings) log(`  warning: ${w}`);
  }
  return 0;
}
