// Stack configs run under Pulumi mocks in child processes (run-stack.js). The stacks of one Pulumi
// project share a process, so Node, @pulumi/* and the program's libraries load once for all of them; a
// project with more stacks than the machine has cores left (one is the CLI's) is split across that many.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StackTarget } from './pulumi-project';
import type { RecordedResource } from './recorded-resource';
import { isRecordedMessage, RecordedMessage, RecordedReceiver } from './recorded-stream';
import type { StackRunResult } from './run-stack';
import { RUN_ELSEWHERE } from './stack-sharing';
import { StackWatchdog } from './stack-watchdog';

/** A stack's result, and how long the CLI waited for it from its process's start or the stack before. */
export interface StackRun {
  readonly result: StackRunResult;
  readonly waitedMs: number;
}

/**
 * The stacks each process runs, in order: one project's stacks per process, spread round-robin over at
 * most `slots` processes per project.
 */
export function groupStacks<T extends Pick<StackTarget, 'dir'>>(stacks: readonly T[], slots: number): T[][] {
  const byDir = new Map<string, T[]>();
  for (const s of stacks) {
    const group = byDir.get(s.dir);
    if (group) group.push(s);
    else byDir.set(s.dir, [s]);
  }
  return [...byDir.values()].flatMap((group) => {
    const n = Math.max(1, Math.min(slots, group.length));
    return Array.from({ length: n }, (_, i) => group.filter((_, j) => j % n === i));
  });
}

/** Processes for one project's stacks beside the CLI's: one per core left, at least one. */
export function stackSlots(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * `AIREADY_STACK_PROCESSES` (at most this many processes per project) from `env`: undefined when
 * unset, else a whole number of 1 or more, or what is wrong with it.
 */
export function stackProcessesFromEnv(env: NodeJS.ProcessEnv): number | string | undefined {
  const value = env.AIREADY_STACK_PROCESSES;
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1) return n;
  return `AIREADY_STACK_PROCESSES is "${value}": give a whole number of 1 or more (the most processes that run the stacks of one Pulumi project), or unset it for one per core but one`;
}

/** The processes running stacks: each stack's run, as it finishes, and the processes' end. */
export interface StackRuns {
  /** One per stack, in the order given; each settles as soon as its stack's result is written. */
  readonly runs: readonly Promise<StackRun>[];
  /** Settles once every process (and every process started again after a failure) has exited. */
  readonly exited: Promise<void>;
}

/**
 * V8 flags of a stack process: the young generation's semi-spaces at 16 MB from the start, and never
 * more. At most 16 MB is Node.js 20's default: Node.js 24's larger default made a stack of 1,000 pools
 * and 500 teams peak at 474 MiB instead of 393 MiB, and run 0.3 s slower (its run promotes most of what
 * it allocates). At least 16 MB: Node.js 20 starts them at 1 MB and grows them as it goes, and that
 * stack then ran 0.3 s slower and peaked 65 MiB higher. The reference stacks run the same either way.
 */
export const STACK_PROCESS_FLAGS = ['--max-semi-space-size=16', '--min-semi-space-size=16'];

/** The seconds a stack's program may run (`--stack-timeout`) when not given. */
export const DEFAULT_STACK_TIMEOUT_SECONDS = 300;

/** What is wrong with `value` as `--stack-timeout`, or undefined: seconds above 0, at most a day. */
export function stackTimeoutProblem(value: string): string | undefined {
  const n = Number(value);
  if (n > 0 && n <= 86_400) return undefined;
  return `--stack-timeout is "${value}": give the seconds a stack's program may run, a number above 0 and at most 86400 (default ${DEFAULT_STACK_TIMEOUT_SECONDS})`;
}

/** How long past its limit a stack process that does not answer runs before it is stopped. */
const STOP_SLACK_MS = 5_000;

/** How stacks run. */
export interface StackRunOptions {
  /** Each stack process records what it loaded and read (incremental synth). */
  readonly recordInputs?: boolean;
  /** At most this many processes per project. @default - stackSlots() */
  readonly slots?: number;
  /**
   * The seconds a stack's program may run before it fails with what Pulumi still waited for; its
   * process is stopped if it does not answer (a program that never yields) 5 s after that.
   * @default DEFAULT_STACK_TIMEOUT_SECONDS
   */
  readonly timeoutSeconds?: number;
  /** Given each resource a process sends as it records it, while its stack runs (its result has them all). */
  readonly onResource?: (resource: RecordedResource) => void;
}

/** Starts the processes that run `stacks`. */
export function runStacks(stacks: readonly StackTarget[], options: StackRunOptions = {}): StackRuns {
  const settings: Settings = {
    recordInputs: options.recordInputs ?? false,
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_STACK_TIMEOUT_SECONDS,
    onResource: options.onResource ?? (() => undefined),
  };
  const runs = new Map<StackTarget, Promise<StackRun>>();
  const exits: Promise<void>[] = [];
  for (const group of groupStacks(stacks, options.slots ?? stackSlots())) {
    const started = runStackProcess(group, settings);
    group.forEach((s, i) => runs.set(s, started.runs[i]));
    exits.push(started.exited);
  }
  return { runs: stacks.map((s) => runs.get(s)!), exited: Promise.all(exits).then(() => undefined) };
}

type Settings = Required<Omit<StackRunOptions, 'slots'>>;

