import { PhaseTimings } from '../src/timings';

/** A clock that advances `step` ms at each reading. */
function clock(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

describe('PhaseTimings', () => {
  test('time() counts the wall time of a phase, adds repeated phases and returns what fn returns', () => {
    // GIVEN a clock that advances 250 ms between readings
    const timings = new PhaseTimings(clock(250));
    // WHEN a target's construct phase runs twice and its validate phase once
    expect(timings.time('a', 'construct', () => 42)).toBe(42);
    timings.time('a', 'construct', () => undefined);
    timings.time('a', 'validate', () => undefined);
    // THEN each phase holds its sum
    expect(timings.get('a', 'construct')).toBe(500);
    expect(timings.get('a', 'validate')).toBe(250);
    expect(timings.get('a', 'write')).toBeUndefined();
  });

  test('time() counts a phase that throws, and rethrows', () => {
    const timings = new PhaseTimings(clock(100));
    expect(() =>
      timings.time('a', 'admission', () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(timings.get('a', 'admission')).toBe(100);
  });

  test('lines(): one row per target in order, the phases timed in synth order, a sum row, then what each phase means', () => {
    // GIVEN two targets timed in different phases
    const timings = new PhaseTimings();
    timings.add('ai-platform-dev', 'construct', 1234);
    timings.add('ai-platform-dev', 'load', 500);
    timings.add('examples/x', 'construct', 66);
    timings.add('examples/x', 'write', 5);
    // WHEN printed
    const lines = timings.lines();
    // THEN columns are load, construct, write (phases never timed are left out) and '-' marks a phase a target skipped
    expect(lines.slice(0, 5)).toEqual([
      'timings (wall seconds per phase):',
      'target           load  construct  write',
      'ai-platform-dev  0.50       1.23      -',
      'examples/x          -       0.07   0.01',
      '(sum)            0.50       1.30   0.01',
    ]);
    expect(lines.slice(5).map((l) => l.split(':')[0])).toEqual(['  load', '  construct', '  write']);
  });
});
