import { evaluate, InstantSample } from './engine';
import { loadSeries } from './rule-runner';

// GIVEN a few series sampled every minute for 40 minutes
const storage = loadSeries(
  [
    { series: 'm{node="a",gpu="0"}', values: '1x40' },
    { series: 'm{node="a",gpu="1"}', values: '3x40' },
    { series: 'm{node="b",gpu="0"}', values: '5x10 stale' },
    { series: 'c{node="a"}', values: '0+60x40' },
    { series: 'info{node="a",pool="p1"}', values: '1x40' },
    { series: 'info{node="b",pool="p2"}', values: '1x40' },
  ],
  '1m',
);
const MIN = 60_000;

function vec(expr: string, t = 30 * MIN): Record<string, number> {
  const v = evaluate(expr, t, storage);
  if (v.kind !== 'vector') throw new Error(`${expr} is a ${v.kind}`);
  return Object.fromEntries(
    v.samples.map((s: InstantSample) => [
      Object.entries(s.labels)
        .sort()
        .map(([k, x]) => `${k}=${x}`)
        .join(','),
      s.v,
    ]),
  );
}

describe('PromQL evaluator', () => {
  it.each<[string, string, Record<string, number>]>([
    ['an instant selector', 'm{node="a"}', { '__name__=m,gpu=0,node=a': 1, '__name__=m,gpu=1,node=a': 3 }],
    ['a stale marker ends a series at once', 'm{node="b"}', {}],
    ['sum by', 'sum by (node) (m)', { 'node=a': 4 }],
    ['count without', 'count without (gpu) (m)', { 'node=a': 2 }],
    ['avg_over_time keeps ended series for its window', 'avg_over_time(m{node="b"}[30m])', { 'gpu=0,node=b': 5 }],
    [
      'group_left copies labels from the one side',
      'm * on (node) group_left (pool) info',
      { 'gpu=0,node=a,pool=p1': 1, 'gpu=1,node=a,pool=p1': 3 },
    ],
    [
      'one-to-one on keeps only the on labels',
      'sum by (node, gpu) (m) * on (node) group_left () info > 2',
      { 'gpu=1,node=a': 3 },
    ],
    ['comparison filters keep the name', 'm > 2', { '__name__=m,gpu=1,node=a': 3 }],
    ['bool comparisons give 0 or 1', 'm > bool 2', { 'gpu=0,node=a': 0, 'gpu=1,node=a': 1 }],
    ['and / unless / or match on labels', 'info unless on (node) m', { '__name__=info,node=b,pool=p2': 1 }],
    ['or adds what the left side lacks', 'sum by (node) (m) or on (node) (info * 0)', { 'node=a': 4, 'node=b,pool=p2': 0 }],
    ['offset looks back', 'm{node="b"} offset 25m', { '__name__=m,gpu=0,node=b': 5 }],
    ['increase extrapolates like Prometheus', 'increase(c[10m])', { 'node=a': 600 }],
    [
      'label_replace',
      'label_replace(info, "p", "x-$1", "pool", "p(.*)")',
      { '__name__=info,node=a,p=x-1,pool=p1': 1, '__name__=info,node=b,p=x-2,pool=p2': 1 },
    ],
    ['absent of nothing', 'absent(m{node="z"})', { 'node=z': 1 }],
    ['vector', 'vector(0)', { '': 0 }],
    ['subquery', 'max_over_time(sum(m)[25m:1m])', { '': 9 }],
  ])('%s', (_what, expr, expected) => {
    // WHEN evaluated at 30 minutes THEN the result is what Prometheus gives
    expect(vec(expr)).toEqual(expected);
  });

  it.each([
    ['many-to-many matching', 'm * on (node) info'],
    ['an unsupported function', 'holt_winters(m[5m], 0.1, 0.1)'],
    ['a syntax error', 'sum(m'],
  ])('throws on %s, as Prometheus would refuse it', (_what, expr) => {
    expect(() => vec(expr)).toThrow();
  });
});
