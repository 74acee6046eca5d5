import { parser } from '@prometheus-io/lezer-promql';
import * as fc from 'fast-check';
import { balanceOrChain, checkPromql, inferLabels, operandShape, orChainOperands, orChainShapes } from '../src';
import { parsePromql } from '../src/monitoring/promql-parse';

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

describe('operandShape', () => {
  test.each<[string, string, string]>([
    ['label matcher values are emptied', 'x{a="b", c!="d", e=~"f.*", g!~\'h\'}', 'x{a="", c!="", e=~"", g!~""}'],
    ['escaped quotes and raw strings are emptied', 'x{a="b\\"c", d=`e"f`}', 'x{a="", d=""}'],
    [
      "a label_replace's replacement and regex are emptied, its labels kept",
      'label_replace(x{p="a"}, "dst", "$1", "src", "(.*)")',
      'label_replace(x{p=""}, "dst", "", "src", "")',
    ],
    ['other strings stay', 'count_values("value", x) or absent(y{a="b"})', 'count_values("value", x) or absent(y{a=""})'],
    ['an unterminated string leaves the operand as it is', "x{a='b} or y{c=`d\n`}", "x{a='b} or y{c=`d\n`}"],
    ['a comment leaves the operand as it is', 'x{a="b"} # note', 'x{a="b"} # note'],
    [
      'a matcher operator inside a string is not one',
      'label_replace(x, "a=", "b", "", "")',
      'label_replace(x, "a=", "", "", "")',
    ],
  ])('%s', (_, operand, shape) => {
    // GIVEN an operand WHEN shaped THEN only the strings no check reads are emptied
    expect(operandShape(operand)).toBe(shape);
  });

  test('an operand whose shape parses parses too (a shape that does not sends the check to the operand)', () => {
    // GIVEN operands made of PromQL fragments, broken strings and stray quotes included
    const piece = fc.constantFrom(
      'x',
      '{',
      '}',
      '(',
      ')',
      ',',
      ' ',
      '=',
      '!=',
      '=~',
      '"v"',
      "'v'",
      '`v`',
      '"',
      "'",
      '`',
      '\\',
      '\n',
      'a="b"',
      'label_replace(',
      'sum by (a) ',
      ' or ',
      ' * on (a) ',
      '1',
      '"a\\"b"',
      '"p", "r", "s", "e"',
      '#',
      ' # c\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const operand = pieces.join('');
        // WHEN its shape parses THEN so does the operand
        if (!parsePromql(operandShape(operand)).syntaxError) expect(parsePromql(operand).syntaxError).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('long `or` chains, checked by operand shape', () => {
  const labels = (metric: string) =>
    metric === 'up'
      ? new Set(['__name__', 'job', 'node'])
      : metric === 'info'
        ? new Set(['__name__', 'node', 'pool'])
        : undefined;
  const rows: Record<string, (i: number) => string> = {
    selector: (i) => `max by (node, pool) (up{job="j${i}"} * on (node) group_left (pool) info{pool="p${i}"}) < ${i % 3}`,
    table: (i) => `label_replace(vector(1), "pool", "p${i}", "", "")`,
    unknownLabel: (i) => `sum by (zone) (up{job="j${i}"})`,
    unknownMetric: (i) => `nope{a="${i}"}`,
    scalar: () => '1',
    brokenString: (i) => `up{job="j${i}}`,
  };
  /** A chain of `n` operands: the rows named, in turn. */
  const chain = (n: number, ...kinds: string[]) =>
    Array.from({ length: n }, (_, i) => rows[kinds[i % kinds.length]](i)).join(' or ');
  const view = (r: { labels?: ReadonlySet<string>; problems: string[] }) => ({
    labels: r.labels && [...r.labels].sort(),
    problems: r.problems,
  });

  test.each<[string, string[]]>([
    ['selectors and a table', ['selector', 'table']],
    ['an operand with a label its input lacks', ['selector', 'unknownLabel']],
    ['an operand of an unknown metric', ['selector', 'unknownMetric']],
    ['a bare number operand', ['selector', 'scalar']],
    ['a broken string', ['selector', 'brokenString']],
  ])('give what the whole expression gives: %s', (_, kinds) => {
    // GIVEN a chain of 120 operands (lezer parses it whole inside parentheses, where it is not regrouped)
    const expr = chain(120, ...kinds);
    const whole = `(${expr})`;
    expect(orChainOperands(whole)).toBeUndefined();
    // WHEN checked by shape and whole THEN the same metrics, labels, problems and syntax verdict
    const [byShape, byWhole] = [checkPromql(expr), checkPromql(whole)];
    expect(byShape.metrics).toEqual(byWhole.metrics);
    expect(byShape.syntaxError === undefined).toBe(byWhole.syntaxError === undefined);
    expect(view(inferLabels(expr, labels))).toEqual(view(inferLabels(whole, labels)));
  });

  test('a chain of one operand per pool is parsed one shape at a time', () => {
    // GIVEN 1,000 operands of 3 shapes (label values and a number differ)
    const expr = chain(1000, 'selector');
    expect(orChainShapes(expr)).toHaveLength(3);
    // WHEN checked THEN nothing longer than one operand is parsed
    const parse = jest.spyOn(parser, 'parse');
    try {
      expect(checkPromql(expr).syntaxError).toBeUndefined();
      expect(inferLabels(expr, labels).problems).toEqual([]);
      expect(Math.max(0, ...parse.mock.calls.map(([text]) => String(text).length))).toBeLessThan(200);
    } finally {
      parse.mockRestore();
    }
  });
});
