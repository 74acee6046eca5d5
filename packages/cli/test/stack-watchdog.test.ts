import { LATE_ALARM_MS, StackWatchdog, WatchdogClock } from '../src/stack-watchdog';

/** A clock the test moves by hand: timers run as their time comes, immediates after each step. */
class FakeClock implements WatchdogClock {
  private time = 0;
  private timers: { at: number; run: () => void }[] = [];
  private immediates: (() => void)[] = [];

  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    const timer = { at: this.time + Math.max(ms, 1), run };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (timer: unknown) => {
    this.timers = this.timers.filter((t) => t !== timer);
  };
  setImmediate = (run: () => void) => void this.immediates.push(run);

  /** Timers still set. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms` without running anything: the process was busy. */
  block(ms: number): void {
    this.time += ms;
  }

  /** Moves time on by `ms`, running each timer due (late, if blocked) and, after it, the immediates it queued. */
  advance(ms: number, beforeImmediates: () => void = () => undefined): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      this.clearTimeout(due);
      due.run();
      beforeImmediates();
      for (const run of this.immediates.splice(0)) run();
    }
    this.time = end;
  }
}

function watched(allowance = 1_000, first = 5_000) {
  const clock = new FakeClock();
  let stops = 0;
  const watchdog = new StackWatchdog(allowance, first, () => stops++, clock);
  /** The process is not stopped `ms` - 1 from now, and is at `ms`. */
  const stoppedAfter = (ms: number) => {
    clock.advance(ms - 1);
    expect(stops).toBe(0);
    clock.advance(1);
    expect(stops).toBe(1);
  };
  return { clock, watchdog, stops: () => stops, stoppedAfter };
}

describe('StackWatchdog', () => {
  test('a process that says nothing is stopped once its first allowance is up, and only once', () => {
    // GIVEN a watchdog with 5 s before the first message
    const { clock, watchdog, stops } = watched();
    // WHEN almost that passes THEN nothing is stopped
    clock.advance(4_999);
    expect(stops()).toBe(0);
    // AND WHEN it has passed THEN the process is stopped, once, and no timer is left
    clock.advance(1);
    expect(stops()).toBe(1);
    clock.advance(60_000);
    expect(stops()).toBe(1);
    expect(clock.pending).toBe(0);
    // AND a message that comes after it was stopped sets nothing again
    watchdog.heard();
    clock.advance(60_000);
    expect(stops()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  test('the first message brings the alarm forward to the allowance; every message starts it again', () => {
    // GIVEN a process that sends its first message after 100 ms
    const { clock, watchdog, stops, stoppedAfter } = watched();
    clock.advance(100);
    watchdog.heard();
    // THEN it is stopped 1 s after that message, not 5 s after its start
    clock.advance(999);
    expect(stops()).toBe(0);
    // AND a message just before that moves the deadline 1 s on from it
    watchdog.heard();
    stoppedAfter(1_000);
    expect(clock.now()).toBe(2_099);
  });

  test('a message read in the turn of the event loop after the alarm keeps the process', () => {
    // GIVEN a process whose message is already in the pipe when the alarm goes off
    const { clock, watchdog, stops, stoppedAfter } = watched();
    clock.advance(5_000, () => watchdog.heard());
    // THEN it is not stopped then, but 1 s after that message
    expect(stops()).toBe(0);
    stoppedAfter(1_000);
  });

  test('an alarm that goes off late, the CLI busy itself, gives the process another second to be heard', () => {
    // GIVEN a CLI busy for 3 s past the alarm
    const { clock, watchdog, stops } = watched();
    clock.block(8_000);
    // WHEN the alarm goes off THEN the process is not stopped then
    clock.advance(0);
    expect(stops()).toBe(0);
    // AND a message read within the second after keeps it (a large one is read over several turns)
    clock.advance(LATE_ALARM_MS - 1);
    watchdog.heard();
    clock.advance(999);
    expect(stops()).toBe(0);
    // AND once the CLI is free and the process says nothing for its allowance, it is stopped on time
    clock.advance(1);
    expect(stops()).toBe(1);
  });

  test('a late alarm with nothing heard in the second after stops the process then', () => {
    // GIVEN a CLI busy for 3 s past the alarm WHEN nothing comes in the second after THEN it is stopped then
    const { clock, stoppedAfter } = watched();
    clock.block(8_000);
    stoppedAfter(LATE_ALARM_MS);
  });

  test('a message read in the same turn as a late alarm gives the process its whole allowance', () => {
    // GIVEN an allowance of 10 s, and a CLI busy past the alarm
    const { clock, watchdog, stoppedAfter } = watched(10_000, 5_000);
    clock.block(8_000);
    // WHEN a message is read in the turn the alarm goes off
    clock.advance(0, () => watchdog.heard());
    // THEN the process has 10 s from it, not a second
    stoppedAfter(10_000);
  });

  test('an alarm late by less than a second stops the process at once', () => {
    // GIVEN a CLI busy for half a second past the alarm WHEN the alarm goes off THEN the process is stopped
    const { clock, stops } = watched();
    clock.block(5_000 + LATE_ALARM_MS / 2);
    clock.advance(0);
    expect(stops()).toBe(1);
  });

  test('nothing is stopped, and no timer is set again, once the process ended', () => {
    // GIVEN a process that exits between the alarm and the look after it
    const { clock, watchdog, stops } = watched();
    clock.advance(5_000, () => watchdog.end());
    // THEN it is not stopped
    expect(stops()).toBe(0);
    // AND a message that comes after its exit sets no timer
    watchdog.heard();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(stops()).toBe(0);
  });

  test('a process that ended after its first message leaves no timer', () => {
    // GIVEN a process whose first message brought its alarm forward WHEN it exits THEN no timer is left
    const { clock, watchdog, stops } = watched();
    watchdog.heard();
    watchdog.end();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(stops()).toBe(0);
  });

  test('a process that ended before its alarm leaves no timer, even if a message of it comes after', () => {
    // GIVEN a process that exits before its first message is read
    const { clock, watchdog, stops } = watched();
    watchdog.end();
    expect(clock.pending).toBe(0);
    // WHEN the message comes (Node.js may hand it over after the exit) THEN no timer is set
    watchdog.heard();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(stops()).toBe(0);
  });
});
