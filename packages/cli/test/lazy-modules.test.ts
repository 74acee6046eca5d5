// Node's own module cache is what deferModule seeds, and jest replaces it: the checks run in a plain
// Node process, on the built lib/ (`pnpm test` runs tsc -b first).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tempDir } from '../../../test/support/temp-files';

const LIB = path.resolve(__dirname, '../lib/lazy-modules.js');

/** Runs `script` in Node with `lazy` (lib/lazy-modules.js) and `file` (a module that counts its loads) defined. */
function run(script: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-lazy-')), 'm.js');
  fs.writeFileSync(file, 'globalThis.loads = (globalThis.loads || 0) + 1; exports.answer = 42; exports.Thing = class {};');
  const prelude = `const lazy = require(${JSON.stringify(LIB)}); const file = ${JSON.stringify(file)}; const loads = () => globalThis.loads || 0;`;
  return execFileSync(process.execPath, ['-e', `${prelude}\n${script}`], { encoding: 'utf8' }).trim();
}

describe('deferModule', () => {
  test('requiring a deferred module does not load it; its first use does, once', () => {
    // GIVEN a deferred module, required, and asked whether it is an ES module (as import helpers do)
    // WHEN its properties are used
    // THEN it loads at the first property read, once, and behaves as the module
    const out = run(`
      lazy.deferModule(file);
      const m = require(file);
      const before = [loads(), m.__esModule];
      const used = [m.answer, new m.Thing() instanceof m.Thing, Object.keys(m).sort().join(), 'answer' in m];
      console.log(JSON.stringify([...before, ...used, loads()]));`);
    expect(JSON.parse(out)).toEqual([0, true, 42, true, 'Thing,answer', true, 1]);
  });

  test("`default` is the module itself, as TypeScript's import helpers make it; a loaded module is left alone", () => {
    const out = run(`
      lazy.deferModule(file);
      const viaDefault = require(file).default.answer;
      const real = require(file);
      lazy.deferModule(file);
      console.log(JSON.stringify([viaDefault, require(file) === real, loads()]));`);
    expect(JSON.parse(out)).toEqual([42, true, 1]);
  });

  test.each([
    ['a deferred module loads now', 'lazy.deferModule(file); lazy.loadDeferred(file);', 1],
    ['a module never deferred is not loaded', 'lazy.loadDeferred(file);', 0],
    ['a loaded module is not loaded again', 'require(file); lazy.loadDeferred(file);', 1],
  ])('loadDeferred: %s', (_, script, expected) => {
    // GIVEN the module in that state WHEN loadDeferred is called THEN it has loaded that many times
    expect(Number(run(`${script} console.log(loads());`))).toBe(expected);
  });
});

describe('the aiready command', () => {
  test('loads the packages that build, validate and admit targets only when it uses them', () => {
    // GIVEN the command, run with a probe that lists, at exit, which of those packages really loaded
    const probe = path.join(tempDir('aiready-probe'), 'probe.js');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => { const { types } = require('util');
        const real = Object.keys(require.cache).filter((f) => !types.isProxy(require.cache[f].exports));
        process.stderr.write('LOADED ' + JSON.stringify(['k8s', 'admission', 'validate'].filter((p) => real.some((f) => f.includes('/packages/' + p + '/lib/index.js')))) + '\\n'); });`,
    );
    const bin = path.resolve(__dirname, '../bin/aiready.js');
    const loaded = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--require', probe, bin, ...args], { encoding: 'utf8' });
      return JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]);
    };
    // WHEN it prints its help, and when it validates a folder THEN none loads for the help, validate for validate
    expect(loaded(['--help'])).toEqual([]);
    const dir = tempDir('aiready-empty');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    expect(loaded(['validate', dir])).toContain('validate');
  });
});
