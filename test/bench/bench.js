#!/usr/bin/env node
// `pnpm bench`: whole-process wall time and peak memory of `aiready synth`, for the reference stack
// and for generated stacks with growing numbers of GPU pools; then `aiready synth --render` against
// the sum of `helm template` of the same releases (render-bench.js). Not a test: it asserts nothing,
// it measures. Run after `tsc -b` (the bench script does that).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { renderBench } = require('./render-bench');

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');
const STACK = path.join(ROOT, 'stacks/ai-platform');
const RUNS = Number(process.env.AIREADY_BENCH_RUNS || 3);
const TYPES = [
  'g6.xlarge',
  'g6e.xlarge',
  'g5.xlarge',
  'p5.48xlarge',
  'g6.12xlarge',
  'p4d.24xlarge',
  'g4dn.xlarge',
  'g6e.12xlarge',
];

/** A throwaway repository root with one stack (the real program), `pools` pools and `teams` teams. */
function generatedRoot(pools, teams = 0) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `aiready-bench-${pools}-`));
  const dir = path.join(root, 'stacks/ai-platform');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(STACK, 'Pulumi.yaml'), path.join(dir, 'Pulumi.yaml'));
  fs.symlinkSync(path.join(STACK, 'lib'), path.join(dir, 'lib'));
  const lines = [
    'config:',
    '  aws:region: us-east-1',
    '  ai-platform:clusterName: bench',
    '  ai-platform:natGateways: single',
    '  ai-platform:pools:',
  ];
  for (let i = 0; i < pools; i++) {
    lines.push(`    - name: pool-${String(i).padStart(3, '0')}`);
    lines.push(`      instanceTypes: [${TYPES[i % TYPES.length]}]`);
    // Every fourth pool is a managed node group, the rest Karpenter NodePools.
    lines.push(`      provisioner: ${i % 4 === 3 ? 'managed-node-group' : 'karpenter'}`);
    lines.push(`      maxNodes: ${2 + (i % 3)}`);
  }
  if (teams > 0) lines.push('  ai-platform:teams:');
  for (let i = 0; i < teams; i++) {
    // Each team gets one GPU of one pool, so quotas never exceed what the pools hold.
    lines.push(`    - name: team-${String(i).padStart(3, '0')}`);
    lines.push(`      gpuQuota: { pool-${String(i % pools).padStart(3, '0')}: 1 }`);
    lines.push(`      editGroups: [team-${i}]`);
  }
  fs.writeFileSync(path.join(dir, 'Pulumi.bench.yaml'), `${lines.join('\n')}\n`);
  return root;
}

function measure(cwd, onlyArgs) {
  const rssFile = path.join(os.tmpdir(), `aiready-rss-${process.pid}-${Date.now()}`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-out-'));
  const env = { ...process.env, AIREADY_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require=${path.join(__dirname, 'maxrss.js')}` };
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [BIN, 'synth', '--out', out, ...onlyArgs], { cwd, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`synth failed in ${cwd}:\n${run.stderr}`);
  const rss = fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  fs.rmSync(rssFile, { force: true });
  const objects = Number(/\((\d+) objects/.exec(run.stderr)?.[1] ?? 0);
  fs.rmSync(out, { recursive: true, force: true });
  return { seconds, peakMiB: Math.max(...rss) / 1024, processes: rss.length, objects };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function scenario(label, cwd, onlyArgs) {
  const runs = Array.from({ length: RUNS }, () => measure(cwd, onlyArgs));
  return {
    label,
    seconds: median(runs.map((r) => r.seconds)),
    peakMiB: Math.max(...runs.map((r) => r.peakMiB)),
    objects: runs[0].objects,
    processes: runs[0].processes,
  };
}

const rows = [scenario('reference stack (ai-platform dev)', ROOT, ['--only', 'ai-platform-dev'])];
for (const [pools, teams] of [
  [1, 0],
  [20, 0],
  [50, 0],
  [200, 0],
  [50, 20],
  [50, 100],
]) {
  const root = generatedRoot(pools, teams);
  try {
    rows.push(scenario(`generated stack, ${pools} GPU pools, ${teams} teams`, root, []));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`aiready synth benchmark: median of ${RUNS} runs, node ${process.version}, ${os.cpus().length} x ${cpu}\n`);
console.log('| scenario | wall time (s) | peak RSS of any process (MiB) | Kubernetes objects | processes |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${r.objects} | ${r.processes} |`);
}
const [one, , , big] = rows.slice(1);
console.log(
  `\nGrowth from 1 to 200 pools: x${(big.seconds / one.seconds).toFixed(2)} time, x${(big.peakMiB / one.peakMiB).toFixed(2)} memory.`,
);

renderBench(RUNS).catch((err) => {
  console.error(err);
  process.exit(1);
});
