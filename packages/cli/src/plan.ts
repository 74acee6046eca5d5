// The offline plan: what a stack would create in the cloud, from the resources recorded under mocks.
import { sortKeysDeep, KubeObject, ReleaseSummary, Values } from '@aiready/k8s';
import { RecordedResource, resourceKey } from './recorded-resource';

/** One cloud resource of the plan. */
export interface PlanResource {
  readonly type: string;
  readonly name: string;
  /** The component that owns it (`type::name`). */
  readonly parent?: string;
  /** Resources it waits for (`type::name`), components expanded to the resources inside them. */
  readonly dependsOn: readonly string[];
  readonly inputs: Record<string, unknown>;
}

/** The offline plan of a Pulumi stack: every resource it would create, recorded with mocks. */
export interface Plan {
  readonly project: string;
  readonly stack: string;
  /** Every resource Pulumi would create (custom resources and provider components), sorted by type and name. */
  readonly resources: readonly PlanResource[];
  /** Components (grouping only; they create nothing themselves), sorted. */
  readonly components: readonly string[];
  /** Resource count per type. */
  readonly counts: Readonly<Record<string, number>>;
  /** The longest dependency chain: it bounds how long `pulumi up` takes. */
  readonly longestChain: readonly string[];
}

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
/** Inputs that hold credentials-bearing values; shown as a reference, never the value. */
const SECRET_INPUTS = new Set(['kubeconfig']);

function keyInputs(r: RecordedResource): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.inputs)) {
    if (SECRET_INPUTS.has(k)) inputs[k] = '[secret]';
    else if (r.type === CONFIG_GROUP && k === 'objs' && Array.isArray(v)) {
      const kinds: Record<string, number> = {};
      for (const o of v as KubeObject[]) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      inputs.objs = { objects: v.length, kinds, manifests: 'see manifests/' };
    } else inputs[k] = v;
  }
  return sortKeysDeep(inputs);
}

/**
 * Custom resources create something; so do remote components of provider packages (a ConfigGroup
 * applies objects, though under mocks it has no children). aiready's own components and the stack
 * only group.
 */
function createsSomething(r: RecordedResource): boolean {
  return r.custom || !(r.type.startsWith('aiready:') || r.type === 'pulumi:pulumi:Stack');
}

/** Builds the plan from recorded resources. Deterministic: the same program gives the same plan. */
export function buildPlan(project: string, stack: string, recorded: readonly RecordedResource[]): Plan {
  const custom = recorded.filter(createsSomething);
  const customKeys = new Set(custom.map((r) => resourceKey(r.type, r.name)));
  const children = new Map<string, string[]>();
  for (const r of recorded) {
    if (!r.parent) continue;
    const siblings = children.get(r.parent);
    if (siblings) siblings.push(resourceKey(r.type, r.name));
    else children.set(r.parent, [resourceKey(r.type, r.name)]);
  }
  const expand = (key: string, seen = new Set<string>()): string[] => {
    if (customKeys.has(key)) return [key];
    if (seen.has(key)) return [];
    seen.add(key);
    return (children.get(key) ?? []).flatMap((c) => expand(c, seen));
  };
  const resources: PlanResource[] = custom
    .map((r) => ({
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      dependsOn: [...new Set(r.dependsOn.flatMap((d) => expand(d)))].filter((d) => d !== resourceKey(r.type, r.name)).sort(),
      inputs: keyInputs(r),
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return {
    project,
    stack,
    resources,
    components: recorded
      .filter((r) => !createsSomething(r))
      .map((r) => resourceKey(r.type, r.name))
      .sort(),
    counts: sortKeysDeep(counts),
    longestChain: longestChain(resources),
  };
}

/** The longest path through the dependency graph, first resource first. */
export function longestChain(resources: readonly PlanResource[]): string[] {
  const byKey = new Map(resources.map((r) => [resourceKey(r.type, r.name), r]));
  const memo = new Map<string, string[]>();
  const chainTo = (key: string, visiting: Set<string>): string[] => {
    const cached = memo.get(key);
    if (cached) return cached;
    if (visiting.has(key)) return [key]; // a cycle cannot happen in Pulumi; guard anyway
    visiting.add(key);
    let best: string[] = [];
    for (const dep of [...(byKey.get(key)?.dependsOn ?? [])].sort()) {
      const c = chainTo(dep, visiting);
      if (c.length > best.length) best = c;
    }
    visiting.delete(key);
    const chain = [...best, key];
    memo.set(key, chain);
    return chain;
  };
  let longest: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const c = chainTo(key, new Set());
    if (c.length > longest.length) longest = c;
  }
  return longest;
}

/** Every Kubernetes object the stack would apply through ConfigGroups. */
export function planManifests(recorded: readonly RecordedResource[]): KubeObject[] {
  return recorded.flatMap(manifestObjectsOf);
}

/** The Kubernetes objects one recorded resource applies (a ConfigGroup's), if any. */
export function manifestObjectsOf(r: RecordedResource): KubeObject[] {
  return r.type === CONFIG_GROUP && Array.isArray(r.inputs.objs) ? (r.inputs.objs as KubeObject[]) : [];
}

const HELM_RELEASE = 'kubernetes:helm.sh/v3:Release';

/**
 * Every Helm release the stack installs, as Pulumi's helm.v3.Release gets it (name, chart, version,
 * namespace, values, skipCrds): what `--render` renders. The component comes from the platform
 * summary; a release the program adds by itself is its own component.
 */
export function planReleases(
  recorded: readonly RecordedResource[],
  summary: readonly Pick<ReleaseSummary, 'releaseName' | 'component'>[] = [],
): {
  releaseName: string;
  component: string;
  chart: string;
  version: string;
  namespace: string;
  values: Values;
  skipCrds: boolean;
}[] {
  return recorded
    .filter((r) => r.type === HELM_RELEASE)
    .map((r) => {
      const i = r.inputs as {
        name?: string;
        chart?: string;
        version?: string;
        namespace?: string;
        values?: Values;
        skipCrds?: boolean;
      };
      const releaseName = i.name ?? r.name;
      if (!i.chart || !i.version)
        throw new Error(
          `helm.v3.Release ${r.name} has no ${i.chart ? 'version' : 'chart'}: pin its chart version so it can be reviewed`,
        );
      return {
        releaseName,
        component: summary.find((s) => s.releaseName === releaseName)?.component ?? releaseName,
        // `oci://registry/path/chart` or a chart name with repositoryOpts.
        chart: i.chart.slice(i.chart.lastIndexOf('/') + 1),
        version: i.version,
        namespace: i.namespace ?? 'default',
        values: i.values ?? {},
        skipCrds: i.skipCrds ?? false,
      };
    })
    .sort((a, b) => a.releaseName.localeCompare(b.releaseName));
}
