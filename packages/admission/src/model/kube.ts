// Plain Kubernetes objects as the checker reads them: no cdk8s, no client, just JSON.

/** A Kubernetes object as plain JSON (what synth writes, or what a chart renders). */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
};

/** A JSON object with unknown fields. */
export type Json = Record<string, unknown>;

/** The field at `path` (`spec.template.spec`, `spec.replicatedJobs[0].template`) of `value`, or undefined. */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** `value` when it is a JSON object, else undefined. */
export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** `value` when it is an array, else an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string-to-string map (labels, node selectors), ignoring non-string values. */
export function asStringMap(value: unknown): Record<string, string> {
  const obj = asObject(value);
  if (!obj) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** How an object is named in findings: `Deployment serving/llm`, `NodePool h100`. */
export function describe(o: KubeObject, namespace = o.metadata?.namespace): string {
  const name = o.metadata?.name ?? '<unnamed>';
  return namespace ? `${o.kind} ${namespace}/${name}` : `${o.kind} ${name}`;
}

/** A stable identity for an object: `group/Kind/namespace/name`. */
export function objectKey(o: KubeObject, namespace = o.metadata?.namespace): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** The object's labels (string values only; empty when it has none). */
export function labelsOf(o: { metadata?: unknown }): Record<string, string> {
  return asStringMap(at(o, 'metadata.labels'));
}

/** The object's annotations (string values only; empty when it has none). */
export function annotationsOf(o: { metadata?: unknown }): Record<string, string> {
  return asStringMap(at(o, 'metadata.annotations'));
}
