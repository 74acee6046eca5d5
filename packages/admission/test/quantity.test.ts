import * as fc from 'fast-check';
import { formatBytes, parseQuantity } from '../src';

describe('quantities', () => {
  test.each<[unknown, number | undefined]>([
    ['250m', 0.25],
    ['1', 1],
    [8, 8],
    ['1Gi', 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
    ['32Gi', 32 * 2 ** 30],
    ['abc', undefined],
    [undefined, undefined],
  ])('parseQuantity(%p) = %p', (input, expected) => expect(parseQuantity(input)).toBe(expected));

  test('whole GiB round-trip through formatBytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1023 }), (n) => expect(parseQuantity(formatBytes(n * 2 ** 30))).toBe(n * 2 ** 30)),
    );
  });
});
