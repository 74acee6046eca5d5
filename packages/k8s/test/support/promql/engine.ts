// A small PromQL evaluator for tests, built on Prometheus' own grammar (@prometheus-io/lezer-promql).
//
// Why not a real Prometheus: none runs here and npm has no PromQL engine (only parsers and editors),
// so aiready's rules are evaluated by this evaluator, which implements exactly the PromQL they use,
// with Prometheus 3 semantics: instant selectors with the 5-minute lookback and staleness markers,
// left-open range windows, `offset`, subqueries, aggregations with by/without, binary operators with
// on/ignoring/group_left/group_right and bool, set operators, and the functions listed in FUNCTIONS.
// Anything else throws, so a rule using an unsupported construct fails its test instead of passing
// vacuously. Binary operators are in binary-ops.ts. Where promtool (Prometheus' rule tester) is installed, rule-runner.test.ts runs the same
// fixtures through it and checks both agree.
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { binary } from './binary-ops';

export type Labels = Readonly<Record<string, string>>;
export interface Sample {
  readonly t: number;
  readonly v: number;
  readonly stale?: boolean;
}
export interface StoredSeries {
  readonly labels: Labels;
  readonly samples: Sample[];
}
export interface InstantSample {
  readonly labels: Labels;
  readonly v: number;
}
export interface RangeSeries {
  readonly labels: Labels;
  readonly points: readonly Sample[];
}
export type Value =
  | { readonly kind: 'scalar'; readonly v: number }
  | { readonly kind: 'string'; readonly s: string }
  | { readonly kind: 'vector'; readonly samples: readonly InstantSample[] }
  | { readonly kind: 'matrix'; readonly series: readonly RangeSeries[] };

export const LOOKBACK_MS = 5 * 60_000;
export const NAME = '__name__';

/** Series as Prometheus' TSDB holds them: labels and timestamped samples (stale markers included). */
export class Storage {
  private readonly byKey = new Map<string, StoredSeries>();
  /** The same series by metric name, in the order they came: a selector names its metric. */
  private readonly byName = new Map<string, StoredSeries[]>();

  public add(labels: Labels, sample: Sample): void {
    const key = labelKey(labels);
    let s = this.byKey.get(key);
    if (!s) {
      this.byKey.set(key, (s = { labels, samples: [] }));
      const name = labels[NAME] ?? '';
      if (!this.byName.has(name)) this.byName.set(name, []);
      this.byName.get(name)!.push(s);
    }
    const last = s.samples[s.samples.length - 1];
    if (last && last.t >= sample.t) throw new Error(`out-of-order sample for ${key} at ${sample.t}`);
    s.samples.push(sample);
  }

  public select(matchers: readonly Matcher[]): StoredSeries[] {
    const name = matchers.find((m) => m.name === NAME && m.op === '=');
    const candidates = name ? (this.byName.get(name.value) ?? []) : [...this.byKey.values()];
    return candidates.filter((s) => matchers.every((m) => m.matches(s.labels[m.name] ?? '')));
  }
}

