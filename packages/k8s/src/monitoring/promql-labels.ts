// Which labels a PromQL expression's result can carry, and every place where it names a label its
// input cannot have: a matcher, `by`, `on` or `group_left` on a label the exporter never sets
// matches nothing or groups everything, silently. The label sets of metrics come from
// @aiready/core's exporter model (upstream source at the pinned versions).
import { parser } from '@prometheus-io/lezer-promql';
import { orChainShapes } from './promql-or-chain';
import { parsePromql } from './promql-parse';

type SyntaxNode = NonNullable<ReturnType<typeof parser.parse>['topNode']['firstChild']>;

/** Labels a selected series may carry; undefined when the metric is unknown (reported elsewhere). */
export type LabelLookup = (metric: string) => ReadonlySet<string> | undefined;

const NAME = '__name__';
type Labels = ReadonlySet<string>;

interface Walk {
  readonly src: string;
  readonly lookup: LabelLookup;
  readonly problems: string[];
}

const kids = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};
const child = (n: SyntaxNode, name: string) => kids(n).find((c) => c.type.name === name);
const exprs = (n: SyntaxNode) => kids(n).filter((c) => c.type.is('Expr'));
const text = (w: Walk, n: SyntaxNode) => w.src.slice(n.from, n.to);
const grouping = (w: Walk, n: SyntaxNode | undefined) =>
  n
    ? kids(n)
        .filter((k) => k.type.name === 'LabelName')
        .map((k) => text(w, k))
    : [];
const without = (l: Labels, drop: readonly string[]) => new Set([...l].filter((x) => !drop.includes(x)));

function need(w: Walk, have: Labels | undefined, labels: readonly string[], where: string): void {
  if (!have) return;
  for (const l of labels)
    if (!have.has(l))
      w.problems.push(`${where} names label '${l}', which its input never carries (it has ${[...have].sort().join(', ')})`);
}

/**
 * The label names the result of `expr` may carry, and problems with label names. Undefined labels
 * mean "unknown" (an unknown metric, reported by the metric-name check).
 */
export function inferLabels(expr: string, lookup: LabelLookup): { labels?: ReadonlySet<string>; problems: string[] } {
  // A long `or` chain of a few operand shapes (see checkPromql): the union of its shapes' labels, as
  // `or` gives, when every shape parses, none is a bare number (`or` with a scalar side takes the
  // other side's labels) and none has a problem (reported from the whole expression, with the real
  // selectors).
  const shapes = orChainShapes(expr);
  if (shapes) {
    const results = shapes.map((s) => ({ ...inferParsed(s, lookup), parsed: parsePromql(s) }));
    const plain = results.every(
      (r) =>
        !r.parsed.syntaxError && !r.problems.length && r.parsed.tree.topNode.firstChild?.type.name !== 'NumberDurationLiteral',
    );
    if (plain) {
      const known = results.every((r) => r.labels);
      return { ...(known ? { labels: new Set(results.flatMap((r) => [...r.labels!])) } : {}), problems: [] };
    }
  }
  return inferParsed(expr, lookup);
}

function inferParsed(expr: string, lookup: LabelLookup): { labels?: ReadonlySet<string>; problems: string[] } {
  const { tree, src, syntaxError } = parsePromql(expr);
  // checkPromql reports a syntax error; the tree around it is not the expression's.
  if (syntaxError) return { problems: [] };
  const w: Walk = { src, lookup, problems: [] };
  const top = tree.topNode.firstChild;
  const labels = top ? walk(w, top) : undefined;
  return { ...(labels ? { labels } : {}), problems: w.problems };
}

function walk(w: Walk, n: SyntaxNode): Labels | undefined {
  switch (n.type.name) {
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return new Set();
    case 'ParenExpr':
    case 'OffsetExpr':
    case 'MatrixSelector':
    case 'SubqueryExpr':
    case 'StepInvariantExpr':
      return walk(w, exprs(n)[0]);
    case 'UnaryExpr':
      return without(walk(w, exprs(n)[0]) ?? new Set(), [NAME]);
    case 'VectorSelector':
      return selector(w, n);
    case 'AggregateExpr':
      return aggregate(w, n);
    case 'FunctionCall':
      return call(w, n);
    case 'BinaryExpr':
      return binary(w, n);
    default:
      return undefined;
  }
}

