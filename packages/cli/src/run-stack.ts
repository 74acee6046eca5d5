// Child-process entry: runs the stack configs of one Pulumi project under mocks, one after the other, and
// writes what each would create. The process loads Node, Pulumi and the libraries once; each stack runs
// on a fresh Pulumi run state (config, options, mocks, stack resource: resetPulumiStore) and loads the
// program's own modules afresh (any module outside node_modules that the process had not loaded before
// the first program), so no module-level value of one stack's run is seen by the next. A stack that
// fails ends the process: the CLI runs the stacks after it again in a new one. So does a run after
// which sharing the process is not safe (stack-sharing.ts: a package aiready does not know, something
// the program left running), with the exit status RUN_ELSEWHERE.
// Usage: node run-stack.js <stackDir> <stack> <resultFile> [<stack> <resultFile>]... [--timeout=<seconds>]
//        [--record-inputs]
// With an IPC channel (fork), each recorded resource is sent as its registration completes
// (recorded-stream.ts), and `{ done: <stack> }` as each stack's result file is written.
// First: the process set up before @pulumi/pulumi loads.
import { inputTrace } from './stack-process-setup';
import { AireadyValidationError } from '@aiready/core';
import * as pulumi from '@pulumi/pulumi';
import * as fs from 'fs';
import * as path from 'path';
import {
  deferKubernetesGlob,
  deferPulumiClosureDeps,
  lazyPulumiOutputs,
  pendingRegistrations,
  plainPulumiPromises,
  plainPulumiStructs,
  resetPulumiStore,
  skipPulumiSourcePositions,
} from './pulumi-runtime-tuning';
import { installRecordingMocks } from './mocks';
import type { RecordedResource } from './recorded-resource';
import { projectName, readStackConfig } from './pulumi-project';
import type { InputRecord } from './input-trace';
import {
  aireadyPackage,
  CachedModule,
  leftRunning,
  packageLookup,
  PackageInfo,
  RUN_ELSEWHERE,
  sharedStateProblem,
  urnStack,
} from './stack-sharing';
import { RecordedSender } from './recorded-stream';
import { trackUnrefHandles } from './unref-handles';

/** What a stack run reports back to the CLI. */
export interface StackRunResult {
  readonly project: string;
  readonly stack: string;
  readonly recorded?: readonly RecordedResource[];
  /** Plain (non-secret) stack outputs. */
  readonly outputs?: Record<string, unknown>;
  /** Config keys whose encrypted value offline synth replaced by a placeholder. */
  readonly secrets?: readonly string[];
  readonly error?: string;
  /** Milliseconds from requiring the program to its outputs resolved, for `--timings`. */
  readonly constructMs?: number;
  /** What the process loaded and read (`--record-inputs`), for incremental synth. */
  readonly inputs?: InputRecord;
}

function resolveOutput(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value))
    return new Promise((resolve) => (value as pulumi.Output<unknown>).apply((v) => resolve(v)));
  return Promise.resolve(value);
}

/**
 * Whether a module file is the stack program's own: inside `programDir` but not its node_modules (a
 * program installed as a package), or outside any node_modules folder, unless it is of one of aiready's
 * packages (`packageOf`) other than the program's: a workspace links them from outside node_modules,
 * and they stay loaded across stacks as they do from node_modules (stack-sharing.ts).
 */
export function programModule(
  programDir: string,
  packageOf: (file: string) => PackageInfo | undefined = packageLookup(),
): (file: string) => boolean {
  // The program's package: its entry's, where that really is (a stack folder may link its lib/ from elsewhere).
  const programPackage = packageOf(realFile(path.join(programDir, 'lib', 'index.js')))?.name;
  return (f) => {
    const rel = path.relative(programDir, f);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return !rel.split(path.sep).includes('node_modules');
    if (f.split(path.sep).includes('node_modules')) return false;
    const p = packageOf(f);
    return !aireadyPackage(p) || p!.name === programPackage;
  };
}

