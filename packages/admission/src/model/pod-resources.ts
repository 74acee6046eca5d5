// A pod's resources as the API server leaves them: requests defaulted from limits (pod defaulting),
// then the namespace's LimitRange defaults (LimitRanger admission), then what the pod asks in total.
import { asArray, asObject, asString, Json } from './kube';
import { containersOf } from './pod-templates';
import { parseResourceList } from './quantity';

/** A LimitRange item of type Container, with the API server's own defaulting applied. */
export interface ContainerLimits {
  /** `LimitRange namespace/name`. */
  readonly source: string;
  readonly index: number;
  readonly default: Readonly<Record<string, number>>;
  readonly defaultRequest: Readonly<Record<string, number>>;
  readonly min: Readonly<Record<string, number>>;
  readonly max: Readonly<Record<string, number>>;
  readonly maxLimitRequestRatio: Readonly<Record<string, number>>;
}

/**
 * The Container items of a LimitRange, defaulted as the API server stores them (SetDefaults_LimitRangeItem):
 * a missing default limit becomes the max, a missing default request the default limit, else the min.
 */
export function containerLimitsOf(spec: unknown, source: string): ContainerLimits[] {
  return asArray(asObject(spec)?.limits).flatMap((raw, index) => {
    const item = asObject(raw) ?? {};
    if (item.type !== 'Container') return [];
    const max = parseResourceList(item.max);
    const min = parseResourceList(item.min);
    const def = { ...max, ...parseResourceList(item.default) };
    const defaultRequest = { ...min, ...def, ...parseResourceList(item.defaultRequest) };
    return [
      {
        source,
        index,
        default: def,
        defaultRequest,
        min,
        max,
        maxLimitRequestRatio: parseResourceList(item.maxLimitRequestRatio),
      },
    ];
  });
}

/** One container's resources after defaulting, with what was defaulted and by whom. */
export interface EffectiveContainer {
  readonly name: string;
  readonly list: string;
  readonly index: number;
  readonly requests: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
  /** Resources whose limit a LimitRange set, with the LimitRange. */
  readonly defaultedLimits: Readonly<Record<string, string>>;
  readonly defaultedRequests: Readonly<Record<string, string>>;
}

/** Every container's resources after pod defaulting and the LimitRanges of its namespace. */
export function effectiveContainers(spec: Json, limitRanges: readonly ContainerLimits[]): EffectiveContainer[] {
  return containersOf(spec)
    .filter((c) => c.list !== 'ephemeralContainers')
    .map(({ container, list, index }) => {
      const resources = asObject(container.resources) ?? {};
      const limits = parseResourceList(resources.limits);
      // Pod defaulting: a resource with a limit and no request requests its limit.
      const requests = { ...limits, ...parseResourceList(resources.requests) };
      const defaultedLimits: Record<string, string> = {};
      const defaultedRequests: Record<string, string> = {};
      for (const lr of limitRanges) {
        for (const [k, v] of Object.entries(lr.default))
          if (!(k in limits)) {
            limits[k] = v;
            defaultedLimits[k] = lr.source;
          }
        for (const [k, v] of Object.entries(lr.defaultRequest))
          if (!(k in requests)) {
            requests[k] = v;
            defaultedRequests[k] = lr.source;
          }
      }
      return { name: asString(container.name) ?? '', list, index, requests, limits, defaultedLimits, defaultedRequests };
    });
}

/**
 * What the pod asks the scheduler and quota for: per resource, the larger of the sum over its
 * regular containers and the largest init container (sidecar init containers add to the sum).
 */
export function podTotals(containers: readonly EffectiveContainer[], key: 'requests' | 'limits'): Record<string, number> {
  const sum: Record<string, number> = {};
  const initMax: Record<string, number> = {};
  for (const c of containers) {
    const target = c.list === 'initContainers' ? initMax : sum;
    for (const [k, v] of Object.entries(c[key]))
      target[k] = c.list === 'initContainers' ? Math.max(target[k] ?? 0, v) : (target[k] ?? 0) + v;
  }
  const out: Record<string, number> = { ...sum };
  for (const [k, v] of Object.entries(initMax)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

/** Extended resources (anything namespaced with a domain, `nvidia.com/gpu`), which are never overcommitted. */
export function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.startsWith('requests.') && !name.startsWith('limits.') && !name.startsWith('kubernetes.io/');
}
