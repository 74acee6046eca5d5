import { balanceOrChain, checkPromql, inferLabels } from '../src';

/** A table of `n` constant series, one `or` operand each, as gpu-rules records one row per pool. */
const table = (n: number) =>
  Array.from({ length: n }, (_, i) => `label_replace(vector(${i}), "pool", "p${i}", "", "")`).join(' or ');

describe('checkPromql and inferLabels at scale', () => {
  test.each([10, 200, 1000])('a table of %d or-ed rows parses and its labels are known', (n) => {
    // GIVEN a chain of n `or` operands (lezer alone gives up past about 150)
    const expr = table(n);
    // WHEN checked
    const check = checkPromql(expr);
    const { labels, problems } = inferLabels(expr, () => undefined);
    // THEN no syntax error, and the rows' label
    expect(check.syntaxError).toBeUndefined();
    expect(problems).toEqual([]);
    expect([...(labels ?? [])]).toEqual(['pool']);
  });

  test('a real syntax error in a long chain is still reported, and inferLabels does not throw on it', () => {
    const expr = `${table(300)} or sum(`;
    expect(checkPromql(expr).syntaxError).toMatch(/^syntax error at offset \d+/);
    expect(() => inferLabels(expr, () => undefined)).not.toThrow();
  });
});

describe('balanceOrChain', () => {
  test.each<[string, string]>([
    ['64 operands or fewer', table(64)],
    ['an `or on (...)` in the chain', `${table(100)} or on (node) vector(1)`],
    ['an `or ignoring (...)` in the chain', `${table(100)} or ignoring (node) vector(1)`],
    ['a comment', `${table(100)} # rows`],
  ])('leaves the expression as it is with %s', (_, expr) => {
    expect(balanceOrChain(expr)).toBe(expr);
  });

  test('regroups a long chain into balanced parentheses, operands in order, nested `or` and strings untouched', () => {
    // GIVEN 100 operands, one with `or` inside parentheses and one with ' or ' inside a string
    const ops = Array.from({ length: 100 }, (_, i) => `m${i}`);
    ops[1] = '(a or b)';
    ops[2] = 'label_replace(m2, "x", " or ", "", "")';
    const expr = ops.join(' or ');
    // WHEN regrouped
    const out = balanceOrChain(expr);
    // THEN only parentheses were added, 7 deep at most (log2 of 100, rounded up), and it parses
    const depths = [...out].reduce<number[]>((d, c) => [...d, (d[d.length - 1] ?? 0) + (c === '(' ? 1 : c === ')' ? -1 : 0)], []);
    expect(out.replace(/[()]/g, '')).toBe(expr.replace(/[()]/g, ''));
    expect(Math.max(...depths)).toBe(8); // 7 levels of grouping, plus (a or b) inside one of them
    expect(out.split(' or ')).toHaveLength(102);
    expect(checkPromql(out).syntaxError).toBeUndefined();
  });
});
