// Where a construct's soft issues go: the enclosing platform's warnings, which the summary lists. A
// workload defined next to the platform (another chart) reaches it through its team.
import { ValidationWarning } from '@aiready/core';
import { IConstruct } from 'constructs';

const SINK = Symbol.for('@aiready/k8s.WarningSink');

/** Makes `construct` (an AiPlatform) collect the warnings reported below it into `warnings`. */
export function attachWarningSink(construct: IConstruct, warnings: ValidationWarning[]): void {
  Object.defineProperty(construct, SINK, { value: warnings });
}

/**
 * Adds `warnings` to the nearest enclosing warning sink of `from` (itself included). Returns false
 * when there is none (a construct outside any platform), so the caller can keep them itself.
 */
export function reportWarnings(from: IConstruct, warnings: readonly ValidationWarning[]): boolean {
  const sink = [...from.node.scopes].reverse().find((s) => SINK in s) as
    (IConstruct & { [SINK]: ValidationWarning[] }) | undefined;
  if (!sink) return false;
  sink[SINK].push(...warnings);
  return true;
}
