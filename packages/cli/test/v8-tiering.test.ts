// V8's tiering is a process-wide setting, so each check runs in a plain Node process, on the built lib/
// and bin/ (`pnpm test` runs tsc -b first), under the Node.js that runs the tests.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TIERING_FLAGS, tieringFlags } from '../src/v8-tiering';

const BIN = path.resolve(__dirname, '../bin/aiready.js');
const SETUP = path.resolve(__dirname, '../lib/stack-process-setup.js');

/**
 * Loads `entry` (bin/aiready.js runs `--version`; its exit is held off), then calls a small function
 * `calls` times, 1,000 at a time every 5 ms (V8 decides a tier-up as a function runs, and installs
 * the code compiled in the background between calls: a tight loop could end before any tier is
 * installed), and reports whether V8 optimized it with TurboFan, waiting up to `waitMs` more. With
 * `keepCalling`, the calls go on, 10,000 every 10 ms, while it waits.
 */
function turbofanAfter(entry: string, calls: number, waitMs: number, keepCalling = false): boolean {
  const script = `
    process.exit = () => {};
    require(${JSON.stringify(entry)});
    const v8 = require('v8');
    v8.setFlagsFromString('--allow-natives-syntax');
    const status = new Function('f', 'return %GetOptimizationStatus(f)');
    const f = new Function('x', 'return x * 2 + 1');
    // The calls come from a function V8 never optimizes, so none is inlined away from f's own count.
    const drive = new Function('f', 'n', 'let s = 0; for (let i = 0; i < n; i++) s += f(i); return s;');
    new Function('g', '%NeverOptimizeFunction(g)')(drive);
    let sum = 0;
    let done = 0;
    let end;
    const look = () => {
      const turbofan = (status(f) & 64) !== 0;
      if (turbofan || Date.now() > end) process.stdout.write('\\nTURBOFAN ' + turbofan + ' ' + sum + '\\n', () => process.reallyExit(0));
      else {
        if (${keepCalling}) sum += drive(f, 10000);
        setTimeout(look, 10);
      }
    };
    const call = () => {
      sum += drive(f, Math.min(1000, ${calls} - done));
      done = Math.min(${calls}, done + 1000);
      if (done < ${calls}) setTimeout(call, 5);
      else {
        end = Date.now() + ${waitMs};
        look();
      }
    };
    call();`;
  const out = execFileSync(process.execPath, ['-e', script, 'aiready', '--version'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('TURBOFAN '));
  if (!line) throw new Error(`no result from the check of ${entry}:\n${out}`);
  return line.split(' ')[1] === 'true';
}

describe('V8 tiering of aiready processes', () => {
  test('Node.js 22 and later get the flags; Node.js 20, whose V8 lacks the invocation count flag, none', () => {
    expect(tieringFlags('20.20.2')).toEqual([]);
    expect(tieringFlags('22.12.0')).toEqual(TIERING_FLAGS);
    expect(tieringFlags('24.22.3')).toEqual(TIERING_FLAGS);
    expect(tieringFlags('26.0.0')).toEqual(TIERING_FLAGS);
  });

  test('the README names the flags as they are', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    for (const flag of TIERING_FLAGS) expect(readme).toContain(`\`${flag}\``);
  });

  test('every flag is one the running V8 knows (an unknown one would be a bad option of node)', () => {
    for (const flag of tieringFlags())
      expect(() => execFileSync(process.execPath, [flag, '-e', '0'], { stdio: 'pipe' })).not.toThrow();
  });

  test.each([
    ['the CLI (bin/aiready.js)', BIN],
    ['a stack process (stack-process-setup)', SETUP],
  ])('%s: a function called 20,000 times stays unoptimized, one that keeps being called is optimized', (_, entry) => {
    // GIVEN a process started as `entry` starts (its tiering set first thing)
    // WHEN a small function is called 20,000 times (V8's default optimizes at 3,000), or 200,000 times
    //   and on
    // THEN TurboFan leaves the first alone and optimizes the second: what is hot for long still is.
    // Node.js 20 is left at V8's defaults: there the function is optimized either way.
    const tuned = tieringFlags().length > 0;
    expect(turbofanAfter(entry, 20_000, tuned ? 1_000 : 10_000, !tuned)).toBe(!tuned);
    expect(turbofanAfter(entry, 200_000, 10_000, true)).toBe(true);
  });
});