/** A label set as a string, the same for the same labels in any order. */
export function labelKey(labels: Labels): string {
  // Sorted by UTF-16 code units, as `<` compares strings.
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

export class Matcher {
  private readonly re?: RegExp;
  constructor(
    public readonly name: string,
    public readonly op: '=' | '!=' | '=~' | '!~',
    public readonly value: string,
  ) {
    if (op === '=~' || op === '!~') this.re = new RegExp(`^(?:${value})$`, 's');
  }
  public matches(v: string): boolean {
    if (this.op === '=') return v === this.value;
    if (this.op === '!=') return v !== this.value;
    return this.op === '=~' ? this.re!.test(v) : !this.re!.test(v);
  }
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds in a Prometheus duration (`1h30m`). */
export function durationMs(d: string): number {
  const parts = [...d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== d) throw new Error(`not a duration: ${d}`);
  return parts.reduce((s, [, n, u]) => s + Number(n) * UNITS[u], 0);
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  return JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s) as string;
}

export function dropName(l: Labels): Labels {
  const { [NAME]: _, ...rest } = l;
  return rest;
}

export function noDuplicates(samples: InstantSample[], what: string): InstantSample[] {
  const seen = new Set<string>();
  for (const s of samples) {
    const k = labelKey(s.labels);
    if (seen.has(k)) throw new Error(`${what}: vector cannot contain metrics with the same labelset ${k}`);
    seen.add(k);
  }
  return samples;
}

export interface Ctx {
  readonly storage: Storage;
  readonly src: string;
}

export const text = (ctx: Ctx, n: SyntaxNode) => ctx.src.slice(n.from, n.to);
export const kids = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};
export const child = (n: SyntaxNode, name: string) => kids(n).find((c) => c.type.name === name);
/** The expression children (the grammar's `expr` group). */
export const exprs = (n: SyntaxNode) => kids(n).filter((c) => c.type.is('Expr'));

/** Evaluates `expr` at time `t` (ms). */
export function evaluate(expr: string, t: number, storage: Storage): Value {
  return evalNode({ storage, src: expr }, parsed(expr), t);
}

/** Each expression's syntax tree (immutable), parsed once: a rule run evaluates every rule at every step. */
const trees = new Map<string, SyntaxNode>();

function parsed(expr: string): SyntaxNode {
  let top = trees.get(expr);
  if (!top) {
    const tree = parser.parse(expr);
    let error: string | undefined;
    tree.iterate({
      enter: (n) => {
        if (n.type.isError && error === undefined) error = `syntax error at ${n.from} in ${expr}`;
      },
    });
    if (error) throw new Error(error);
    const first = tree.topNode.firstChild;
    if (!first) throw new Error(`empty expression: ${expr}`);
    trees.set(expr, (top = first));
  }
  return top;
}

export function evalNode(ctx: Ctx, n: SyntaxNode, t: number): Value {
  switch (n.type.name) {
    case 'NumberDurationLiteral': {
      const s = text(ctx, n);
      return { kind: 'scalar', v: /[a-z]$/.test(s) && !/^[-+]?(inf|nan)$/i.test(s) ? durationMs(s) / 1000 : Number(s) };
    }
    case 'StringLiteral':
      return { kind: 'string', s: unquote(text(ctx, n)) };
    case 'ParenExpr':
      return evalNode(ctx, exprs(n)[0], t);
    case 'UnaryExpr': {
      const v = evalNode(ctx, exprs(n)[0], t);
      if (text(ctx, n).trim().startsWith('+')) return v;
      if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v };
      if (v.kind === 'vector')
        return { kind: 'vector', samples: v.samples.map((s) => ({ labels: dropName(s.labels), v: -s.v })) };
      throw new Error('unary minus on a non-number');
    }
    case 'VectorSelector':
      return { kind: 'vector', samples: selectInstant(ctx, n, t, 0) };
    case 'OffsetExpr':
      return evalOffset(ctx, n, t);
    case 'MatrixSelector':
      return { kind: 'matrix', series: selectRange(ctx, n, t, 0) };
    case 'SubqueryExpr':
      return { kind: 'matrix', series: subquery(ctx, n, t, 0) };
    case 'AggregateExpr':
      return aggregate(ctx, n, t);
    case 'FunctionCall':
      return call(ctx, n, t);
    case 'BinaryExpr':
      return binary(ctx, n, t);
    default:
      throw new Error(`unsupported PromQL construct ${n.type.name}: ${text(ctx, n)}`);
  }
}

/** Each selector's matchers (by expression and position), made once: a rule run evaluates every rule at every step. */
const matcherCache = new Map<string, Map<number, Matcher[]>>();

