// Label selectors as the API server evaluates them.
import { asArray, asObject, asString, asStringMap } from './kube';

/** One `matchExpressions` entry (label selectors) or node selector requirement. */
export interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export function requirementsOf(value: unknown): Requirement[] {
  return asArray(value).flatMap((r) => {
    const o = asObject(r);
    const key = asString(o?.key);
    const operator = asString(o?.operator);
    if (!key || !operator) return [];
    return [{ key, operator, values: asArray(o?.values).map(String) }];
  });
}

/** Whether a set of labels satisfies one requirement (label-selector and node-selector operators). */
export function satisfies(labels: Readonly<Record<string, string>>, r: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(v);
    case 'NotIn':
      return !has || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(v) > Number(r.values[0]);
    case 'Lt':
      return has && Number(v) < Number(r.values[0]);
    default:
      return false;
  }
}

/**
 * Whether `labels` match a `metav1.LabelSelector`. An empty selector (`{}`) matches everything;
 * `undefined` is the caller's business (it means different things in different APIs).
 */
export function matchesSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const s = asObject(selector) ?? {};
  for (const [k, v] of Object.entries(asStringMap(s.matchLabels))) if (labels[k] !== v) return false;
  return requirementsOf(s.matchExpressions).every((r) => satisfies(labels, r));
}

/** Whether a selector is empty (`{}`), which selects everything. */
export function isEmptySelector(selector: unknown): boolean {
  const s = asObject(selector);
  if (!s) return false;
  return Object.keys(asStringMap(s.matchLabels)).length === 0 && requirementsOf(s.matchExpressions).length === 0;
}
