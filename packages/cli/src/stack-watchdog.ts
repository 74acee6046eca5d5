// The CLI's watch over a stack process whose program never yields to the event loop: such a process
// cannot fail its own stack at --stack-timeout (its timer never runs), and sends nothing either.

/** The clock and timers a watchdog runs on (Node's, or a test's). */
export interface WatchdogClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** Runs `run` after what the event loop already has to do (messages already in the pipe among it). */
  setImmediate(run: () => void): void;
}

/** Node's monotonic clock and timers. */
const NODE_CLOCK: WatchdogClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setImmediate: (run) => void setImmediate(run),
};

/** How late an alarm goes off when the CLI itself was busy, at most, for the process to be stopped then. */
export const LATE_ALARM_MS = 1_000;

/**
 * Calls `stop` once nothing was {@link StackWatchdog.heard heard} from a process for `allowanceMs`
 * (before the first message, for `firstAllowanceMs`: the process's start). When the time is up it
 * looks again after one turn of the event loop, so a message already waiting to be read counts. An
 * alarm that goes off more than {@link LATE_ALARM_MS} late (the CLI was busy, not reading: a large
 * message may be half read) gives the process that long again. Nothing happens after
 * {@link StackWatchdog.end end}.
 */
export class StackWatchdog {
  private deadline: number;
  private alarm = Infinity;
  private timer: unknown;
  private ended = false;

  constructor(
    private readonly allowanceMs: number,
    firstAllowanceMs: number,
    private readonly stop: () => void,
    private readonly clock: WatchdogClock = NODE_CLOCK,
  ) {
    this.deadline = clock.now() + firstAllowanceMs;
    this.arm();
  }

  /** Something came from the process: its time starts again. */
  heard(): void {
    if (this.ended) return;
    this.deadline = this.clock.now() + this.allowanceMs;
    // (A deadline sooner than the alarm, as after the first message, brings the alarm forward.)
    if (this.deadline < this.alarm) this.arm();
  }

  /** The process exited (or never started): nothing is left to stop. */
  end(): void {
    this.ended = true;
    this.clock.clearTimeout(this.timer);
  }

  private arm(): void {
    this.clock.clearTimeout(this.timer);
    this.alarm = this.deadline;
    this.timer = this.clock.setTimeout(() => {
      const late = this.clock.now() - this.alarm > LATE_ALARM_MS;
      this.clock.setImmediate(() => {
        if (this.ended) return;
        if (late) this.deadline = Math.max(this.deadline, this.clock.now() + LATE_ALARM_MS);
        if (this.deadline > this.clock.now()) return this.arm();
        this.ended = true;
        this.stop();
      });
    }, this.deadline - this.clock.now());
  }
}
