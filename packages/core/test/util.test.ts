import * as fc from 'fast-check';
import {
  AireadyValidationError,
  editDistance,
  isDnsLabel,
  isLabelKey,
  isLabelValue,
  nearest,
  ProblemCollector,
  tolerationsFor,
} from '../src';

describe('suggestions', () => {
  test('edit distance', () => {
    expect(editDistance('p5.48xlarge', 'p5.48xlarge')).toBe(0);
    expect(editDistance('p5.49xlarge', 'p5.48xlarge')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test('edit distance is symmetric and bounded by the longer string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  test('nearest suggests the closest names first', () => {
    expect(nearest('g6e.xlarg', ['g6e.xlarge', 'g5.xlarge', 'p5.48xlarge'], 2)).toEqual(['g6e.xlarge', 'g5.xlarge']);
  });
});

describe('Kubernetes names', () => {
  test.each([
    ['gpu-pool', true],
    ['GPU', false],
    ['-a', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('isDnsLabel(%s) = %s', (v, ok) => expect(isDnsLabel(v)).toBe(ok));

  test.each([
    ['app', true],
    ['example.com/tier', true],
    ['Example.com/tier', false],
    ['example.com/', false],
    ['a/b/c', false],
  ])('isLabelKey(%s) = %s', (v, ok) => expect(isLabelKey(v)).toBe(ok));

  test.each([
    ['', true],
    ['true', true],
    ['v1.2_3', true],
    ['-x', false],
    ['has space', false],
  ])('isLabelValue(%s) = %s', (v, ok) => expect(isLabelValue(v)).toBe(ok));
});

describe('tolerations', () => {
  test('tolerate by key and effect, whatever the value, without duplicates', () => {
    expect(
      tolerationsFor([
        { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
        { key: 'a.io/b', effect: 'NoExecute' },
      ]),
    ).toEqual([
      { key: 'a.io/b', operator: 'Exists', effect: 'NoExecute' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });
});

describe('AireadyValidationError', () => {
  test('lists every problem with path, value and fix', () => {
    const c = new ProblemCollector('scope');
    c.add({ path: 'a', value: 1, problem: 'bad', fix: 'use 2' });
    c.check(false, { path: 'b', value: 'x', problem: 'worse', fix: 'use y' });
    c.check(true, { path: 'c', value: 0, problem: 'never', fix: 'never' });
    expect(() => c.throwIfAny()).toThrow(AireadyValidationError);
    expect(() => c.throwIfAny()).toThrow('scope: 2 problems\n  - a = 1: bad. Fix: use 2\n  - b = "x": worse. Fix: use y');
  });

  test('does nothing without problems', () => {
    expect(() => new ProblemCollector('s').throwIfAny()).not.toThrow();
  });
});
