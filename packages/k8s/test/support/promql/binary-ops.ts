// Binary operators of the test PromQL evaluator (engine.ts): arithmetic, comparisons with and without
// bool, set operators, and vector matching with on/ignoring and group_left/group_right, as Prometheus
// 3 does them (including its errors for many-to-many matches and duplicate result label sets).
import type { SyntaxNode } from '@lezer/common';
import {
  child,
  Ctx,
  dropName,
  evalNode,
  exprs,
  grouping,
  InstantSample,
  kids,
  Labels,
  labelKey,
  NAME,
  noDuplicates,
  text,
  Value,
} from './engine';

const ARITH: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
};
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
};

interface Matching {
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  readonly include: readonly string[];
  readonly bool: boolean;
}

function matchingOf(ctx: Ctx, n: SyntaxNode): Matching {
  const bool = child(n, 'BoolModifier') !== undefined;
  const clause = child(n, 'MatchingModifierClause');
  if (!clause) return { on: false, labels: [], card: 'one-to-one', include: [], bool };
  const parts = kids(clause);
  const lists = parts.filter((p) => p.type.name === 'GroupingLabels');
  const group = parts.find((p) => p.type.name === 'GroupLeft' || p.type.name === 'GroupRight');
  return {
    on: parts[0].type.name === 'On',
    labels: grouping(ctx, lists[0]),
    card: !group ? 'one-to-one' : group.type.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many',
    include: grouping(ctx, lists[1]),
    bool,
  };
}

function signature(l: Labels, m: Matching): string {
  const entries = Object.entries(l).filter(([k]) => (m.on ? m.labels.includes(k) : k !== NAME && !m.labels.includes(k)));
  return labelKey(Object.fromEntries(entries));
}

export function binary(ctx: Ctx, n: SyntaxNode, t: number): Value {
  const [lhsNode, rhsNode] = exprs(n);
  const opNode = kids(n).find((k) => !k.type.is('Expr') && !['BoolModifier', 'MatchingModifierClause'].includes(k.type.name))!;
  const op = text(ctx, opNode);
  const m = matchingOf(ctx, n);
  const lhs = evalNode(ctx, lhsNode, t);
  const rhs = evalNode(ctx, rhsNode, t);
  if (op === 'and' || op === 'or' || op === 'unless') {
    if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error(`${op} needs vectors`);
    const right = new Set(rhs.samples.map((s) => signature(s.labels, m)));
    if (op === 'and') return { kind: 'vector', samples: lhs.samples.filter((s) => right.has(signature(s.labels, m))) };
    if (op === 'unless') return { kind: 'vector', samples: lhs.samples.filter((s) => !right.has(signature(s.labels, m))) };
    const left = new Set(lhs.samples.map((s) => signature(s.labels, m)));
    return { kind: 'vector', samples: [...lhs.samples, ...rhs.samples.filter((s) => !left.has(signature(s.labels, m)))] };
  }
  const compare = COMPARE[op];
  const arith = ARITH[op];
  if (!compare && !arith) throw new Error(`unsupported operator ${op}`);
  const apply = (a: number, b: number): number | undefined => {
    if (arith) return arith(a, b);
    if (m.bool) return compare(a, b) ? 1 : 0;
    return compare(a, b) ? a : undefined;
  };
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    if (compare && !m.bool) throw new Error('comparisons between scalars need bool');
    return { kind: 'scalar', v: apply(lhs.v, rhs.v)! };
  }
  const keepName = compare && !m.bool;
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') {
    const out: InstantSample[] = [];
    for (const s of lhs.samples) {
      const v = apply(s.v, rhs.v);
      if (v !== undefined) out.push({ labels: keepName ? s.labels : dropName(s.labels), v });
    }
    return { kind: 'vector', samples: out };
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') {
    const out: InstantSample[] = [];
    for (const s of rhs.samples) {
      const v = compare && !m.bool ? (compare(lhs.v, s.v) ? s.v : undefined) : apply(lhs.v, s.v);
      if (v !== undefined) out.push({ labels: keepName ? s.labels : dropName(s.labels), v });
    }
    return { kind: 'vector', samples: out };
  }
  if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error(`operator ${op} on ${lhs.kind} and ${rhs.kind}`);
  return { kind: 'vector', samples: vectorBinary(op, lhs.samples, rhs.samples, m, apply, keepName) };
}

function vectorBinary(
  op: string,
  lhs: readonly InstantSample[],
  rhs: readonly InstantSample[],
  m: Matching,
  apply: (a: number, b: number) => number | undefined,
  keepName: boolean,
): InstantSample[] {
  const [many, one] = m.card === 'one-to-many' ? [rhs, lhs] : [lhs, rhs];
  const oneBySig = new Map<string, InstantSample>();
  for (const s of one) {
    const sig = signature(s.labels, m);
    if (oneBySig.has(sig))
      throw new Error(
        `${op}: many-to-many matching not allowed: found duplicate series for the match group ${sig} on the ${m.card === 'one-to-many' ? 'left' : 'right'} hand-side`,
      );
    oneBySig.set(sig, s);
  }
  const seenMany = new Set<string>();
  const out: InstantSample[] = [];
  for (const s of many) {
    const sig = signature(s.labels, m);
    const other = oneBySig.get(sig);
    if (!other) continue;
    if (m.card === 'one-to-one') {
      if (seenMany.has(sig))
        throw new Error(`${op}: multiple matches for labels ${sig}: grouping labels must ensure unique matches`);
      seenMany.add(sig);
    }
    const [l, r] = m.card === 'one-to-many' ? [other, s] : [s, other];
    const v = apply(l.v, r.v);
    if (v === undefined) continue;
    out.push({
      labels: resultLabels(s.labels, other.labels, m, keepName),
      v: keepName ? (m.card === 'one-to-many' ? r.v : l.v) : v,
    });
  }
  return noDuplicates(out, op);
}

function resultLabels(many: Labels, one: Labels, m: Matching, keepName: boolean): Labels {
  let l: Record<string, string> = { ...(keepName ? many : dropName(many)) };
  if (m.card === 'one-to-one') {
    l = m.on
      ? Object.fromEntries(Object.entries(l).filter(([k]) => m.labels.includes(k)))
      : Object.fromEntries(Object.entries(l).filter(([k]) => !m.labels.includes(k)));
  }
  for (const k of m.include) {
    if (one[k] !== undefined && one[k] !== '') l[k] = one[k];
    else delete l[k];
  }
  return l;
}
