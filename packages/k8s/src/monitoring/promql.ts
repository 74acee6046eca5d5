import { parser } from '@prometheus-io/lezer-promql';

/** Problems with a PromQL expression: syntax errors, and metric names no known exporter provides. */
export interface PromqlCheck {
  readonly syntaxError?: string;
  readonly metrics: readonly string[];
}

type Tree = ReturnType<typeof parser.parse>;

function hasError(tree: Tree): boolean {
  let error = false;
  tree.iterate({ enter: (n) => !(error ||= n.type.isError) });
  return error;
}

/**
 * `expr` with a top-level chain of more than 64 `or` operands regrouped as a balanced tree of
 * parentheses; `expr` itself when it is no such chain (or when an `or` of it has `on`/`ignoring`, or
 * it has a comment). `or` is associative, so the series selected are the same.
 */
export function balanceOrChain(expr: string): string {
  if (expr.includes('#')) return expr;
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && /\s/.test(c)) {
      const or = /^\s+or\s+/i.exec(expr.slice(i));
      if (!or) continue;
      if (/^(on|ignoring)\b/i.test(expr.slice(i + or[0].length))) return expr;
      parts.push(expr.slice(start, i));
      start = i + or[0].length;
      i = start - 1;
    }
  }
  parts.push(expr.slice(start));
  if (parts.length <= 64) return expr;
  const group = (ps: readonly string[]): string =>
    ps.length === 1 ? ps[0] : `(${group(ps.slice(0, ps.length >> 1))} or ${group(ps.slice(ps.length >> 1))})`;
  return group(parts);
}

/**
 * `expr` parsed with Prometheus' own grammar (lezer-promql), and the text the tree's offsets refer to.
 * lezer's LR parser, unlike Prometheus' parser, gives up on a left-associative chain of more than about
 * 150 operands (a table of one `or` operand per pool or team, at scale): such a chain is parsed
 * regrouped (see {@link balanceOrChain}), and the text is then the regrouped one.
 */
export function parsePromql(expr: string): ParsedPromql {
  let parsed = parsedCache.get(expr);
  if (!parsed) {
    // A long chain is parsed regrouped first: parsing it as it is would fail, after all the work.
    const balanced = balanceOrChain(expr);
    const regrouped = balanced === expr ? undefined : parser.parse(balanced);
    if (regrouped && !hasError(regrouped)) parsed = { tree: regrouped, src: balanced, syntaxError: false };
    else {
      const tree = parser.parse(expr);
      parsed = { tree, src: expr, syntaxError: hasError(tree) };
    }
    // Every expression is parsed by each check (labels, then metrics): the latest few are kept.
    if (parsedCache.size >= 64) parsedCache.clear();
    parsedCache.set(expr, parsed);
  }
  return parsed;
}

/** An expression parsed, and the text the tree's offsets refer to. */
export interface ParsedPromql {
  readonly tree: Tree;
  readonly src: string;
  readonly syntaxError: boolean;
}

const parsedCache = new Map<string, ParsedPromql>();

/**
 * Parses `expr` with Prometheus' own grammar (lezer-promql) and lists the metric names it selects.
 */
export function checkPromql(expr: string): PromqlCheck {
  const { tree, src } = parsePromql(expr);
  let syntaxError: string | undefined;
  const metrics = new Set<string>();
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && syntaxError === undefined)
        syntaxError = `syntax error at offset ${n.from}: '${src.slice(Math.max(0, n.from - 10), n.to + 10)}'`;
      if (n.type.name === 'Identifier' && n.node.parent?.type.name === 'VectorSelector') metrics.add(src.slice(n.from, n.to));
    },
  });
  return { ...(syntaxError ? { syntaxError } : {}), metrics: [...metrics].sort() };
}