/** The real path of `file`, or `file` if it does not exist. */
function realFile(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Removes from the module cache every module loaded since `baseline` was taken that is the stack
 * program's own ({@link programModule}): the next stack loads them afresh.
 */
export function forgetProgramModules(
  baseline: ReadonlySet<string>,
  programDir: string,
  cache: Record<string, unknown> = require.cache,
  packageOf?: (file: string) => PackageInfo | undefined,
): string[] {
  const own = programModule(programDir, packageOf);
  const forgotten = Object.keys(cache).filter((f) => !baseline.has(f) && own(f));
  for (const f of forgotten) delete cache[f];
  return forgotten;
}

function tunePulumi(stackDir: string): void {
  // The program's own @pulumi/pulumi, if it is another copy than the CLI's.
  deferPulumiClosureDeps(stackDir);
  deferKubernetesGlob(stackDir);
  for (const from of [__dirname, stackDir]) {
    plainPulumiPromises(from);
    lazyPulumiOutputs(from);
    skipPulumiSourcePositions(from);
    plainPulumiStructs(from);
  }
}

/**
 * Runs one stack; undefined if a resource it registered names a resource of one of `earlier` (stacks
 * run before in this process): something kept across runs leaked into this one.
 */
async function run(
  stackDir: string,
  stack: string,
  earlier: ReadonlySet<string>,
  sender?: RecordedSender,
): Promise<StackRunResult | undefined> {
  const project = projectName(stackDir);
  const { values: config, secrets } = readStackConfig(path.join(stackDir, `Pulumi.${stack}.yaml`));
  pulumi.runtime.setAllConfig(config, [...secrets]);
  let leaked = false;
  const recorded = await installRecordingMocks(
    project,
    stack,
    config['aws:region'] ?? 'us-east-1',
    (urn) => {
      if (earlier.has(urnStack(urn))) leaked = true;
    },
    sender?.record,
  );
  const start = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.resolve(stackDir, 'lib', 'index.js')) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const key of Object.keys(program).sort()) {
    if (key === 'kubeconfig') continue; // a secret: never written out
    outputs[key] = await resolveOutput(program[key]);
  }
  await pulumi.runtime.disconnect();
  if (leaked) return undefined;
  return { project, stack, recorded, outputs, secrets, constructMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Active resources that are writes in flight (to the CLI, to stderr), not something a program left running. */
const WRITE_REQUESTS = new Set(['SimpleWriteWrap', 'WriteWrap', 'ShutdownWrap']);

/** Writes a stack's result file whole or not at all (the CLI may stop the process at any moment). */
function writeResult(file: string, result: object): void {
  fs.writeFileSync(`${file}.partial`, JSON.stringify(result));
  fs.renameSync(`${file}.partial`, file);
}

function message(err: unknown): string {
  try {
    if (err instanceof AireadyValidationError) return err.message;
    if (err instanceof Error) return err.stack ?? err.message;
    return String(err);
  } catch {
    return 'the program threw a value that cannot be shown as text';
  }
}

if (require.main === module) {
  const args = process.argv.slice(2).filter((a) => a !== '--record-inputs' && !a.startsWith('--timeout='));
  const timeoutSeconds = Number(process.argv.find((a) => a.startsWith('--timeout='))?.slice('--timeout='.length) ?? 0);
  const [stackDir, ...pairs] = args;
  const runs = Array.from({ length: pairs.length / 2 }, (_, i) => ({ stack: pairs[2 * i], resultFile: pairs[2 * i + 1] }));
  /** The stack running; undefined once its result is written, until the next one starts. */
  let current: (typeof runs)[number] | undefined = runs[0];
  // Each stack's resources go to the CLI as they are recorded (recorded-stream.ts): the process ends
  // once they are handed over, so that the results written so far are whole.
  const senders: RecordedSender[] = [];
  const handedOver = (limitMs?: number) =>
    new Promise<void>((resolve) => {
      const timer = limitMs === undefined ? undefined : setTimeout(resolve, limitMs);
      void Promise.all(senders.map((x) => x.flushed())).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  /** The running stack's result: it failed with `error`. */
  const failed = (error: string) => {
    if (current) writeResult(current.resultFile, { project: path.basename(stackDir), stack: current.stack, error });
  };
  let failing = false;
  /** Ends the process with status 2 once the stacks done so far are handed over (within a limit: the CLI may be gone). */
  const end = () => void handedOver(10_000).then(() => process.exit(2));
  const fail = (err: unknown) => {
    if (failing) return;
    // An error while no stack runs (a program's, after its result was written) changes no result.
    if (!current) return void process.stderr.write(`an error after a stack's result was written: ${message(err)}\n`);
    failing = true;
    try {
      failed(message(err));
    } finally {
      current = undefined;
      end();
    }
  };
  process.on('unhandledRejection', fail);
  process.on('uncaughtException', fail);
  // A program whose outputs never resolve (a promise or output that never settles, a cycle between
  // resources) leaves nothing to run: Node exits with status 0 while the stack still runs.
  let running = true;
  process.on('exit', (code) => {
    if (!running || code !== 0) return;
    failed(
      pendingRegistrations(stackDir) ??
        'the program ended before its outputs resolved: an output or promise it exports never settles',
    );
    process.exitCode = 2;
  });
  // What every stack's program saw loaded: modules forgotten between stacks stay its inputs.
  const loaded = new Set<string>();
  const main = async () => {
    tunePulumi(stackDir);
    const baseline = new Set(Object.keys(require.cache));
    const idle = process.getActiveResourcesInfo();
    const unrefHandles = trackUnrefHandles();
    /**
     * What the programs left running beyond what ran before the first. Not the messages to the CLI still
     * on their way: their writes, and the channel they keep active.
     */
    const leftSomething = () => {
      const active = process.getActiveResourcesInfo().filter((kind) => !WRITE_REQUESTS.has(kind));
      const channel = senders.some((x) => x.sending) ? active.indexOf('PipeWrap') : -1;
      if (channel >= 0) active.splice(channel, 1);
      return leftRunning(idle, [...active, ...unrefHandles.pending()]) !== undefined;
    };
    const programDir = fs.realpathSync(stackDir);
    const packageOf = packageLookup();
    const own = programModule(programDir, packageOf);
    // (The stack that was running runs again elsewhere: it has no result here, nor an error.)
    const exit = async (code: number) => {
      current = undefined;
      await handedOver();
      process.exit(code);
    };
    for (const [i, r] of runs.entries()) {
      current = r;
      if (i > 0) {
        for (const f of forgetProgramModules(baseline, programDir, require.cache, packageOf)) loaded.add(f);
        resetPulumiStore(stackDir);
      }
      const send = process.send?.bind(process);
      const sender = send && new RecordedSender(r.stack, (m, done) => send(m, undefined, undefined, done));
      if (sender) senders.push(sender);
      // The CLI's clock for this stack (--stack-timeout) starts as this process's does. The first stack's
      // message is written before its program runs (one that never yields would keep it from being
      // written); a later stack's is not waited for (the CLI may still be reading the stack before's):
      // the CLI heard from this process when that one ended.
      const started = send && new Promise((resolve) => send({ started: r.stack }, undefined, undefined, resolve));
      if (i === 0) await started;
      // A program that runs too long fails with what Pulumi still waits for (unref'd: it keeps nothing alive).
      const timeout =
        timeoutSeconds > 0
          ? setTimeout(
              () =>
                fail(
                  `the program did not finish within ${timeoutSeconds} s (--stack-timeout): ${
                    pendingRegistrations(stackDir) ??
                    'no registration is pending; an output or promise it exports has not settled'
                  }`,
                ),
              timeoutSeconds * 1000,
            ).unref()
          : undefined;
      const result = await run(stackDir, r.stack, new Set(runs.slice(0, i).map((x) => x.stack)), sender);
      clearTimeout(timeout);
      // A rejection its program left unhandled is told once the promises settled, after a turn of the
      // event loop: it fails the stack, as under `pulumi up` (where it ends the program).
      await new Promise((resolve) => setImmediate(resolve));
      if (failing) return;
      // This stack and the ones after it run again in a new process.
      if (!result) return exit(RUN_ELSEWHERE);
      for (const f of Object.keys(require.cache)) loaded.add(f);
      const trace = inputTrace?.current();
      const inputs = trace && { files: [...new Set([...loaded, ...trace.reads])].sort(), env: trace.env };
      const written = sender && result.recorded ? { ...result, recorded: sender.rest(result.recorded) } : result;
      writeResult(r.resultFile, inputs ? { ...written, inputs } : written);
      current = undefined;
      sender?.done();
      if (i === runs.length - 1) break;
      const modules = Object.values(require.cache) as CachedModule[];
      if (leftSomething() || sharedStateProblem(modules, (f) => !baseline.has(f) && own(f), packageOf))
        return exit(RUN_ELSEWHERE);
    }
    await handedOver();
  };
  // Once a stack failed, the process ends as `fail` ends it.
  main().then(
    () => {
      if (failing) return;
      running = false;
      process.exit(0);
    },
    (err: unknown) => {
      if (failing) return;
      if (current) return fail(err);
      failing = true;
      process.stderr.write(`${message(err)}\n`);
      end();
    },
  );
}
