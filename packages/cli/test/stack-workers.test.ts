import * as fs from 'fs';
import * as path from 'path';
import { groupStacks, stackProcessesFromEnv } from '../src/stack-workers';
import { forgetProgramModules } from '../src/run-stack';
import type { PackageInfo } from '../src/stack-sharing';
import { main } from '../src/main';
import { runCli } from '../../../test/support/cli-run';
import { tempDir, write } from '../../../test/support/temp-files';

const ROOT = path.resolve(__dirname, '../../..');

describe('groupStacks', () => {
  const s = (dir: string, stack: string) => ({ dir, stack });

  test("one process per project while there is a slot per stack; a project's stacks share the slots", () => {
    // GIVEN two projects, one with three stacks
    const stacks = [s('a', 'dev'), s('a', 'prod'), s('b', 'dev'), s('a', 'test')];
    // THEN with one slot, each project's stacks run in one process, in order
    expect(groupStacks(stacks, 1)).toEqual([[s('a', 'dev'), s('a', 'prod'), s('a', 'test')], [s('b', 'dev')]]);
    // AND with two slots, the three stacks of `a` are spread over two processes
    expect(groupStacks(stacks, 2)).toEqual([[s('a', 'dev'), s('a', 'test')], [s('a', 'prod')], [s('b', 'dev')]]);
    // AND with more slots than stacks, each stack has its own process
    expect(groupStacks(stacks, 8)).toEqual([[s('a', 'dev')], [s('a', 'prod')], [s('a', 'test')], [s('b', 'dev')]]);
    expect(groupStacks([], 1)).toEqual([]);
  });
});

describe('stackProcessesFromEnv', () => {
  test('unset is the default; a whole number of 1 or more is taken; anything else says what is wrong', () => {
    expect(stackProcessesFromEnv({})).toBeUndefined();
    expect(stackProcessesFromEnv({ AIREADY_STACK_PROCESSES: '' })).toBeUndefined();
    expect(stackProcessesFromEnv({ AIREADY_STACK_PROCESSES: '3' })).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two'])
      expect(stackProcessesFromEnv({ AIREADY_STACK_PROCESSES: bad })).toBe(
        `AIREADY_STACK_PROCESSES is "${bad}": give a whole number of 1 or more (the most processes that run the stacks of one Pulumi project), or unset it for one per core but one`,
      );
  });
});

