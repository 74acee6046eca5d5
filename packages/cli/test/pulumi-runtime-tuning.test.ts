// Node's own module cache is what these functions work on, and jest replaces it: the checks run in a
// plain Node process, on the built lib/ (`pnpm test` runs tsc -b first).
import { execFileSync } from 'child_process';
import * as path from 'path';

const LIB = path.resolve(__dirname, '../lib/pulumi-runtime-tuning.js');

function run(script: string): unknown {
  const prelude = `const tuning = require(${JSON.stringify(LIB)}); const from = ${JSON.stringify(__dirname)};`;
  return JSON.parse(execFileSync(process.execPath, ['-e', `${prelude}\n${script}`], { encoding: 'utf8' }).trim());
}

describe('pulumi runtime tuning', () => {
  test("deferPulumiClosureDeps: @pulumi/pulumi loads without TypeScript's compiler or npm's arborist", () => {
    // GIVEN the deferral WHEN @pulumi/pulumi loads THEN neither module is loaded (only the stand-ins, Proxies, are cached)
    const out = run(`
      tuning.deferPulumiClosureDeps(from);
      require('@pulumi/pulumi');
      const loaded = (m) => Object.keys(require.cache).some((f) => f.endsWith(m) && !require('util').types.isProxy(require.cache[f].exports));
      console.log(JSON.stringify([loaded('/typescript/lib/typescript.js'), loaded('/@npmcli/arborist/lib/index.js')]));`);
    expect(out).toEqual([false, false]);
  });

  test("skipPulumiPromiseStacks: the runtime's promises carry no stack trace; Error.stackTraceLimit is left as it was", () => {
    // GIVEN the runtime's promise wrapper before and after the change
    const out = run(`
      const debuggable = require(require.resolve('@pulumi/pulumi/runtime/debuggable', { paths: [from] }));
      // The wrapper records the trace on the promise it is given.
      const traced = (v) => {
        const given = Promise.resolve(v);
        const wrapped = debuggable.debuggablePromise(given, 'test');
        return [given._debugStackTrace, wrapped];
      };
      const [before] = traced(1);
      tuning.skipPulumiPromiseStacks(from);
      tuning.skipPulumiPromiseStacks(from);
      const [after, p] = traced(2);
      p.then((v) => console.log(JSON.stringify([before.split('\\n').length > 1, after, Error.stackTraceLimit, v])));`);
    // THEN a trace of several lines before, just 'Error' after, the limit unchanged, the value passed through
    expect(out).toEqual([true, 'Error', 10, 2]);
  });

  test('skipPulumiSourcePositions: resources are made without the call stack they came from', () => {
    // GIVEN the Resource class's call-site capture before and after the change
    const out = run(`
      const { Resource } = require(require.resolve('@pulumi/pulumi/resource', { paths: [from] }));
      const before = Resource.stackTrace(0).length;
      tuning.skipPulumiSourcePositions(from);
      tuning.skipPulumiSourcePositions(from);
      console.log(JSON.stringify([before > 0, Resource.stackTrace(0), Error.stackTraceLimit]));`);
    // THEN frames before, none after, and the stack trace limit is untouched
    expect(out).toEqual([true, [], 10]);
  });
});
