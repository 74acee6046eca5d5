// Node's own module cache is what deferModule seeds, and jest replaces it: the checks run in a plain
// Node process, on the built lib/ (`pnpm test` runs tsc -b first).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
});