describe('forgetProgramModules', () => {
  const f = (...parts: string[]) => path.join(path.sep, 'repo', ...parts);

  test('forgets the modules loaded since the baseline, but those inside node_modules', () => {
    const cache: Record<string, unknown> = {
      [f('cli/lib/run-stack.js')]: 1,
      [f('stacks/app/lib/index.js')]: 1,
      [f('stacks/shared/settings.js')]: 1,
      [f('node_modules/@pulumi/aws/index.js')]: 1,
    };
    const forgotten = forgetProgramModules(new Set([f('cli/lib/run-stack.js')]), f('stacks/app'), cache);
    expect(forgotten).toEqual([f('stacks/app/lib/index.js'), f('stacks/shared/settings.js')]);
    expect(Object.keys(cache)).toEqual([f('cli/lib/run-stack.js'), f('node_modules/@pulumi/aws/index.js')]);
  });

  test("aiready's packages linked from outside node_modules (a workspace) stay loaded; the program's own package does not", () => {
    // GIVEN a program of the package @aiready/stack-app, which loaded @aiready/k8s from the workspace
    // (outside node_modules) and a module of its own package outside its folder
    const packages: Record<string, PackageInfo> = {
      [f('packages/k8s/lib')]: { name: '@aiready/k8s', dependencies: [] },
      [f('stacks/app')]: { name: '@aiready/stack-app', dependencies: [] },
      [f('stacks/app/lib')]: { name: '@aiready/stack-app', dependencies: [] },
      [f('stacks/shared')]: { name: '@aiready/stack-app', dependencies: [] },
      [f('tools/lib')]: { name: 'tools', dependencies: [] },
    };
    const cache: Record<string, unknown> = {
      [f('stacks/app/lib/index.js')]: 1,
      [f('stacks/shared/settings.js')]: 1,
      [f('packages/k8s/lib/index.js')]: 1,
      [f('tools/lib/index.js')]: 1,
    };
    // WHEN the program's modules are forgotten
    const forgotten = forgetProgramModules(new Set(), f('stacks/app'), cache, (file) => packages[path.dirname(file)]);
    // THEN @aiready/k8s stays loaded, as it would from node_modules; the rest loads afresh
    expect(forgotten).toEqual([f('stacks/app/lib/index.js'), f('stacks/shared/settings.js'), f('tools/lib/index.js')]);
    expect(Object.keys(cache)).toEqual([f('packages/k8s/lib/index.js')]);
  });

  test('a program whose lib/ links to another folder of its package: its modules are forgotten', () => {
    // GIVEN a stack folder without a package.json whose lib/ links to the folder of @aiready/stack-app
    const root = tempDir('aiready-forget');
    write(path.join(root, 'app/package.json'), '{ "name": "@aiready/stack-app" }');
    write(path.join(root, 'app/lib/index.js'), '');
    write(path.join(root, 'k8s/package.json'), '{ "name": "@aiready/k8s" }');
    write(path.join(root, 'k8s/lib/index.js'), '');
    fs.mkdirSync(path.join(root, 'copy'));
    fs.symlinkSync(path.join(root, 'app/lib'), path.join(root, 'copy/lib'));
    const cache: Record<string, unknown> = { [path.join(root, 'app/lib/index.js')]: 1, [path.join(root, 'k8s/lib/index.js')]: 1 };
    // WHEN the program's modules are forgotten THEN its own are, aiready's other package is not
    expect(forgetProgramModules(new Set(), path.join(root, 'copy'), cache)).toEqual([path.join(root, 'app/lib/index.js')]);
  });

  test("a program installed as a package: its own modules are forgotten, not its dependencies'", () => {
    const program = f('node_modules/platform-stacks/ai');
    const cache: Record<string, unknown> = {
      [path.join(program, 'lib/index.js')]: 1,
      [path.join(program, 'node_modules/@pulumi/pulumi/index.js')]: 1,
      [f('node_modules/@pulumi/aws/index.js')]: 1,
    };
    expect(forgetProgramModules(new Set(), program, cache)).toEqual([path.join(program, 'lib/index.js')]);
  });
});

/** What the program does besides reading its config and making its Bucket. */
type Variant = 'plain' | 'unknown-package' | 'kept-resource';

/**
 * A Pulumi project whose program reads its config in a module of its own at load and counts its runs
 * in the process (a global): one Bucket tagged with both. `unknown-package` also requires a package
 * aiready does not know; `kept-resource` parents the Bucket to a component it keeps in a global (made
 * by the first stack that runs in the process).
 */
