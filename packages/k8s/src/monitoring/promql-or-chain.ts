// Long `or` chains regrouped for lezer-promql, which gives up on a left-associative chain of more than
// about 150 operands. Plain strings, no parser: safe to export from the package.

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
