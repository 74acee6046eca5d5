// One `aiready synth` of this repository's stacks and examples per jest run, shared by the test files that
// only read what it writes (render, diff): the first file to ask runs it, the others, in the same worker or
// another, wait for its result. With the pinned charts (../shared) every release and kustomize base is
// rendered, into a render cache of this run alone: each is rendered from scratch once per run, and the later
// synths of the run that use that cache render nothing again. It lives in the run's folder
// (AIREADY_TEST_RUN_DIR, test-run.js), so it is never older than the build the run tests.
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from './cli-run';
import { tempDir } from './temp-files';

const ROOT = path.resolve(__dirname, '../..');
/** The pinned charts, kustomize bases and tools (a fresh clone has none). */
export const SHARED = path.resolve(ROOT, '../shared');
/** Whether `--render` can run here: the pinned charts, and linux/amd64 for the bundled helm. */
export const CAN_RENDER = fs.existsSync(path.join(SHARED, 'charts')) && `${process.platform}-${process.arch}` === 'linux-x64';

/** The shared synth: read it, never write into it. */
export interface ReferenceSynth {
  /** Its output folder. */
  readonly dir: string;
  /** Its stderr. */
  readonly log: string;
  /** Its `--cache-dir` (CAN_RENDER): every release it rendered is there, for synths that expect a warm cache. */
  readonly cacheDir: string;
}

/**
 * The `--render` options the shared synth uses, with `cacheDir` as the render cache. `skipMissingCharts`
 * (default true): the airflow chart is not among the pinned charts here, so examples/airflow-gpu renders
 * without it; a synth of targets whose charts are all here passes false, so a missing one fails it.
 */
export function renderFlags(cacheDir: string, skipMissingCharts = true): string[] {
  return [
    '--render',
    ...(skipMissingCharts ? ['--skip-missing-charts'] : []),
    '--chart-cache',
    path.join(SHARED, 'charts'),
    '--kustomize-cache',
    path.join(SHARED, 'kustomize'),
    '--cache-dir',
    cacheDir,
  ];
}

let ours: Promise<ReferenceSynth> | undefined;

/** The shared synth of this repository (rendered when CAN_RENDER); rejects with its stderr if it failed. */
export function referenceSynth(): Promise<ReferenceSynth> {
  return (ours ??= sharedSynth());
}

async function sharedSynth(): Promise<ReferenceSynth> {
  // Outside a jest run that made a run folder (another config): this test file's own synth.
  const base = path.join(process.env.AIREADY_TEST_RUN_DIR ?? tempDir('aiready-reference'), 'reference-synth');
  const dir = path.join(base, 'dist');
  const cacheDir = path.join(base, 'cache');
  const result = path.join(base, 'result.json');
  const claim = path.join(base, 'claim');
  fs.mkdirSync(base, { recursive: true });
  if (claimed(claim)) {
    fs.writeFileSync(path.join(claim, 'pid'), String(process.pid));
    const partial = `${dir}.partial`;
    let outcome: { status: number | null; stderr: string };
    try {
      outcome = await runCli(['synth', '--out', partial, ...(CAN_RENDER ? renderFlags(cacheDir) : [])], ROOT);
      if (outcome.status === 0) fs.renameSync(partial, dir);
    } catch (err) {
      outcome = { status: null, stderr: String(err) };
    }
    // Written whole or not at all: the waiting files read it as soon as it exists.
    fs.writeFileSync(`${result}.partial`, JSON.stringify({ status: outcome.status, stderr: outcome.stderr }));
    fs.renameSync(`${result}.partial`, result);
  } else {
    while (!fs.existsSync(result)) {
      if (!running(claim)) throw new Error(`the test process synthesizing the reference targets (${base}) ended first`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const { status, stderr } = JSON.parse(fs.readFileSync(result, 'utf8')) as { status: number | null; stderr: string };
  if (status !== 0) throw new Error(`aiready synth of the reference targets failed (exit ${status}):\n${stderr}`);
  return { dir, log: stderr, cacheDir };
}

/** Whether this process made `claim` (mkdir is atomic: one process of the run does). */
function claimed(claim: string): boolean {
  try {
    fs.mkdirSync(claim);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Whether the process that made `claim` still runs (yes until it has written its pid). */
function running(claim: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(claim, 'pid'), 'utf8'));
  } catch {
    return true;
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