function matchersOf(ctx: Ctx, sel: SyntaxNode): Matcher[] {
  let inExpr = matcherCache.get(ctx.src);
  if (!inExpr) matcherCache.set(ctx.src, (inExpr = new Map()));
  let matchers = inExpr.get(sel.from);
  if (!matchers) inExpr.set(sel.from, (matchers = parseMatchers(ctx, sel)));
  return matchers;
}

function parseMatchers(ctx: Ctx, sel: SyntaxNode): Matcher[] {
  const out: Matcher[] = [];
  const name = child(sel, 'Identifier');
  if (name) out.push(new Matcher(NAME, '=', text(ctx, name)));
  const list = child(sel, 'LabelMatchers');
  for (const m of list ? kids(list).filter((k) => k.type.name === 'UnquotedLabelMatcher') : []) {
    const [label, op, value] = kids(m);
    out.push(new Matcher(text(ctx, label), text(ctx, op) as Matcher['op'], unquote(text(ctx, value))));
  }
  return out;
}

function selectInstant(ctx: Ctx, sel: SyntaxNode, t: number, offset: number): InstantSample[] {
  const at = t - offset;
  const out: InstantSample[] = [];
  for (const s of ctx.storage.select(matchersOf(ctx, sel))) {
    // The last sample at or before `at` (samples are in time order), if within the lookback.
    let i = s.samples.length - 1;
    while (i >= 0 && s.samples[i].t > at) i--;
    const latest = i >= 0 && s.samples[i].t > at - LOOKBACK_MS ? s.samples[i] : undefined;
    if (latest && !latest.stale) out.push({ labels: s.labels, v: latest.v });
  }
  return out;
}

function rangeMs(ctx: Ctx, n: SyntaxNode | undefined): number {
  if (!n) throw new Error('missing range');
  return durationMs(text(ctx, n).trim());
}

function selectRange(ctx: Ctx, n: SyntaxNode, t: number, offset: number): RangeSeries[] {
  const [inner] = exprs(n);
  if (inner.type.name !== 'VectorSelector') throw new Error(`range of a non-selector: ${text(ctx, n)}`);
  const range = rangeMs(ctx, child(n, 'DurationExpr'));
  const end = t - offset;
  return ctx.storage
    .select(matchersOf(ctx, inner))
    .map((s) => ({ labels: s.labels, points: s.samples.filter((p) => !p.stale && p.t > end - range && p.t <= end) }))
    .filter((s) => s.points.length > 0);
}

function subquery(ctx: Ctx, n: SyntaxNode, t: number, offset: number): RangeSeries[] {
  const [inner] = exprs(n);
  const [range, step] = kids(n).filter((k) => k.type.name === 'DurationExpr');
  if (!step) throw new Error('subqueries need an explicit step here');
  const rangeMsV = rangeMs(ctx, range);
  const stepMs = rangeMs(ctx, step);
  const end = t - offset;
  const byKey = new Map<string, { labels: Labels; points: Sample[] }>();
  for (let ts = Math.floor((end - rangeMsV) / stepMs) * stepMs + stepMs; ts <= end; ts += stepMs) {
    const v = evalNode(ctx, inner, ts);
    if (v.kind !== 'vector') throw new Error('subquery of a non-vector');
    for (const s of v.samples) {
      const k = labelKey(s.labels);
      if (!byKey.has(k)) byKey.set(k, { labels: s.labels, points: [] });
      byKey.get(k)!.points.push({ t: ts, v: s.v });
    }
  }
  return [...byKey.values()];
}

function evalOffset(ctx: Ctx, n: SyntaxNode, t: number): Value {
  const [inner] = exprs(n);
  const offset = rangeMs(ctx, child(n, 'OffsetDurationExpr'));
  if (inner.type.name === 'VectorSelector') return { kind: 'vector', samples: selectInstant(ctx, inner, t, offset) };
  if (inner.type.name === 'MatrixSelector') return { kind: 'matrix', series: selectRange(ctx, inner, t, offset) };
  if (inner.type.name === 'SubqueryExpr') return { kind: 'matrix', series: subquery(ctx, inner, t, offset) };
  throw new Error(`offset on ${inner.type.name}`);
}

