import { parsePromql } from './promql-parse';
import { operandShape, orChainShapes } from './promql-or-chain';

/** Problems with a PromQL expression: syntax errors, and metric names no known exporter provides. */
export interface PromqlCheck {
  readonly syntaxError?: string;
  readonly metrics: readonly string[];
}

/**
 * Parses `expr` with Prometheus' own grammar (lezer-promql) and lists the metric names it selects. It
 * is parsed by shape ({@link operandShape}: platforms have expressions that differ only in label
 * values, per pool or team, and parses are cached by text), a long `or` chain one operand shape at a
 * time ({@link orChainShapes}); if a shape does not parse, the expression itself is, for the error's
 * offset.
 */
export function checkPromql(expr: string): PromqlCheck {
  const checks = (orChainShapes(expr) ?? [operandShape(expr)]).map(checkParsed);
  if (checks.every((c) => c.syntaxError === undefined))
    return { metrics: checks.length === 1 ? checks[0].metrics : [...new Set(checks.flatMap((c) => c.metrics))].sort() };
  return checkParsed(expr);
}

function checkParsed(expr: string): PromqlCheck {
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
