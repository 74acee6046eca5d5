import { startProgress } from '../src/progress';

describe('startProgress', () => {
  test('without a terminal, plain lines only (CI logs)', () => {
    // GIVEN no terminal; WHEN a target finishes and the phase changes
    const lines: string[] = [];
    const p = startProgress((s) => lines.push(s));
    p.phase('rendering charts');
    p.line('aiready synth: a done in 1.0 s (3 objects)');
    p.tick();
    p.stop();
    // THEN only the target's line
    expect(lines).toEqual(['aiready synth: a done in 1.0 s (3 objects)']);
  });

  test('on a terminal, a status line with spinner, phase, targets done and time, cleared before each line and at the end', () => {
    // GIVEN a terminal and a clock at 0 s, then 2.5 s
    const out: string[] = [];
    let t = 0;
    const p = startProgress(
      (s) => out.push(`LOG ${s}`),
      { write: (s) => out.push(s) },
      () => t,
      60_000,
    );
    t = 2500;
    // WHEN
    p.phase('rendering charts');
    p.line('aiready synth: a done');
    p.stop();
    // THEN
    expect(out[0]).toBe('\r\x1b[2K⠋ aiready synth: synthesizing, 0 targets done, 0.0 s');
    expect(out[1]).toBe('\r\x1b[2K⠙ aiready synth: rendering charts, 0 targets done, 2.5 s');
    expect(out.slice(2)).toEqual([
      '\r\x1b[2K',
      'LOG aiready synth: a done',
      '\r\x1b[2K⠹ aiready synth: rendering charts, 1 target done, 2.5 s',
      '\r\x1b[2K',
    ]);
  });
});
