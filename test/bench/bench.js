#!/usr/bin/env node
// `pnpm bench`: whole-process wall time, CPU time and peak memory of `aiready synth`, measured side by
// side in one run: the reference targets (the repository's stacks and examples) against one `helm
// template` of the gpu-operator chart, then a growth table of generated stacks (pools x teams), then
// `aiready synth --render` against `helm template` of the same releases (render-bench.js). Not a
// test: it asserts nothing, it measures. Medians of AIREADY_BENCH_RUNS runs (default 3). Prints the
// tables and writes them into BENCHMARKS.md (between the bench:synth markers). AIREADY_BENCH_GROWTH_RUNS
// sets the runs of the growth table, AIREADY_BENCH_POOLS and _TEAMS its sizes; AIREADY_BENCH_RENDER=0
// skips rendering. Run after `tsc -b` (the bench script does that).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { generatedRoot } = require('./generated-stack');
const { renderBench } = require('./render-bench');

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');
const CHARTS = path.resolve(ROOT, '../shared/charts');
const RUNS = Number(process.env.AIREADY_BENCH_RUNS || 3);
const GROWTH_RUNS = Number(process.env.AIREADY_BENCH_GROWTH_RUNS || RUNS);
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const POOLS = (process.env.AIREADY_BENCH_POOLS || '1,10,100,1000').split(',').map(Number);
const TEAMS = (process.env.AIREADY_BENCH_TEAMS || '0,50,500').split(',').map(Number);

/**
 * Runs a command once: wall time, CPU time (user + system of it and every child it waited for, from
 * GNU time; less disturbed by other load than wall time) and the peak RSS of any of its Node processes.
 */