function project(configs: Record<string, string | undefined>, variant: Variant = 'plain'): string {
  const root = tempDir('aiready-stack-workers');
  const dir = path.join(root, 'stacks/counted');
  write(path.join(dir, 'Pulumi.yaml'), 'name: counted\nruntime: nodejs\n');
  for (const [stack, size] of Object.entries(configs))
    write(path.join(dir, `Pulumi.${stack}.yaml`), size === undefined ? 'config: {}\n' : `config:\n  counted:size: ${size}\n`);
  write(
    path.join(dir, 'lib/size.js'),
    "'use strict';\nexports.size = new (require('@pulumi/pulumi').Config)('counted').require('size');\n",
  );
  write(
    path.join(dir, 'lib/index.js'),
    `'use strict';
const pulumi = require('@pulumi/pulumi');
const { size } = require('./size');
if (size === 'crash') process.exit(7);
if (size === 'exit75') process.exit(75);
if (size === 'rejects') Promise.reject(new Error('a promise the program left unhandled'));
if (size === 'stuck') exports.stuck = new Promise(() => undefined);
if (size === 'ticking') setInterval(() => undefined, 60000);
// Throws once another stack runs in this process.
if (size === 'late' || size === 'late-unref') {
  const timer = setInterval(() => { if (globalThis.countedRuns > 1) throw new Error('a late error of the stack before'); }, 50);
  if (size === 'late-unref') timer.unref();
}
if (size === 'late-promise')
  (async () => {
    for (;;) {
      await require('timers/promises').setTimeout(50, undefined, { ref: false });
      if (globalThis.countedRuns > 1) throw new Error('a late error of the stack before');
    }
  })();
if (size === 'hang') { setInterval(() => undefined, 60000); exports.stuck = new Promise(() => undefined); }
if (size === 'spin') for (;;);
if (size === 'slow') exports.slow = new Promise((resolve) => setTimeout(() => resolve('slow'), 600));
${variant === 'unknown-package' ? "require('left-pad');" : ''}
const run = (globalThis.countedRuns = (globalThis.countedRuns ?? 0) + 1);
${variant === 'kept-resource' ? "globalThis.countedGroup ??= new pulumi.ComponentResource('counted:index:Group', 'group');" : ''}
class Bucket extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super('aws:s3/bucket:Bucket', name, args, opts);
  }
}
new Bucket('data', { bucket: 'counted-data', tags: { size, run: String(run), ...(size === 'flags' ? { flags: process.execArgv.join(' ') } : {}) } }${variant === 'kept-resource' ? ', { parent: globalThis.countedGroup }' : ''});
// Enough resources (30 MB) that their messages to the CLI are still on their way when the next stack starts.
if (size === 'many') for (let i = 0; i < 300; i++) new Bucket('extra-' + i, { bucket: 'extra-' + i, policy: 'x'.repeat(100000) });
if (size === 'cycle') {
  // Two buckets, each named after the other's id.
  let named;
  const first = new Bucket('first', { bucket: pulumi.output(new Promise((r) => (named = r))) });
  named(new Bucket('second', { bucket: first.id }).id);
}
exports.size = size;
`,
  );
  write(path.join(root, 'node_modules/left-pad/package.json'), '{ "name": "left-pad", "version": "1.0.0" }\n');
  write(path.join(root, 'node_modules/left-pad/index.js'), 'module.exports = (s) => s;\n');
  fs.mkdirSync(path.join(root, 'node_modules/@pulumi'), { recursive: true });
  fs.symlinkSync(
    fs.realpathSync(path.join(ROOT, 'packages/cli/node_modules/@pulumi/pulumi')),
    path.join(root, 'node_modules/@pulumi/pulumi'),
  );
  return root;
}

const tags = (out: string, id: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(out, id, 'plan.json'), 'utf8')) as { resources: { inputs: { tags?: unknown } }[] }
  ).resources
    .map((r) => r.inputs.tags)
    .filter(Boolean);

const SIZES = { a: 'small', b: 'medium', c: 'large' };
const withProcesses = (n: string) => ({ ...process.env, AIREADY_STACK_PROCESSES: n });

