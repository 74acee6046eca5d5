// Node's own module cache is what these functions work on, and jest replaces it: the checks run in a
// plain Node process, on the built lib/ (`pnpm test` runs tsc -b first).
import { execFileSync } from 'child_process';
import * as fc from 'fast-check';
import * as path from 'path';
import { structRoundTrip } from '../src/pulumi-runtime-tuning';

const LIB = path.resolve(__dirname, '../lib/pulumi-runtime-tuning.js');

function run(script: string): unknown {
  const prelude = `const tuning = require(${JSON.stringify(LIB)}); const from = ${JSON.stringify(__dirname)}; const path = require('path');`;
  return JSON.parse(execFileSync(process.execPath, ['-e', `${prelude}\n${script}`], { encoding: 'utf8' }).trim());
}

describe('pulumi runtime tuning', () => {
  test("deferPulumiClosureDeps: @pulumi/pulumi loads without TypeScript's compiler, npm's arborist or the Automation API", () => {
    // GIVEN the deferral WHEN @pulumi/pulumi loads THEN neither module is loaded (only the stand-ins, Proxies, are cached)
    const out = run(`
      tuning.deferPulumiClosureDeps(from);
      require('@pulumi/pulumi');
      const loaded = (m) => Object.keys(require.cache).some((f) => f.endsWith(m) && !require('util').types.isProxy(require.cache[f].exports));
      const names = ['/typescript/lib/typescript.js', '/@npmcli/arborist/lib/index.js', '/normalize-package-data/lib/normalize.js',
        '/@pulumi/pulumi/automation/localWorkspace.js', '/execa/index.js', '/@pulumi/pulumi/provider/server.js'];
      const pulumi = require('@pulumi/pulumi');
      console.log(JSON.stringify([...names.map(loaded), typeof pulumi.automation.LocalWorkspace, loaded(names[3])]));`);
    // (the Automation API, once used, is the real one)
    expect(out).toEqual([false, false, false, false, false, false, 'function', true]);
  });

  test('deferPulumiClosureDeps: gRPC, the service clients, OpenTelemetry and semver load at first use, the real ones', () => {
    // GIVEN the deferral WHEN @pulumi/pulumi loads
    const out = run(`
      tuning.deferPulumiClosureDeps(from);
      require('@pulumi/pulumi');
      const loaded = (m) => Object.keys(require.cache).some((f) => f.endsWith(m) && !require('util').types.isProxy(require.cache[f].exports));
      const before = ['/@grpc/grpc-js/build/src/index.js', '/@grpc/grpc-js/build/src/channel.js', '/@pulumi/pulumi/proto/resource_grpc_pb.js',
        '/@opentelemetry/api/dist/index.cjs', '/semver/index.js'].map(loaded);
      // An RPC error's status code, as the runtime reads it
      const grpc = require(require.resolve('@grpc/grpc-js', { paths: [require.resolve('@pulumi/pulumi', { paths: [from] })] }));
      const status = grpc.status.UNAVAILABLE;
      const resrpc = require(require.resolve('@pulumi/pulumi/proto/resource_grpc_pb', { paths: [from] }));
      console.log(JSON.stringify([...before, status, typeof resrpc.ResourceMonitorClient, loaded('/@grpc/grpc-js/build/src/index.js')]));`);
    // THEN none loaded until used; then the real ones
    expect(out).toEqual([false, false, false, false, false, 14, 'function', true]);
  });

  test("deferKubernetesGlob: @pulumi/kubernetes loads without glob; a ConfigGroup's `files` pattern gets the real one", () => {
    // GIVEN the deferral, for the @pulumi/kubernetes the reference stack resolves
    const out = run(`
      const stack = ${JSON.stringify(path.resolve(__dirname, '../../../stacks/ai-platform'))};
      tuning.deferKubernetesGlob(stack);
      // WHEN @pulumi/kubernetes and its yaml module load
      require(require.resolve('@pulumi/kubernetes/yaml', { paths: [stack] }));
      const loaded = () => Object.keys(require.cache).some((f) => /[/]glob[/]dist[/]commonjs[/]glob[.]js$/.test(f));
      const before = loaded();
      // AND glob is used as its ConfigGroup uses it
      const k8s = require.resolve('@pulumi/kubernetes/package.json', { paths: [stack] });
      const glob = require(require.resolve('glob', { paths: [require('fs').realpathSync(path.dirname(k8s))] }));
      const files = glob.sync(${JSON.stringify(path.join(__dirname, 'pulumi-runtime-tuning.test.*'))});
      console.log(JSON.stringify([before, files.map((f) => path.basename(f)), loaded()]));`);
    // THEN glob was not loaded until used; then the real one matched the file
    expect(out).toEqual([false, ['pulumi-runtime-tuning.test.ts'], true]);
  });

  test("resetPulumiStore: the next stack starts from a fresh run state; the providers' registrations stay", () => {
    // GIVEN a run state with config, mocks and a registered resource module
    const out = run(`
      const pulumi = require('@pulumi/pulumi');
      pulumi.runtime.registerResourceModule('test', 'index', { version: '1.0.0', construct: () => undefined });
      pulumi.runtime.setAllConfig({ 'p:size': 'small' });
      pulumi.runtime.setMocks({ newResource: () => ({ id: 'x', state: {} }), call: () => ({}) }, 'p', 'a').then(() => {
        const before = [new pulumi.Config('p').get('size'), pulumi.getStack(), pulumi.runtime.hasMonitor()];
        // WHEN reset
        tuning.resetPulumiStore(from);
        const state = require(require.resolve('@pulumi/pulumi/runtime/state', { paths: [from] }));
        const after = [new pulumi.Config('p').get('size') ?? null, pulumi.getStack(), pulumi.runtime.hasMonitor()];
        console.log(JSON.stringify([before, after, [...state.getGlobalStore().resourceModules.keys()]]));
      });`);
    // THEN config, stack and monitor are gone; the registration is kept
    expect(out).toEqual([['small', 'a', true], [null, 'stack', false], ['test:index']]);
  });

  test("plainPulumiPromises: the runtime's promises are given back as they are, untracked", () => {
    // GIVEN the runtime's promise wrapper before and after the change
    const out = run(`
      const debuggable = require(require.resolve('@pulumi/pulumi/runtime/debuggable', { paths: [from] }));
      const state = require(require.resolve('@pulumi/pulumi/runtime/state', { paths: [from] }));
      const given = Promise.resolve(1);
      const before = [debuggable.debuggablePromise(given, 'test') === given, state.getStore().leakCandidates.size];
      tuning.plainPulumiPromises(from);
      tuning.plainPulumiPromises(from);
      const again = Promise.resolve(2);
      const after = [debuggable.debuggablePromise(again, 'test') === again, state.getStore().leakCandidates.size];
      console.log(JSON.stringify([before, after]));`);
    // THEN before: a new promise, tracked as a leak candidate; after: the same promise, nothing tracked
    expect(out).toEqual([
      [false, 1],
      [true, 1],
    ]);
  });

  test('pendingRegistrations: what Pulumi says of registrations still pending; nothing when none is', () => {
    // GIVEN mocks, and a resource whose input waits on a promise that never settles
    const out = run(`
      const pulumi = require('@pulumi/pulumi');
      tuning.plainPulumiPromises(from);
      pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) }, 'p', 's').then(() => {
        const none = tuning.pendingRegistrations(from) ?? null;
        new pulumi.CustomResource('test:index:Thing', 'stuck', { size: new Promise(() => undefined) });
        setTimeout(() => console.log(JSON.stringify([none, tuning.pendingRegistrations(from)])), 50);
      });`) as [null, string];
    // THEN nothing before; then the resource and the input it waits for
    expect(out[0]).toBeNull();
    expect(out[1]).toMatch(/"stuck" \[test:index:Thing\] was waiting for the value of its input property "size"/);
  });

  test("lazyPulumiOutputs: a resource's property is an Output at first read, the runtime's own, resolved as the registration says", () => {
    // GIVEN mocks that answer with state, and a resource with three properties
    const out = run(`
      const pulumi = require('@pulumi/pulumi');
      tuning.lazyPulumiOutputs(from);
      tuning.lazyPulumiOutputs(from);
      pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + '-id', state: { ...a.inputs, size: 'large' } }), call: () => ({}) }, 'p', 's').then(async () => {
        const res = new pulumi.CustomResource('test:index:Thing', 'thing', { size: undefined, name: 'n', unread: 'u' });
        const getter = (k) => typeof Object.getOwnPropertyDescriptor(res, k).get === 'function';
        // WHEN one property is read before the registration is done, one after, and one never
        const early = res.size;
        await res.urn.promise();
        const late = res.name;
        const value = (o) => new Promise((r) => o.apply(r));
        const values = [await value(early), await value(late)];
        const owned = [early.resources().has(res), (await late.allResources()).has(res), pulumi.Output.isInstance(early)];
        res.size = 'replaced';
        console.log(JSON.stringify([values, owned, getter('unread'), getter('name'), res.size]));
      });`);
    // THEN both resolve to the registration's values and belong to the resource; the unread one is
    // still a getter (no Output made), the read ones are plain properties; a property can be replaced
    expect(out).toEqual([['large', 'n'], [true, true, true], true, false, 'replaced']);
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

  test('plainPulumiStructs: a Struct gives back what the protobuf round trip gives, and its fields when read', () => {
    // GIVEN objects of every JSON shape, through a real protobuf Struct and through a tuned one
    const out = run(`
      const fc = require(require.resolve('fast-check', { paths: [from] }));
      const pb = require.resolve('google-protobuf/google/protobuf/struct_pb.js', { paths: [require.resolve('@pulumi/pulumi', { paths: [from] })] });
      const { Struct } = require(pb);
      const original = Struct.fromJavaScript;
      const samples = fc.sample(fc.dictionary(fc.string(), fc.jsonValue()), { numRuns: 300, seed: 19 });
      samples.push({ b: [1, { z: null, a: [true, 'x'] }], a: -0, __proto__x: 1 });
      const real = samples.map((o) => original(o));
      tuning.plainPulumiStructs(from);
      tuning.plainPulumiStructs(from);
      const tuned = samples.map((o) => Struct.fromJavaScript(o));
      const same = (a, b) => JSON.stringify(a) === JSON.stringify(b) && Object.is(a?.a, b?.a);
      const js = real.every((r, i) => same(r.toJavaScript(), tuned[i].toJavaScript()));
      const fields = real.every((r, i) => Buffer.compare(Buffer.from(r.serializeBinary()), Buffer.from(tuned[i].serializeBinary())) === 0);
      const copies = tuned[0].toJavaScript() !== tuned[0].toJavaScript();
      const plain = tuned.every((t) => t.toJavaScript !== Struct.prototype.toJavaScript);
      let refused = '';
      try { Struct.fromJavaScript({ a: () => 1 }); } catch (e) { refused = e.message; }
      console.log(JSON.stringify([samples.length, plain, js, fields, copies, refused]));`);
    // THEN plain Structs with the same values (keys sorted, -0 kept), the same protobuf bytes, a copy per
    // read, and a function refused
    expect(out).toEqual([301, true, true, true, true, 'Unexpected struct type.']);
  });

  test('structRoundTrip: sorts object keys at every level and copies every level', () => {
    // GIVEN any JSON value WHEN it goes through the round trip THEN it is equal to it, keys sorted, no level shared
    fc.assert(
      // A `__proto__` key is dropped, as by the protobuf round trip (the test above compares the two).
      fc.property(
        fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"')),
        (value) => {
          const back = structRoundTrip(value);
          expect(back).toEqual(value);
          // Integer-like keys come first in any JavaScript object, whatever order they were set in.
          const inOrder = (keys: string[]) => Object.keys(Object.fromEntries([...keys].sort().map((k) => [k, 0])));
          const sorted = (v: unknown): boolean =>
            Array.isArray(v)
              ? v.every(sorted)
              : typeof v !== 'object' ||
                v === null ||
                (Object.keys(v).join() === inOrder(Object.keys(v)).join() && Object.values(v).every(sorted));
          expect(sorted(back)).toBe(true);
          if (typeof value === 'object' && value !== null) expect(back).not.toBe(value);
        },
      ),
    );
    expect(() => structRoundTrip([undefined])).toThrow('Unexpected struct type.');
  });
});
