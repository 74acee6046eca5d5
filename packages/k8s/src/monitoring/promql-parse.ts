// PromQL parsed with Prometheus' own grammar (lezer-promql), once per expression for every check. Not
// exported from the package: lezer-promql is an ES module, and a declaration importing it would not
// compile in a team's CommonJS project (TS1479).
import { parser } from '@prometheus-io/lezer-promql';
import { balanceOrChain } from './promql-or-chain';

type Tree = ReturnType<typeof parser.parse>;

function hasError(tree: Tree): boolean {
  let error = false;
  tree.iterate({ enter: (n) => !(error ||= n.type.isError) });
  return error;
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
    // Every expression is parsed by each check (labels, then metrics), and platforms in one process
    // share most alert expressions: the most recently used are kept, up to a count and a total length.
    parsedCache.set(expr, parsed);
    cachedChars += expr.length;
    for (const [oldest] of parsedCache) {
      if (parsedCache.size <= CACHE_ENTRIES && cachedChars <= CACHE_CHARS) break;
      parsedCache.delete(oldest);
      cachedChars -= oldest.length;
    }
  } else {
    parsedCache.delete(expr);
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

const CACHE_ENTRIES = 512;
const CACHE_CHARS = 4_000_000;
const parsedCache = new Map<string, ParsedPromql>();
let cachedChars = 0;
