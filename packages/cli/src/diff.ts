// `aiready diff`: compares two synthesized trees object by object. Kubernetes objects (manifests/ and
// rendered/) are matched by component, kind, namespace and name, and changed fields are listed with
// old and new values; SUMMARY.md gives the GPU and cost deltas; plan.json the cloud resources added,
// removed, updated or replaced. Pure: the trees are read into memory first.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { FieldChange, fieldChanges } from './diff-fields';
import { planChanges, CloudChange } from './diff-plan';
import { parseSummaryPools, PoolFacts, summaryTotal } from './diff-summary';

export type { FieldChange };

/** A synthesized tree: target id (`ai-platform-dev`, `examples/ml-teams`) → file path → content. */
export type DistTree = Map<string, Map<string, string>>;

/** Reads a dist folder: every folder holding a SUMMARY.md is a target. */
export function readDist(dir: string): DistTree {
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: synthesize it first with \`aiready synth\``);
  const tree: DistTree = new Map();
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const roots = entries
    .filter((e) => e.name === 'SUMMARY.md')
    .map((e) => path.relative(dir, e.parentPath))
    .sort((a, b) => b.length - a.length);
  for (const e of entries) {
    const rel = path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    const root = roots.find((r) => rel.startsWith(`${r}/`));
    if (root === undefined) continue;
    const target = tree.get(root) ?? new Map<string, string>();
    target.set(rel.slice(root.length + 1), fs.readFileSync(path.join(dir, rel), 'utf8'));
    tree.set(root, target);
  }
  return new Map([...tree].sort(([a], [b]) => a.localeCompare(b)));
}

/** One object added, removed or changed between two dist/ folders. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  /** `Kind name` or `Kind namespace/name` (`Kind.group` for API groups). */
  readonly object: string;
  readonly fields: readonly FieldChange[];
}

/** Changes within one component: `manifests/<component>` or `rendered/<release>`. */
export interface ComponentChanges {
  readonly component: string;
  readonly objects: readonly ObjectChange[];
}

/** A GPU pool whose facts (size, GPUs, cost) changed between two dist/ folders. */
export interface PoolDelta {
  readonly pool: string;
  readonly old?: PoolFacts;
  readonly new?: PoolFacts;
}

/** The changes of one target between two dist/ folders. */
export interface TargetDiff {
  readonly target: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly components: readonly ComponentChanges[];
  readonly pools: readonly PoolDelta[];
  /** Most $/h at full size, old and new, when SUMMARY.md says. */
  readonly usdPerHour?: { readonly old?: number; readonly new?: number };
  readonly cloud: readonly CloudChange[];
  /** Other files that differ (SUMMARY.md text such as warnings). */
  readonly otherFiles: readonly string[];
}

/** The changes between two dist/ folders, per target. */
export interface DistDiff {
  readonly targets: readonly TargetDiff[];
}

type KubeDoc = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };

function objectName(o: KubeDoc): string {
  const group = o.apiVersion?.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind}${group} ${ns}${o.metadata?.name ?? ''}`;
}

/** Every Kubernetes object of a target, by component then object name. */
function objectsOf(files: ReadonlyMap<string, string>): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const [file, content] of files) {
    const m = /^(manifests|rendered)\/(.+)\/[^/]+\.ya?ml$/.exec(file);
    if (!m) continue;
    const component = `${m[1]}/${m[2]}`;
    const objs = out.get(component) ?? new Map<string, unknown>();
    for (const doc of YAML.parseAllDocuments(content)) {
      const o = doc.toJS({ maxAliasCount: -1 }) as KubeDoc | null;
      if (o && typeof o === 'object' && o.kind) objs.set(objectName(o), o);
    }
    out.set(component, objs);
  }
  return out;
}

function componentChanges(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): ComponentChanges[] {
  const oa = objectsOf(a);
  const ob = objectsOf(b);
  const components = [...new Set([...oa.keys(), ...ob.keys()])].sort();
  const out: ComponentChanges[] = [];
  for (const component of components) {
    const ca = oa.get(component) ?? new Map<string, unknown>();
    const cb = ob.get(component) ?? new Map<string, unknown>();
    const objects: ObjectChange[] = [];
    for (const name of [...new Set([...ca.keys(), ...cb.keys()])].sort()) {
      if (!ca.has(name)) objects.push({ change: 'added', object: name, fields: [] });
      else if (!cb.has(name)) objects.push({ change: 'removed', object: name, fields: [] });
      else {
        const fields = fieldChanges(ca.get(name), cb.get(name));
        if (fields.length) objects.push({ change: 'changed', object: name, fields });
      }
    }
    if (objects.length) out.push({ component, objects });
  }
  return out;
}

function poolDeltas(a?: string, b?: string): PoolDelta[] {
  const pa = parseSummaryPools(a ?? '');
  const pb = parseSummaryPools(b ?? '');
  return [...new Set([...pa.keys(), ...pb.keys()])]
    .sort()
    .map((pool) => ({ pool, old: pa.get(pool), new: pb.get(pool) }))
    .filter((d) => JSON.stringify(d.old) !== JSON.stringify(d.new));
}

/** Compares two trees. Targets, components and objects come out sorted. */
export function diffDist(a: DistTree, b: DistTree): DistDiff {
  const targets: TargetDiff[] = [];
  for (const target of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const fa = a.get(target) ?? new Map<string, string>();
    const fb = b.get(target) ?? new Map<string, string>();
    const changedFiles = [...new Set([...fa.keys(), ...fb.keys()])].sort().filter((f) => fa.get(f) !== fb.get(f));
    if (!changedFiles.length) continue;
    const [sa, sb] = [fa.get('SUMMARY.md'), fb.get('SUMMARY.md')];
    const [ta, tb] = [summaryTotal(sa ?? ''), summaryTotal(sb ?? '')];
    targets.push({
      target,
      change: !a.has(target) ? 'added' : !b.has(target) ? 'removed' : 'changed',
      components: componentChanges(fa, fb),
      pools: poolDeltas(sa, sb),
      ...(ta !== tb ? { usdPerHour: { old: ta, new: tb } } : {}),
      cloud: planChanges(fa.get('plan.json'), fb.get('plan.json')),
      otherFiles: changedFiles.filter((f) => !/^(manifests|rendered)\//.test(f) && f !== 'plan.json'),
    });
  }
  return { targets };
}