export function grouping(ctx: Ctx, n: SyntaxNode | undefined): string[] {
  return n
    ? kids(n)
        .filter((k) => k.type.name === 'LabelName')
        .map((k) => text(ctx, k))
    : [];
}

function aggregate(ctx: Ctx, n: SyntaxNode, t: number): Value {
  const op = text(ctx, child(n, 'AggregateOp')!);
  const mod = child(n, 'AggregateModifier');
  const without = mod ? kids(mod)[0].type.name === 'Without' : false;
  const labels = grouping(ctx, mod ? child(mod, 'GroupingLabels') : undefined);
  const args = exprs(child(n, 'FunctionCallBody')!);
  const param = args.length === 2 ? evalNode(ctx, args[0], t) : undefined;
  const input = evalNode(ctx, args[args.length - 1], t);
  if (input.kind !== 'vector') throw new Error(`${op} of a non-vector`);
  const groupLabels = (l: Labels): Labels =>
    without
      ? Object.fromEntries(Object.entries(l).filter(([k]) => k !== NAME && !labels.includes(k)))
      : Object.fromEntries(labels.filter((k) => l[k] !== undefined && l[k] !== '').map((k) => [k, l[k]]));
  const groups = new Map<string, { labels: Labels; members: InstantSample[] }>();
  for (const s of input.samples) {
    const g = groupLabels(s.labels);
    const k = labelKey(g);
    if (!groups.has(k)) groups.set(k, { labels: g, members: [] });
    groups.get(k)!.members.push(s);
  }
  const out: InstantSample[] = [];
  for (const { labels: g, members } of groups.values()) {
    const vs = members.map((m) => m.v);
    switch (op) {
      case 'sum':
        out.push({ labels: g, v: vs.reduce((a, b) => a + b, 0) });
        break;
      case 'avg':
        out.push({ labels: g, v: vs.reduce((a, b) => a + b, 0) / vs.length });
        break;
      case 'count':
        out.push({ labels: g, v: vs.length });
        break;
      case 'group':
        out.push({ labels: g, v: 1 });
        break;
      case 'max':
        out.push({ labels: g, v: Math.max(...vs) });
        break;
      case 'min':
        out.push({ labels: g, v: Math.min(...vs) });
        break;
      case 'topk': {
        if (param?.kind !== 'scalar') throw new Error('topk needs a number');
        out.push(...[...members].sort((a, b) => b.v - a.v).slice(0, param.v));
        break;
      }
      default:
        throw new Error(`unsupported aggregation ${op}`);
    }
  }
  return { kind: 'vector', samples: out };
}

const OVER_TIME: Record<string, (vs: number[]) => number> = {
  avg_over_time: (vs) => vs.reduce((a, b) => a + b, 0) / vs.length,
  sum_over_time: (vs) => vs.reduce((a, b) => a + b, 0),
  max_over_time: (vs) => Math.max(...vs),
  min_over_time: (vs) => Math.min(...vs),
  count_over_time: (vs) => vs.length,
  last_over_time: (vs) => vs[vs.length - 1],
};

/** The functions this evaluator implements. */
export const FUNCTIONS = [
  ...Object.keys(OVER_TIME),
  'increase',
  'changes',
  'label_replace',
  'vector',
  'absent',
  'clamp_max',
  'clamp_min',
];

