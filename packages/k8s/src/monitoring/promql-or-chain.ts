// Long `or` chains regrouped for lezer-promql, which gives up on a left-associative chain of more than
// about 150 operands, and checked by operand shape. Plain strings, no parser: safe to export from the
// package.

/** A chain of more operands than this is regrouped (and may be checked by shape). */
const LONG_CHAIN = 64;
const OR = /\s+or\s+/iy;
const ON = /(on|ignoring)\b/iy;

/**
 * The operands of `expr`'s top-level `or` chain, when it has more than 64 of them; undefined when it
 * is no such chain (or when an `or` of it has `on`/`ignoring`, or it has a comment).
 */
export function orChainOperands(expr: string): string[] | undefined {
  if (expr.includes('#')) return undefined;
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
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && /\s/.test(c)) {
      OR.lastIndex = i;
      if (!OR.exec(expr)) continue;
      ON.lastIndex = OR.lastIndex;
      if (ON.test(expr)) return undefined;
      parts.push(expr.slice(start, i));
      start = OR.lastIndex;
      i = start - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts.length > LONG_CHAIN ? parts : undefined;
}

/**
 * `expr` with a top-level chain of more than 64 `or` operands regrouped as a balanced tree of
 * parentheses; `expr` itself when it is no such chain (see {@link orChainOperands}). `or` is
 * associative, so the series selected are the same.
 */
export function balanceOrChain(expr: string): string {
  const parts = orChainOperands(expr);
  if (!parts) return expr;
  const group = (ps: readonly string[]): string =>
    ps.length === 1 ? ps[0] : `(${group(ps.slice(0, ps.length >> 1))} or ${group(ps.slice(ps.length >> 1))})`;
  return group(parts);
}

const STRING = '"(?:[^"\\\\\\n]|\\\\.)*"|\'(?:[^\'\\\\\\n]|\\\\.)*\'|`[^`]*`';
const COMMA = '\\s*,\\s*';
/**
 * A run of four string arguments (a label_replace's), a label matcher's value, any other string, or a
 * quote that starts no string this pattern knows (an unterminated one, or one with a line break).
 */
const SHAPED = new RegExp(
  `(${STRING})(${COMMA})(?:${STRING})(${COMMA})(${STRING})(${COMMA})(?:${STRING})|(=~|!~|!=|=)(\\s*)(?:${STRING})|(?:${STRING})|(["'\`])`,
  'g',
);

/**
 * `operand` with the strings that no check reads emptied: the value of every label matcher
 * (`{pool="a"}` → `{pool=""}`), and the replacement and regex of a label_replace (its second and
 * fourth string arguments). The checks of metric names and label names read neither, so operands of
 * one shape check alike. The other strings (a label_replace's labels) are kept. An operand with a
 * comment, or a quote that starts no whole string, is its own shape: where its strings end is the
 * parser's to say.
 */
export function operandShape(operand: string): string {
  if (operand.includes('#')) return operand;
  let stray = false;
  const shape = operand.replace(
    SHAPED,
    (all, dst?: string, c1?: string, c2?: string, src?: string, c3?: string, op?: string, space?: string, quote?: string) => {
      if (quote !== undefined) stray = true;
      return dst !== undefined ? `${dst}${c1}""${c2}${src}${c3}""` : op !== undefined ? `${op}${space}""` : all;
    },
  );
  return stray ? operand : shape;
}

/**
 * The distinct shapes ({@link operandShape}) of the operands of `expr`'s long `or` chain, in the order
 * they first occur; undefined when `expr` is no long chain, or when its operands have more than a
 * quarter as many shapes as operands (checking them one by one would save nothing).
 */
export function orChainShapes(expr: string): string[] | undefined {
  const operands = orChainOperands(expr);
  if (!operands) return undefined;
  const shapes = new Set<string>();
  for (const op of operands) {
    shapes.add(operandShape(op));
    if (shapes.size * 4 > operands.length) return undefined;
  }
  return [...shapes];
}