describe('stacks of one project in one process', () => {
  test("each stack runs in its own Pulumi state and loads the program's modules afresh", async () => {
    // GIVEN a project with three stacks that loads only packages aiready knows, the first with 30 MB of
    // resources (their messages are still being sent as it ends: the next stacks share the process still)
    const root = project({ ...SIZES, a: 'many' });
    // WHEN synthesized with one process for the project, and with one process per stack
    const [one, each] = await Promise.all([
      runCli(['synth', '--out', 'one'], root, withProcesses('1')),
      runCli(['synth', '--out', 'each'], root, withProcesses('3')),
    ]);
    expect(one.status).toBe(0);
    expect(each.status).toBe(0);
    // THEN the three share a process (its run count goes on), each with its own config, read by its own
    // load of the program's module
    const one_ = (id: string) => tags(path.join(root, 'one'), id);
    expect(one_('counted-a')).toEqual([{ run: '1', size: 'many' }]);
    expect(one_('counted-b')).toEqual([{ run: '2', size: 'medium' }]);
    expect(one_('counted-c')).toEqual([{ run: '3', size: 'large' }]);
    // AND one process per stack gives the same, each its process's first run
    for (const [stack, size] of Object.entries({ ...SIZES, a: 'many' }))
      expect(tags(path.join(root, 'each'), `counted-${stack}`)).toEqual([{ run: '1', size }]);
  });

  test("a stack process runs with V8's young generation at Node.js 20's largest size from the start", async () => {
    // GIVEN a program that tags its bucket with its process's V8 flags WHEN synthesized
    const root = project({ a: 'flags' });
    const run = await runCli(['synth', '--out', 'out'], root);
    expect(run.status).toBe(0);
    // THEN the flags are the stack process's
    expect(tags(path.join(root, 'out'), 'counted-a')).toEqual([
      { flags: '--max-semi-space-size=16 --min-semi-space-size=16', run: '1', size: 'flags' },
    ]);
  });

  test.each<[Variant, string]>([
    ['unknown-package', 'a program that requires a package aiready does not know'],
    ['kept-resource', 'a stack whose resources name a resource of the stack before'],
  ])('%s: %s runs each stack in a process of its own', async (variant) => {
    // GIVEN the program WHEN synthesized with one process for the project allowed
    const root = project(SIZES, variant);
    const run = await runCli(['synth', '--out', 'out'], root, withProcesses('1'));
    expect(run.status).toBe(0);
    // THEN each stack was its process's first run
    for (const [stack, size] of Object.entries(SIZES))
      expect(tags(path.join(root, 'out'), `counted-${stack}`)).toEqual([{ run: '1', size }]);
  });

  test('a stack that fails fails alone: the stacks after it run in a new process', async () => {
    // GIVEN a project whose second stack misses its config, and whose third ends its process
    const root = project({ a: 'small', b: undefined, c: 'crash', d: 'large' });
    // WHEN synthesized with one process for the project
    const run = await runCli(['synth', '--out', 'out'], root, { ...process.env, AIREADY_STACK_PROCESSES: '1' });
    // THEN the second and third stacks fail, each with its own error, and the others synthesize
    expect(run.status).not.toBe(0);
    const log = run.stdout + run.stderr;
    expect(log).toMatch(/counted-a done/);
    expect(log).toMatch(/counted-b FAILED/);
    expect(log).toMatch(/counted-c FAILED/);
    expect(log).toMatch(/counted-d done/);
    expect(log).toMatch(/Missing required configuration variable 'counted:size'/);
    expect(log).toMatch(/stack run failed \(exit code 7\)/);
  });

  test.each<[string, Record<string, string>, string, RegExp, string]>([
    [
      'a promise the program leaves unhandled fails its stack, though its outputs resolve',
      { a: 'rejects', b: 'small' },
      'counted-a',
      /Error: a promise the program left unhandled/,
      'counted-b',
    ],
    [
      // (75 is RUN_ELSEWHERE; no stack of the process had finished, so it is no request to run elsewhere)
      'a program that exits with the status a process asks for a new one with fails, and is not run again and again',
      { a: 'exit75', b: 'small' },
      'counted-a',
      /stack run failed \(exit code 75\)/,
      'counted-b',
    ],
    [
      // (the first stack has many resources: their messages are still on their way when the second ends the process)
      'a stack that ends its process does not take the results of the stacks before it with it',
      { a: 'many', b: 'crash' },
      'counted-b',
      /stack run failed \(exit code 7\)/,
      'counted-a',
    ],
    [
      // (before each stack after a timer-leaving one got a process of its own, this one never ended)
      'a stack that leaves a timer running does not keep the process alive for the next one',
      { a: 'ticking', b: 'stuck' },
      'counted-b',
      /the program ended before its outputs resolved/,
      'counted-a',
    ],
  ])('%s', async (_what, configs, failing, error, done) => {
    // GIVEN the project WHEN synthesized with one process for it
    const run = await runCli(['synth', '--out', 'out'], project(configs), withProcesses('1'));
    // THEN the one stack fails with its own error, and the other synthesizes
    const log = run.stdout + run.stderr;
    expect(log).toMatch(new RegExp(`${failing} failed:\\n${error.source}`));
    expect(log).toMatch(new RegExp(`${done} done`));
    expect(run.status).not.toBe(0);
  });

  test.each(['late', 'late-unref', 'late-promise'])(
    "%s: an error a stack's timer raises later is not the next stack's: that one runs in a process of its own",
    async (late) => {
      // GIVEN a project whose first stack leaves a timer (kept, unref'd, or a promise timer with
      // { ref: false }) that throws while the second still runs
      const root = project({ a: late, b: 'slow' });
      // WHEN synthesized with one process for the project
      const run = await runCli(['synth', '--out', 'out'], root, withProcesses('1'));
      // THEN both synthesize, the second as its process's first run
      expect(run.stderr).not.toMatch(/a late error/);
      expect(run.status).toBe(0);
      expect(tags(path.join(root, 'out'), 'counted-b')).toEqual([{ run: '1', size: 'slow' }]);
    },
  );

  test("a program that ends before its outputs resolve fails with Pulumi's account of what it waited for", async () => {
    // GIVEN a project whose second stack's resources wait on each other, and whose third exports a
    // promise that never settles
    const root = project({ a: 'small', b: 'cycle', c: 'stuck', d: 'large' });
    // WHEN synthesized with one process for the project
    const run = await runCli(['synth', '--out', 'out'], root, withProcesses('1'));
    // THEN those two fail, saying why, and the others synthesize
    expect(run.status).not.toBe(0);
    const log = run.stdout + run.stderr;
    expect(log).toMatch(/counted-a done/);
    expect(log).toMatch(/counted-d done/);
    expect(log).toMatch(
      /counted-b failed:\n.*exited before the following resource\nregistrations could complete:\n {2}\* "first" \[aws:s3\/bucket:Bucket\] was waiting for the value of its input property "bucket"/,
    );
    expect(log).toMatch(
      /counted-c failed:\nthe program ended before its outputs resolved: an output or promise it exports never settles/,
    );
  });
});