function call(ctx: Ctx, n: SyntaxNode, t: number): Value {
  const fn = text(ctx, child(n, 'FunctionIdentifier')!);
  const argNodes = exprs(child(n, 'FunctionCallBody')!);
  const args = argNodes.map((a) => evalNode(ctx, a, t));
  const matrix = (i: number) => {
    const a = args[i];
    if (a?.kind !== 'matrix') throw new Error(`${fn} needs a range vector`);
    return a.series;
  };
  const vector = (i: number) => {
    const a = args[i];
    if (a?.kind !== 'vector') throw new Error(`${fn} needs an instant vector`);
    return a.samples;
  };
  const str = (i: number) => {
    const a = args[i];
    if (a?.kind !== 'string') throw new Error(`${fn} needs a string`);
    return a.s;
  };
  const num = (i: number) => {
    const a = args[i];
    if (a?.kind !== 'scalar') throw new Error(`${fn} needs a number`);
    return a.v;
  };
  if (fn in OVER_TIME) {
    return {
      kind: 'vector',
      samples: noDuplicates(
        matrix(0).map((s) => ({ labels: dropName(s.labels), v: OVER_TIME[fn](s.points.map((p) => p.v)) })),
        fn,
      ),
    };
  }
  switch (fn) {
    case 'increase': {
      const range = rangeMs(ctx, child(argNodes[0], 'DurationExpr'));
      const out = matrix(0)
        .filter((s) => s.points.length >= 2)
        .map((s) => ({ labels: dropName(s.labels), v: extrapolatedIncrease(s.points, t - range, t) }));
      return { kind: 'vector', samples: noDuplicates(out, fn) };
    }
    case 'changes':
      return {
        kind: 'vector',
        samples: matrix(0).map((s) => ({
          labels: dropName(s.labels),
          v: s.points.slice(1).filter((p, i) => p.v !== s.points[i].v).length,
        })),
      };
    case 'label_replace': {
      const [dst, repl, src, regex] = [str(1), str(2), str(3), str(4)];
      const re = new RegExp(`^(?:${regex})$`, 's');
      const out = vector(0).map((s) => {
        const m = re.exec(s.labels[src] ?? '');
        if (!m) return s;
        const value = repl.replace(/\$(\d+)|\$\{(\d+)\}/g, (_, a, b) => m[Number(a ?? b)] ?? '');
        const { [dst]: _, ...rest } = s.labels;
        return { labels: value === '' ? rest : { ...rest, [dst]: value }, v: s.v };
      });
      return { kind: 'vector', samples: noDuplicates(out, fn) };
    }
    case 'vector':
      return { kind: 'vector', samples: [{ labels: {}, v: num(0) }] };
    case 'absent': {
      if (vector(0).length) return { kind: 'vector', samples: [] };
      const sel = argNodes[0].type.name === 'VectorSelector' ? matchersOf(ctx, argNodes[0]) : [];
      const labels = Object.fromEntries(sel.filter((m) => m.op === '=' && m.name !== NAME).map((m) => [m.name, m.value]));
      return { kind: 'vector', samples: [{ labels, v: 1 }] };
    }
    case 'clamp_max':
    case 'clamp_min': {
      const limit = num(1);
      const f = fn === 'clamp_max' ? Math.min : Math.max;
      return { kind: 'vector', samples: vector(0).map((s) => ({ labels: dropName(s.labels), v: f(s.v, limit) })) };
    }
    default:
      throw new Error(`unsupported function ${fn}`);
  }
}

/** Prometheus' extrapolatedRate for `increase` (counter resets handled, extrapolation to the window). */
function extrapolatedIncrease(points: readonly Sample[], rangeStart: number, rangeEnd: number): number {
  const first = points[0];
  const last = points[points.length - 1];
  let result = last.v - first.v;
  for (let i = 1; i < points.length; i++) if (points[i].v < points[i - 1].v) result += points[i - 1].v;
  const sampled = (last.t - first.t) / 1000;
  let toStart = (first.t - rangeStart) / 1000;
  const toEnd = (rangeEnd - last.t) / 1000;
  const avgStep = sampled / (points.length - 1);
  if (result > 0 && first.v >= 0) {
    const toZero = sampled * (first.v / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = avgStep * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : avgStep / 2;
  interval += toEnd < threshold ? toEnd : avgStep / 2;
  return result * (interval / sampled);
}
