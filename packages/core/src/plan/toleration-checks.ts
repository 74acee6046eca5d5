// A toleration list given in raw values replaces the one aiready derives from the pools' taints. When
// the replacement no longer tolerates a pool's taint, the component's pods never reach those nodes and
// nothing says why, so the override is refused with the tolerations to keep.
import { ValidationProblem } from '../errors';
import { Taint, Toleration, tolerates, tolerationsFor } from '../labels';

/**
 * The problem of a raw toleration list at `path` (`values.tolerations`) that misses a taint of
 * `pools`, or undefined when it tolerates them all (or was not given).
 */
export function tolerationOverrideProblem(
  path: string,
  given: unknown,
  pools: readonly { readonly name: string; readonly taints: readonly Taint[] }[],
  who: string,
): ValidationProblem | undefined {
  if (given === undefined) return undefined;
  const list = Array.isArray(given) ? (given.filter((t) => typeof t === 'object' && t !== null) as Partial<Toleration>[]) : [];
  const missed = pools.flatMap((p) => p.taints.filter((t) => !tolerates(list, t)).map((taint) => ({ pool: p.name, taint })));
  if (!missed.length) return undefined;
  const shown = [...new Set(missed.map(({ taint }) => `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`))];
  return {
    path,
    value: given,
    problem: `replaces the tolerations aiready derives and does not tolerate ${shown.join(', ')} (pools ${[...new Set(missed.map((m) => m.pool))].join(', ')}), so ${who} would never run on those GPU nodes`,
    fix: `keep aiready's tolerations and add yours to them: ${JSON.stringify(tolerationsFor(missed.map((m) => m.taint)))}`,
  };
}
