// V8's tiering for aiready's own processes: the CLI (bin/aiready.js), its stack processes
// (stack-process-setup.ts) and the runs of `synth --watch` (synth-worker.ts) set it as they start.
import * as v8 from 'v8';

/**
 * The V8 flags aiready's processes run with: TurboFan for a function once it has been called 30,000
 * times, Maglev (on by default from Node.js 24) once 2,000 times; V8's defaults are 3,000 and 400. A
 * synth process lives a second or a few and runs mostly code that runs a few times (module bodies,
 * constructs, a check per object): what the optimizing compilers spent on code hot only briefly, on
 * background threads taking CPU from the other process on two cores, was more than their code saved.
 * Measured (BENCHMARKS.md, eighth round): the reference targets 9 to 13 % less CPU on Node.js 22 and
 * 24; 1,000 pools x 500 teams 6 to 8 % less CPU, about the same wall time. Code hot for longer is still
 * optimized. The output does not depend on them.
 */
export const TIERING_FLAGS: readonly string[] = ['--invocation-count-for-turbofan=30000', '--invocation-count-for-maglev=2000'];

/** The flags for a Node.js version: none before 22 (Node.js 20's V8 has no `--invocation-count-for-turbofan`). */
export function tieringFlags(nodeVersion: string = process.versions.node): readonly string[] {
  return Number(nodeVersion.split('.')[0]) >= 22 ? TIERING_FLAGS : [];
}

/**
 * Sets {@link tieringFlags} for this process, before it loads much (a function compiled before keeps
 * the budget it was given). Set at run time rather than as options of `node`: a flag a later V8 drops is
 * then a warning, not a process that does not start.
 */
export function tuneTiering(): void {
  for (const flag of tieringFlags()) v8.setFlagsFromString(flag);
}
