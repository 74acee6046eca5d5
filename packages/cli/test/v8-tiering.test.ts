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
 * `calls` times and reports whether V8 optimized it with TurboFan, waiting up to `waitMs` for the
 * background compile.
 */
function turbofanAfter(entry: string, calls: number, waitMs: number): boolean {
  const script = `
    process.exit = () => {};
    require(${JSON.stringify(entry)});
    const v8 = require('v8');
    v8.setFlagsFromString('--allow-natives-syntax');
    const status = new Function('f', 'return %GetOptimizationStatus(f)');
    const f = new Function('x', 'return x * 2 + 1');
    let sum = 0;
    for (let i = 0; i < ${calls}; i++) sum += f(i);
    const end = Date.now() + ${waitMs};
    const look = () => {
      const turbofan = (status(f) & 64) !== 0;
      if (turbofan || Date.now() > end) process.stdout.write('\\nTURBOFAN ' + turbofan + ' ' + sum + '\\n', () => process.reallyExit(0));
      else setTimeout(look, 10);
    };
    look();`;
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
  ])('%s: a function called 20,000 times stays unoptimized, one called 200,000 times is optimized', (_, entry) => {
    // GIVEN a process started as `entry` starts (its tiering set first thing)
    // WHEN a small function is called 20,000 times (V8's default optimizes at 3,000), then 200,000
    // THEN TurboFan leaves it alone, then optimizes it: what is hot for long is still optimized.
    // Node.js 20 is left at V8's defaults: there the function is optimized either way.
    const tuned = tieringFlags().length > 0;
    expect(turbofanAfter(entry, 20_000, tuned ? 300 : 5_000)).toBe(!tuned);
    expect(turbofanAfter(entry, 200_000, 5_000)).toBe(true);
  });
});
