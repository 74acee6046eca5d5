import { parsePromql } from './promql-parse';

/** Problems with a PromQL expression: syntax errors, and metric names no known exporter provides. */
export interface PromqlCheck {
  readonly syntaxError?: string;
  readonly metrics: readonly string[];
}

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
