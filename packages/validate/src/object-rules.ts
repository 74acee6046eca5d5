// What the API server checks about an object beyond its schema: the name rules of its kind, no
// namespace on a cluster-scoped kind, label and annotation syntax, the restart policy a workload's pod
// template may have, and (across one target, which is one cluster) no object twice.
import type { Problem } from './schema-check';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** The Kubernetes name rule a kind's names follow (DNS-1123 subdomain or label, DNS-1035 label, path segment). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

/** Name rules that differ from the default (a DNS-1123 subdomain), by kind. */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  Namespace: 'label',
  Service: 'dns1035',
  Role: 'path-segment',
  ClusterRole: 'path-segment',
  RoleBinding: 'path-segment',
  ClusterRoleBinding: 'path-segment',
};

/** `name` is no valid name under `rule`: why, or undefined. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'label':
      return name.length <= 63 && LABEL.test(name)
        ? undefined
        : 'must be a DNS-1123 label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';
    case 'dns1035':
      return name.length <= 63 && DNS1035.test(name)
        ? undefined
        : 'must be a DNS-1035 label: at most 63 lower-case letters, digits and "-", starting with a letter';
    case 'path-segment':
      return name === '.' || name === '..' || /[/%]/.test(name) ? 'may not be "." or "..", or contain "/" or "%"' : undefined;
    default:
      return name.length <= 253 && SUBDOMAIN.test(name)
        ? undefined
        : 'must be a DNS-1123 subdomain: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix))) return 'prefix must be a DNS-1123 subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name))
    return 'name part must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

type Meta = { name?: unknown; generateName?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown };

/** Problems with an object's metadata for a kind of `scope`. */
export function metadataProblems(kind: string, scope: 'Namespaced' | 'Cluster', object: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const meta = (object.metadata ?? {}) as Meta;
  const push = (path: string, message: string) => problems.push({ path, message });
  if (typeof meta.name !== 'string' || meta.name === '') {
    if (typeof meta.generateName !== 'string') push('metadata.name', 'Required value: name or generateName is required');
  } else {
    const problem = nameProblem(meta.name, NAME_RULES[kind] ?? 'subdomain');
    if (problem) push('metadata.name', `Invalid value: ${JSON.stringify(meta.name)}: ${problem}`);
  }
  if (scope === 'Cluster' && meta.namespace !== undefined && meta.namespace !== '')
    push('metadata.namespace', `not allowed: ${kind} is cluster-scoped; remove the namespace`);
  if (scope === 'Namespaced' && typeof meta.namespace === 'string' && meta.namespace !== '') {
    const problem = nameProblem(meta.namespace, 'label');
    if (problem) push('metadata.namespace', `Invalid value: ${JSON.stringify(meta.namespace)}: ${problem}`);
  }
  for (const [field, values] of [
    ['labels', meta.labels],
    ['annotations', meta.annotations],
  ] as const) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [key, value] of Object.entries(values)) {
      const problem = qualifiedNameProblem(key);
      if (problem) push(`metadata.${field}`, `Invalid key: ${JSON.stringify(key)}: ${problem}`);
      if (field === 'labels' && typeof value === 'string' && value !== '' && (value.length > 63 || !QUALIFIED_NAME.test(value)))
        push(
          `metadata.labels`,
          `Invalid value: ${JSON.stringify(value)} for ${key}: must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
        );
    }
  }
  if (meta.annotations && Buffer.byteLength(JSON.stringify(meta.annotations)) > ANNOTATIONS_MAX_BYTES)
    push('metadata.annotations', 'Too long: annotations may hold at most 256 KiB');
  problems.push(...kindProblems(kind, object));
  return problems;
}

/** Rules of particular kinds that the API server's validation enforces. */
function kindProblems(kind: string, object: Record<string, unknown>): Problem[] {
  const spec = (object.spec ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const name = (object.metadata as Meta | undefined)?.name;
  const problems: Problem[] = [];
  const restart = (path: string, policy: unknown, allowed: string[], required: boolean) => {
    if (policy === undefined || policy === '') {
      if (required) problems.push({ path, message: `Required value: must be one of ${allowed.join(', ')}` });
    } else if (!allowed.includes(policy as string)) {
      problems.push({ path, message: `Unsupported value: ${JSON.stringify(policy)}: supported values: ${allowed.join(', ')}` });
    }
  };
  switch (kind) {
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicaSet':
      restart('spec.template.spec.restartPolicy', spec.template?.spec?.restartPolicy, ['Always'], false);
      break;
    case 'Job':
      restart('spec.template.spec.restartPolicy', spec.template?.spec?.restartPolicy, ['OnFailure', 'Never'], true);
      break;
    case 'CronJob':
      restart(
        'spec.jobTemplate.spec.template.spec.restartPolicy',
        spec.jobTemplate?.spec?.template?.spec?.restartPolicy,
        ['OnFailure', 'Never'],
        true,
      );
      break;
    case 'CustomResourceDefinition': {
      const expected = `${spec.names?.plural}.${spec.group}`;
      if (typeof name === 'string' && name !== expected)
        problems.push({
          path: 'metadata.name',
          message: `Invalid value: ${JSON.stringify(name)}: must be spec.names.plural+"."+spec.group (${expected})`,
        });
      break;
    }
    case 'APIService': {
      const expected = `${spec.version}.${spec.group}`;
      if (typeof name === 'string' && spec.group !== undefined && name !== expected)
        problems.push({
          path: 'metadata.name',
          message: `Invalid value: ${JSON.stringify(name)}: must be spec.version+"."+spec.group (${expected})`,
        });
      break;
    }
  }
  return problems;
}

/** The identity of an object in a cluster: group, kind, namespace, name. */
export function identity(
  apiVersion: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster',
  object: Record<string, unknown>,
): string {
  const meta = (object.metadata ?? {}) as Meta;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const namespace = scope === 'Namespaced' ? String(meta.namespace ?? '') : '';
  return `${group}/${kind}/${namespace}/${String(meta.name ?? '')}`;
}