describe('--stack-timeout', () => {
  test('a program still running fails its stack, saying so; one that never yields has its process stopped', async () => {
    // GIVEN a project whose first stack's program keeps a timer and never resolves its output, whose
    // second never yields to the event loop, and a third that is fine
    const root = project({ a: 'hang', b: 'spin', c: 'small' });
    // WHEN synthesized with one process for the project and a second as the limit
    const run = await runCli(['synth', '--out', 'out', '--stack-timeout', '1'], root, withProcesses('1'));
    // THEN the two fail, each saying why, and the third synthesizes
    const log = run.stdout + run.stderr;
    expect(log).toMatch(
      /counted-a failed:\nthe program did not finish within 1 s \(--stack-timeout\): no registration is pending; an output or promise it exports has not settled/,
    );
    expect(log).toMatch(
      /counted-b failed:\nthe program did not finish within 1 s \(--stack-timeout\), nor answer in 5 s more: its process was stopped/,
    );
    expect(log).toMatch(/counted-c done/);
    expect(run.status).not.toBe(0);
  });

  test.each(['0', '-3', 'soon', '86401'])('%s is refused, saying what to give', async (value) => {
    const lines: string[] = [];
    expect(await main(['synth', '--stack-timeout', value], (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual([
      `aiready synth: --stack-timeout is "${value}": give the seconds a stack's program may run, a number above 0 and at most 86400 (default 300)`,
    ]);
  });
});