function selector(w: Walk, n: SyntaxNode): Labels | undefined {
  const id = child(n, 'Identifier');
  const labels = id ? w.lookup(text(w, id)) : undefined;
  const list = child(n, 'LabelMatchers');
  const used = list
    ? kids(list)
        .filter((k) => k.type.name === 'UnquotedLabelMatcher')
        .map((m) => text(w, kids(m)[0]))
    : [];
  need(w, labels, used, `selector ${text(w, n)}`);
  return labels;
}

function aggregate(w: Walk, n: SyntaxNode): Labels | undefined {
  const op = text(w, child(n, 'AggregateOp')!);
  const mod = child(n, 'AggregateModifier');
  const args = exprs(child(n, 'FunctionCallBody')!);
  const input = walk(w, args[args.length - 1]);
  if (args.length === 2) walk(w, args[0]);
  if (!mod) return ['topk', 'bottomk', 'limitk'].includes(op) ? input : new Set();
  const listed = grouping(w, child(mod, 'GroupingLabels'));
  need(w, input, listed, `${op} ${kids(mod)[0].type.name === 'By' ? 'by' : 'without'} (${listed.join(', ')})`);
  if (['topk', 'bottomk', 'limitk'].includes(op)) return input;
  if (kids(mod)[0].type.name === 'Without') return input ? without(input, [NAME, ...listed]) : undefined;
  return new Set(listed);
}

function call(w: Walk, n: SyntaxNode): Labels | undefined {
  const fn = text(w, child(n, 'FunctionIdentifier')!);
  const args = exprs(child(n, 'FunctionCallBody')!);
  const inputs = args.map((a) => walk(w, a));
  if (fn === 'vector' || fn === 'time' || fn === 'scalar') return new Set();
  if (fn === 'absent' || fn === 'absent_over_time') return new Set();
  if (fn === 'label_replace') {
    const str = (i: number) => JSON.parse(text(w, args[i]).replace(/^'|'$/g, '"')) as string;
    const [dst, src] = [str(1), str(3)];
    // An empty source label is the idiom for setting a constant label.
    if (src !== '') need(w, inputs[0], [src], `label_replace(…, "${dst}", …, "${src}", …)`);
    return inputs[0] ? new Set([...inputs[0], dst]) : undefined;
  }
  if (fn === 'sort' || fn === 'sort_desc') return inputs[0];
  return inputs[0] ? without(inputs[0], [NAME]) : undefined;
}

function binary(w: Walk, n: SyntaxNode): Labels | undefined {
  const [l, r] = exprs(n);
  const lhs = walk(w, l);
  const rhs = walk(w, r);
  const op = text(
    w,
    kids(n).find((k) => !k.type.is('Expr') && !['BoolModifier', 'MatchingModifierClause'].includes(k.type.name))!,
  );
  const clause = child(n, 'MatchingModifierClause');
  const parts = clause ? kids(clause) : [];
  const lists = parts.filter((p) => p.type.name === 'GroupingLabels');
  const on = parts[0]?.type.name === 'On';
  const matching = grouping(w, lists[0]);
  const include = grouping(w, lists[1]);
  const group = parts.find((p) => p.type.name === 'GroupLeft' || p.type.name === 'GroupRight')?.type.name;
  const scalarSide = (x: SyntaxNode) => x.type.name === 'NumberDurationLiteral';
  if (on && !scalarSide(l) && !scalarSide(r)) {
    need(w, lhs, matching, `'${op} on (${matching.join(', ')})' (left side)`);
    need(w, rhs, matching, `'${op} on (${matching.join(', ')})' (right side)`);
  }
  if (group)
    need(
      w,
      group === 'GroupLeft' ? rhs : lhs,
      include,
      `'${group === 'GroupLeft' ? 'group_left' : 'group_right'} (${include.join(', ')})'`,
    );
  if (scalarSide(r)) return lhs;
  if (scalarSide(l)) return rhs;
  if (lhs === undefined || rhs === undefined) return undefined;
  if (op === 'or') return new Set([...lhs, ...rhs]);
  if (op === 'and' || op === 'unless') return lhs;
  const base = group === 'GroupRight' ? rhs : lhs;
  if (!group && on) return new Set(matching);
  return new Set([...base, ...include]);
}
