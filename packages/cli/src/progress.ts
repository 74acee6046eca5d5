// Progress while synth runs: one line per finished target always; on a terminal also a status line
// with a spinner, the targets done and the time so far, redrawn in place. Plain lines when stderr is not
// a terminal (CI logs), so nothing there is overwritten or animated.

/** Where the status line is drawn: a terminal stream. */
export interface ProgressTerminal {
  write(s: string): unknown;
}

export interface Progress {
  /** A finished target's line, printed above the status line. */
  line(s: string): void;
  /** What runs now (`rendering charts`), shown in the status line. */
  phase(s: string): void;
  /** Redraws the status line (the timer calls it). */
  tick(): void;
  /** Clears the status line and stops the timer. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[2K';

/**
 * Starts progress reporting: `log` for the lines; with a `terminal`, a status line redrawn every
 * `intervalMs` until {@link Progress.stop}.
 */
export function startProgress(
  log: (s: string) => void,
  terminal?: ProgressTerminal,
  now: () => number = Date.now,
  intervalMs = 100,
): Progress {
  if (!terminal) return { line: log, phase: () => {}, tick: () => {}, stop: () => {} };
  const started = now();
  let frame = 0;
  let done = 0;
  let current = 'synthesizing';
  const draw = () =>
    terminal.write(
      `${CLEAR}${FRAMES[frame++ % FRAMES.length]} aiready synth: ${current}, ${done} target${done === 1 ? '' : 's'} done, ${((now() - started) / 1000).toFixed(1)} s`,
    );
  const timer = setInterval(draw, intervalMs);
  timer.unref();
  draw();
  return {
    line: (s) => {
      done++;
      terminal.write(CLEAR);
      log(s);
      draw();
    },
    phase: (s) => {
      current = s;
      draw();
    },
    tick: draw,
    stop: () => {
      clearInterval(timer);
      terminal.write(CLEAR);
    },
  };
}