/**
 * One process for `group` (stacks of one project). A stack that fails ends the process: the stacks
 * after it run again in a new one, so each stack's error is its own.
 */
function runStackProcess(group: readonly StackTarget[], settings: Settings): StackRuns {
  const { recordInputs, timeoutSeconds, onResource } = settings;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-'));
  const files = group.map((_, i) => path.join(tmp, `${i}.json`));
  const settle = group.map(() => {
    let resolve!: (run: StackRun) => void;
    const promise = new Promise<StackRun>((r) => (resolve = r));
    return { promise, resolve, settled: false };
  });
  let last = Date.now();
  const finish = (i: number, result: StackRunResult) => {
    const now = Date.now();
    settle[i].settled = true;
    settle[i].resolve({ result, waitedMs: now - last });
    last = now;
  };
  // The resources the process sends as it records them; its result files hold the others. A result
  // whose resources did not all come is not written yet: its stack runs again, as one without a result.
  const received = new RecordedReceiver();
  const read = (i: number): StackRunResult | undefined => {
    let result: StackRunResult;
    try {
      result = JSON.parse(fs.readFileSync(files[i], 'utf8')) as StackRunResult;
    } catch {
      return undefined;
    }
    return received.complete(result);
  };
  const child = fork(
    path.join(__dirname, 'run-stack.js'),
    [
      group[0].dir,
      ...group.flatMap((s, i) => [s.stack, files[i]]),
      `--timeout=${timeoutSeconds}`,
      ...(recordInputs ? ['--record-inputs'] : []),
    ],
    { execArgv: STACK_PROCESS_FLAGS, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  // The process fails a stack that runs too long itself. One that does not (its program never yields
  // to the event loop, so it sends nothing either) is stopped once nothing came from it for the limit
  // and STOP_SLACK_MS more: the clock starts again with every message (a stack's start among them),
  // and messages already in the pipe are read before it is stopped. Before its first message (Node.js
  // and Pulumi loading) it has a minute more.
  let stopped = false;
  /** The stack the process said it started last. */
  let lastStarted = -1;
  const allowance = timeoutSeconds * 1000 + STOP_SLACK_MS;
  const watchdog = new StackWatchdog(allowance, 60_000 + allowance, () => {
    stopped = true;
    child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 1 << 20) stderr += d;
  });
  // A process that could not start: 'close' follows, and the first stack fails with this.
  child.on('error', (err) => (stderr += `${err.message}\n`));
  // Once it exited (or could not start), nothing is left to stop.
  const ending = () => watchdog.end();
  child.on('error', ending);
  child.on('exit', ending);
  child.on('message', (m: { done?: string; started?: string } | RecordedMessage) => {
    watchdog.heard();
    if (isRecordedMessage(m)) {
      received.receive(m);
      // Work done ahead for the result; a resource it cannot take is the result's to report.
      try {
        onResource(m.resource);
      } catch {
        // (the same work is done again with the result)
      }
      return;
    }
    if (m.started !== undefined) lastStarted = group.findIndex((s) => s.stack === m.started);
    const i = group.findIndex((s, j) => s.stack === m.done && !settle[j].settled);
    const result = i >= 0 ? read(i) : undefined;
    if (result) finish(i, result);
  });
  let exited!: () => void;
  const exit = new Promise<void>((r) => (exited = r));
  child.on('close', (code, signal) => {
    ending();
    const rest = group.map((_, i) => i).filter((i) => !settle[i].settled);
    let again: number[];
    // A process asks for the rest to run elsewhere only once a stack of it finished (only then can one
    // leak into the next); a program's own exit code 75 before that is its failure, not a request.
    const finishedHere = rest.length < group.length || rest.some((i) => read(i) !== undefined);
    if (code === RUN_ELSEWHERE && finishedHere) {
      // The stacks whose results were written are done; the others run in a new process.
      for (const i of rest) {
        const result = read(i);
        if (result) finish(i, result);
      }
      again = rest.filter((i) => !settle[i].settled);
    } else {
      // A result written without its message (the stack failed); else, for a process stopped, the stack it
      // said it started; else the first stack without a result file was running (one whose file lacks
      // streamed resources finished: it runs again).
      const failed =
        rest.find((i) => read(i) !== undefined) ??
        (stopped && rest.includes(lastStarted) ? lastStarted : undefined) ??
        rest.find((i) => !fs.existsSync(files[i])) ??
        rest[0];
      if (failed !== undefined) {
        const s = group[failed];
        finish(
          failed,
          read(failed) ?? {
            project: s.project,
            stack: s.stack,
            error: stopped
              ? `the program did not finish within ${timeoutSeconds} s (--stack-timeout), nor answer in ${STOP_SLACK_MS / 1000} s more: its process was stopped (does the program loop without ever awaiting?)\n${stderr}`
              : `stack run failed (${signal ?? `exit code ${code}`})\n${stderr}`,
          },
        );
      }
      again = rest.filter((i) => i !== failed);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!again.length) return exited();
    const retried = runStackProcess(
      again.map((i) => group[i]),
      settings,
    );
    again.forEach((i, k) => void retried.runs[k].then((run) => settle[i].resolve(run)));
    void retried.exited.then(exited);
  });
  return { runs: settle.map((s) => s.promise), exited: exit };
}
