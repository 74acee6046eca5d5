// Shared by the Pod Security rules: their types, and how they read containers and word refusals
// (upstream's joinQuote and pluralize, kubernetes/pod-security-admission policy/helpers.go).
import { asArray, asObject, asString, Json } from '../model/kube';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A Kubernetes minor as a comparable number (1.35 → 135). */
export type Minor = number;

/** The `Minor` of a `1.35` (or `v1.35`) version string; undefined for anything else. */
export function minorOf(version: string): Minor | undefined {
  const m = /^v?1\.(\d+)$/.exec(version.trim());
  return m ? 100 + Number(m[1]) : undefined;
}

/** One refusal: the reason the API server prints, its detail, and where the bad value is. */
export interface Violation {
  readonly reason: string;
  readonly detail: string;
  /** The first offending container's name, or undefined when the pod spec itself is at fault. */
  readonly container?: string;
  /** Field under the container (or pod spec) holding the bad value. */
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

/** One Pod Security Standards check, with its variants by Kubernetes version. */
export interface PodSecurityRule {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  /** Variants by minimum version, newest last. */
  readonly versions: readonly {
    readonly min: Minor;
    /** The violation of the pod (metadata, spec), if any. */
    readonly check: (meta: Json, spec: Json) => Violation | undefined;
  }[];
  /** Baseline rules a restricted rule replaces. */
  readonly overrides?: readonly string[];
}

export interface C {
  readonly name: string;
  readonly sc: Json | undefined;
  readonly c: Json;
}

/** Init, regular and ephemeral containers, in upstream's visiting order. */
export function containers(spec: Json): C[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((list) =>
    asArray(spec[list]).map((raw) => {
      const c = asObject(raw) ?? {};
      return { name: asString(c.name) ?? '', sc: asObject(c.securityContext), c };
    }),
  );
}

export const quote = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');
export const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
export const podSc = (spec: Json) => asObject(spec.securityContext);
export const isWindows = (spec: Json) => asObject(spec.os)?.name === 'windows';
export const userNamespace = (spec: Json) => spec.hostUsers === false;

export function bad(
  reason: string,
  detail: string,
  fix: string,
  where: { container?: string; field: string; value: unknown },
): Violation {
  return { reason, detail, fix, ...where };
}