function measure(command, args, cwd) {
  // The same file names every run: AIREADY_* variables are inputs of an incremental synth's targets.
  const tag = `${process.pid}`;
  const rssFile = path.join(os.tmpdir(), `aiready-bench-rss-${tag}`);
  const cpuFile = path.join(os.tmpdir(), `aiready-bench-cpu-${tag}`);
  const env = { ...process.env, AIREADY_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require=${path.join(__dirname, 'maxrss.js')}` };
  const [cmd, argv] = TIME ? [TIME, ['-f', '%U %S %M', '-o', cpuFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const run = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${run.stderr}`);
  const [user, sys, maxKiB] = TIME
    ? fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
    : [NaN, NaN, NaN];
  const rss = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number) : [];
  fs.rmSync(rssFile, { force: true });
  fs.rmSync(cpuFile, { force: true });
  return { wall, cpu: user + sys, peakMiB: Math.max(maxKiB || 0, ...rss) / 1024, processes: rss.length, stderr: run.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** `aiready synth` in `cwd`, once, into `out` (a new folder, removed after, if not given). */
function synth(cwd, args = [], out = undefined) {
  const dir = out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-out-'));
  try {
    const m = measure(process.execPath, [BIN, 'synth', '--out', dir, ...args], cwd);
    const objects = [...m.stderr.matchAll(/^aiready synth: \S+ \((\d+) objects/gm)].reduce((n, x) => n + Number(x[1]), 0);
    const targets = [...m.stderr.matchAll(/^aiready synth: \S+ \((\d+) objects/gm)].length;
    return { ...m, objects, targets };
  } finally {
    if (!out) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall and CPU, highest peak memory, of `runs` measurements. */
function summarize(runs) {
  return {
    wall: median(runs.map((r) => r.wall)),
    cpu: median(runs.map((r) => r.cpu)),
    peakMiB: Math.max(...runs.map((r) => r.peakMiB)),
    objects: runs[0].objects,
    targets: runs[0].targets,
    processes: runs[0].processes,
  };
}

const f2 = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const lines = [];
const say = (s = '') => {
  lines.push(s);
  console.log(s);
};

/** The machine, as the numbers need it said. */
function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  return `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}; load average ${load} at the start (the machine is shared: wall time is noisy, CPU time less so)`;
}

function referenceBench() {
  // One `helm template` of the gpu-operator chart, the yardstick the issue sets (10x at most).
  let helm;
  const archive = path.join(CHARTS, 'gpu-operator-v26.7.0.tgz');
  if (fs.existsSync(archive)) {
    const { extractBundled } = require(path.join(ROOT, 'packages/cli/lib/helm.js'));
    helm = extractBundled(fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-tools-')), 'helm');
  }
  const synths = [];
  const helms = [];
  for (let i = 0; i < RUNS; i++) {
    synths.push(synth(ROOT));
    if (helm) helms.push(measure(helm, ['template', 'gpu-operator', archive, '--namespace', 'gpu-operator'], ROOT));
  }
  // An incremental synth with nothing changed: a cache filled once, then RUNS measured runs.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-bench-incremental-'));
  const incremental = ['--incremental', '--synth-cache', path.join(out, '.cache')];
  synth(ROOT, incremental, out);
  const reused = [];
  for (let i = 0; i < RUNS; i++) reused.push(synth(ROOT, incremental, out));
  fs.rmSync(out, { recursive: true, force: true });
  const s = summarize(synths);
  const r = summarize(reused);
  say(`### Reference targets, side by side with \`helm template\`\n`);
  say('| measurement | wall time (s) | CPU time (s) | peak RSS of any process (MiB) |');
  say('| --- | --- | --- | --- |');
  say(
    `| \`aiready synth\`: ${s.targets} reference targets (stacks/ and examples/), ${s.objects} objects, ${s.processes} processes | ${f2(s.wall)} | ${f2(s.cpu)} | ${s.peakMiB.toFixed(0)} |`,
  );
  say(
    `| \`aiready synth --incremental\`, nothing changed since the last one (every target written from the synth cache) | ${f2(r.wall)} | ${f2(r.cpu)} | ${r.peakMiB.toFixed(0)} |`,
  );
  if (helm) {
    const h = summarize(helms);
    say(
      `| \`helm template\` of the gpu-operator chart v26.7.0 (bundled helm) | ${f2(h.wall)} | ${f2(h.cpu)} | ${h.peakMiB.toFixed(0)} |`,
    );
    say(
      `\nRatio: \`aiready synth\` of every reference target = x${(s.wall / h.wall).toFixed(1)} one \`helm template\` (wall), x${(s.cpu / h.cpu).toFixed(1)} (CPU); incremental, nothing changed: x${(r.wall / h.wall).toFixed(1)} (wall), x${(r.cpu / h.cpu).toFixed(1)} (CPU).`,
    );
  } else say(`\n\`helm template\`: SKIPPED, ${archive} not found (it is in ../shared/charts on the development machine).`);
}

function growthBench() {
  say(`\n### Growth: one generated stack, pools x teams (median of ${GROWTH_RUNS} runs)\n`);
  say(
    'The real stacks/ai-platform program; pools are three in four Karpenter NodePools and one in four EKS managed node groups (each with its launch template and autoscaler tags); team i has 1 GPU of quota on pool i mod pools while that pool has room, else none.\n',
  );
  const rows = [];
  for (const pools of POOLS)
    for (const teams of TEAMS) {
      const root = generatedRoot(pools, teams);
      try {
        rows.push({ pools, teams, ...summarize(Array.from({ length: GROWTH_RUNS }, () => synth(root))) });
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
      const r = rows[rows.length - 1];
      console.error(
        `bench: ${pools} pools x ${teams} teams: ${f2(r.wall)} s wall, ${f2(r.cpu)} s CPU, ${r.peakMiB.toFixed(0)} MiB`,
      );
    }
  say('| pools | teams | Kubernetes objects | wall time (s) | CPU time (s) | peak RSS (MiB) |');
  say('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    say(`| ${r.pools} | ${r.teams} | ${r.objects} | ${f2(r.wall)} | ${f2(r.cpu)} | ${r.peakMiB.toFixed(0)} |`);
  const at = (p, t) => rows.find((r) => r.pools === p && r.teams === t);
  const [p0, p1] = [POOLS[0], POOLS[POOLS.length - 1]];
  const [t0, t1] = [TEAMS[0], TEAMS[TEAMS.length - 1]];
  const a = at(p0, t0);
  const b = at(p1, t0);
  const c = at(p1, t1);
  if (a && b && b !== a)
    say(
      `\nPer pool (${p0} to ${p1} pools, ${t0} teams): ${((1000 * (b.cpu - a.cpu)) / (p1 - p0)).toFixed(1)} ms CPU and ${((b.peakMiB - a.peakMiB) / (p1 - p0)).toFixed(2)} MiB.`,
    );
  if (b && c && c !== b)
    say(
      `Per team (${t0} to ${t1} teams, ${p1} pools): ${((1000 * (c.cpu - b.cpu)) / (t1 - t0)).toFixed(1)} ms CPU and ${((c.peakMiB - b.peakMiB) / (t1 - t0)).toFixed(2)} MiB.`,
    );
}

async function main() {
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench\` (median of ${RUNS} runs; peak memory is the highest of the runs) on ${machine()}.\n`,
  );
  referenceBench();
  growthBench();
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const [start, end] = ['<!-- bench:synth:start -->', '<!-- bench:synth:end -->'];
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(start) && text.includes(end)) {
    fs.writeFileSync(file, `${text.split(start)[0]}${start}\n\n${lines.join('\n')}\n\n${end}${text.split(end)[1]}`);
    // The repository's Markdown is Prettier-formatted (pnpm lint checks it).
    spawnSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs', { paths: [ROOT] }), '--write', file], {
      stdio: 'ignore',
    });
    console.error('bench: BENCHMARKS.md updated');
  }
  if (process.env.AIREADY_BENCH_RENDER !== '0') await renderBench(RUNS);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
