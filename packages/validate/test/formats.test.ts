import { formatProblem } from '../src';

describe('formatProblem', () => {
  it.each([
    ['quantity', '500m'],
    ['quantity', '2Gi'],
    ['quantity', '1.5'],
    ['quantity', 4],
    ['quantity', '1e3'],
    ['byte', 'aGVsbG8='],
    ['date-time', '2026-12-01T10:00:00Z'],
    ['int32', 2147483647],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000'],
    ['ipv4', '10.0.0.1'],
    ['hostname', 'not checked by the API server'],
  ])('accepts %s %j', (format, value) => {
    expect(formatProblem(format, value)).toBeUndefined();
  });

  it.each([
    ['quantity', '2 Gi', /quantity/],
    ['quantity', '2GB', /quantity/],
    ['quantity', true, /quantity/],
    ['byte', 'not base64!', /base64/],
    ['date-time', '2026-12-01', /RFC 3339/],
    ['int32', 2147483648, /32-bit/],
    ['uuid', 'nope', /UUID/],
    ['ipv4', '10.0.0.256', /IPv4/],
  ])('rejects %s %j', (format, value, why) => {
    expect(formatProblem(format, value)).toMatch(why);
  });
});
