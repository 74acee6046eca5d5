// The node pools of a target as the scheduler and autoscalers see them: Karpenter NodePools (with their
// EC2NodeClass and NodeOverlays) among the objects, and EKS managed node groups in the plan.
import { findInstanceType, GPU_MODELS, GpuModel, KARPENTER_LABELS, Taint, WELL_KNOWN_LABELS } from '@aiready/core';
import { asArray, asObject, asString, asStringMap, at, describe, KubeObject } from './kube';
import { ObjectIndex } from './object-index';
import { PLAN_TYPES, PlanIndex, PlanResource } from './plan';
import { parseResourceList } from './quantity';
import { Release, valueOf } from './releases';
import { Requirement, requirementsOf, satisfies } from './selectors';

/** A group of nodes that share labels, taints and instance types. */
export interface Pool {
  readonly name: string;
  /** How findings name it: `NodePool h100-training`, `node group gpu-l4-batch-ng`. */
  readonly source: string;
  readonly provisioner: 'karpenter' | 'managed-node-group';
  /** Labels every node of the pool carries. */
  readonly labels: Readonly<Record<string, string>>;
  /** Constraints on the other labels (Karpenter requirements). */
  readonly requirements: readonly Requirement[];
  readonly taints: readonly Taint[];
  /** Instance types; empty when the pool does not list them (any type its requirements allow). */
  readonly instanceTypes: readonly string[];
  /** GPU model and the fewest GPUs a node of the pool has; undefined for CPU pools. */
  readonly gpu?: { readonly model: GpuModel; readonly perNode: number };
  /** EFA devices per node; 0 without EFA. */
  readonly efaPerNode: number;
  /**
   * Every node gets its EFA interfaces, used or not (the node class or launch template lists them).
   * Otherwise Karpenter attaches them only to nodes launched for pods that request EFA.
   */
  readonly efaAlwaysAttached: boolean;
  readonly amiFamily: 'al2023' | 'bottlerocket' | 'other';
  /** Nodes that always run (managed node group minSize); Karpenter pools start from zero. */
  readonly minNodes: number;
  /**
   * Extended resources the autoscaler believes a node offers before one exists: the cluster
   * autoscaler's node-template tags (managed node groups), Karpenter's instance types plus NodeOverlays.
   */
  readonly scaleFromZero: Readonly<Record<string, number>>;
  /**
   * Something adds nodes when pods are pending: Karpenter for its pools; for a node group, the cluster
   * autoscaler's discovery tag on its Auto Scaling group.
   */
  readonly autoscaled: boolean;
}

/** Labels every node gets from the kubelet or the cloud, whatever the pool says. */
const NODE_SET_LABELS = [
  WELL_KNOWN_LABELS.arch,
  WELL_KNOWN_LABELS.os,
  WELL_KNOWN_LABELS.zone,
  WELL_KNOWN_LABELS.instanceType,
  'kubernetes.io/hostname',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/zone',
];

function taintsOf(value: unknown): Taint[] {
  return asArray(value).flatMap((t) => {
    const o = asObject(t);
    const key = asString(o?.key);
    if (!key) return [];
    const effect = String(o?.effect).toLowerCase().replace(/_/g, '');
    const mapped = effect === 'noschedule' ? 'NoSchedule' : effect === 'prefernoschedule' ? 'PreferNoSchedule' : 'NoExecute';
    return [{ key, ...(asString(o?.value) !== undefined ? { value: asString(o?.value) } : {}), effect: mapped } as Taint];
  });
}

function gpuOf(types: readonly string[]): Pool['gpu'] {
  const known = types.map((t) => findInstanceType(t)).filter((t) => t !== undefined);
  if (!known.length) return undefined;
  const model = GPU_MODELS[known[0].gpuModel];
  return { model, perNode: Math.min(...known.map((t) => t.gpuCount)) };
}

function maxEfa(types: readonly string[]): number {
  const counts = types.map((t) => findInstanceType(t)?.efaInterfaces ?? 0);
  return counts.length ? Math.min(...counts) : 0;
}

/**
 * Karpenter instance types advertise nvidia.com/gpu and EFA by themselves; other resources need a
 * NodeOverlay. Overlays apply per instance type (their requirements may name some of the pool's types
 * only); a resource counts with the most any type of the pool gets, since Karpenter launches any type
 * a pending pod fits.
 */
function overlayCapacity(
  pool: { labels: Record<string, string>; requirements: readonly Requirement[]; types: readonly string[] },
  overlays: readonly KubeObject[],
): Record<string, number> {
  const out: Record<string, number> = {};
  const types = pool.types.length ? pool.types : [undefined];
  for (const type of types) {
    const labels = type ? { ...pool.labels, [WELL_KNOWN_LABELS.instanceType]: type } : pool.labels;
    const capacity: Record<string, number> = {};
    for (const o of overlays) {
      const reqs = requirementsOf(at(o, 'spec.requirements'));
      if (!reqs.every((r) => satisfies(labels, r) || (!(r.key in labels) && pool.requirements.some((p) => p.key === r.key))))
        continue;
      Object.assign(capacity, parseResourceList(at(o, 'spec.capacity')));
    }
    for (const [r, n] of Object.entries(capacity)) out[r] = Math.max(out[r] ?? 0, n);
  }
  return out;
}

/**
 * Whether Karpenter applies NodeOverlays: its alpha `nodeOverlay` feature gate is on in the target's
 * Karpenter release. Without a Karpenter release the target runs on a Karpenter installed apart, whose
 * settings it cannot see: its overlays are taken as applied.
 */
export function nodeOverlaysApplied(releases: readonly Release[]): boolean {
  const karpenter = releases.filter((r) => r.chart === 'karpenter');
  return !karpenter.length || karpenter.some((r) => valueOf<unknown>(r, 'settings.featureGates.nodeOverlay', false) === true);
}

function karpenterPools(index: ObjectIndex, overlaysApplied: boolean): Pool[] {
  const overlays = overlaysApplied ? index.ofKind('NodeOverlay').map((t) => t.object) : [];
  return index.ofKind('NodePool').map(({ object: np }) => {
    const name = np.metadata?.name ?? '';
    const requirements = requirementsOf(at(np, 'spec.template.spec.requirements'));
    const labels: Record<string, string> = {
      ...asStringMap(at(np, 'spec.template.metadata.labels')),
      [KARPENTER_LABELS.nodePool]: name,
    };
    for (const r of requirements) if (r.operator === 'In' && r.values.length === 1) labels[r.key] = r.values[0];
    const types = requirements.find((r) => r.key === WELL_KNOWN_LABELS.instanceType && r.operator === 'In')?.values ?? [];
    const classRef = asString(at(np, 'spec.template.spec.nodeClassRef.name'));
    const nodeClass = index.find('EC2NodeClass', undefined, classRef)?.object;
    const alias = asString(asObject(asArray(at(nodeClass, 'spec.amiSelectorTerms'))[0])?.alias) ?? '';
    const interfaces = asArray(at(nodeClass, 'spec.networkInterfaces'));
    const efaPerNode = interfaces.length
      ? interfaces.filter((i) => asObject(i)?.interfaceType === 'efa-only').length
      : maxEfa(types);
    const gpu = gpuOf(types);
    const scaleFromZero: Record<string, number> = {
      ...(gpu ? { 'nvidia.com/gpu': gpu.perNode } : {}),
      ...(efaPerNode ? { 'vpc.amazonaws.com/efa': efaPerNode } : {}),
      ...overlayCapacity({ labels, requirements, types }, overlays),
    };
    return {
      name,
      source: describe(np),
      provisioner: 'karpenter' as const,
      labels,
      requirements,
      taints: taintsOf(at(np, 'spec.template.spec.taints')),
      instanceTypes: types,
      ...(gpu ? { gpu } : {}),
      efaPerNode,
      efaAlwaysAttached: interfaces.some((i) => /efa/.test(String(asObject(i)?.interfaceType))),
      amiFamily: alias.startsWith('bottlerocket') ? 'bottlerocket' : alias.startsWith('al2023') ? 'al2023' : 'other',
      minNodes: 0,
      scaleFromZero,
      autoscaled: true,
    };
  });
}

const CA_RESOURCE_TAG = 'k8s.io/cluster-autoscaler/node-template/resources/';
const CA_ENABLED_TAG = 'k8s.io/cluster-autoscaler/enabled';

function nodeGroupPools(plan: PlanIndex): Pool[] {
  const tags = plan.ofType(PLAN_TYPES.asgTag);
  const templates = plan.ofType('aws:ec2/launchTemplate:LaunchTemplate');
  return plan.ofType(PLAN_TYPES.nodeGroup).map((ng) => {
    const i = ng.inputs;
    const types = asArray(i.instanceTypes).map(String);
    const sameGroup = (r: PlanResource) =>
      (ng.parent !== undefined && r.parent === ng.parent) || String(r.inputs.autoscalingGroupName ?? '').includes(ng.name);
    const scaleFromZero: Record<string, number> = {};
    let autoscaled = false;
    for (const t of tags.filter(sameGroup)) {
      const tag = asObject(t.inputs.tag) ?? {};
      const key = asString(tag.key) ?? '';
      if (key.startsWith(CA_RESOURCE_TAG)) scaleFromZero[key.slice(CA_RESOURCE_TAG.length)] = Number(tag.value);
      if (key === CA_ENABLED_TAG) autoscaled = true;
    }
    const lt = templates.find(sameGroup);
    const efaPerNode = asArray(lt?.inputs.networkInterfaces).filter((n) => /efa/.test(String(asObject(n)?.interfaceType))).length;
    const gpu = gpuOf(types);
    const amiType = String(i.amiType ?? '');
    return {
      name: asString(i.nodeGroupName) ?? ng.name,
      source: `node group ${ng.name}`,
      provisioner: 'managed-node-group' as const,
      labels: { ...asStringMap(i.labels), ...(types.length === 1 ? { [WELL_KNOWN_LABELS.instanceType]: types[0] } : {}) },
      requirements: types.length > 1 ? [{ key: WELL_KNOWN_LABELS.instanceType, operator: 'In', values: types }] : [],
      taints: taintsOf(i.taints),
      instanceTypes: types,
      ...(gpu ? { gpu } : {}),
      efaPerNode,
      efaAlwaysAttached: efaPerNode > 0,
      amiFamily: amiType.startsWith('BOTTLEROCKET') ? 'bottlerocket' : amiType.startsWith('AL2023') ? 'al2023' : 'other',
      minNodes: Number(asObject(i.scalingConfig)?.minSize ?? 0),
      scaleFromZero,
      autoscaled,
    };
  });
}

/** Every pool of the target. */
export function poolsOf(index: ObjectIndex, plan: PlanIndex, releases: readonly Release[] = []): Pool[] {
  return [...karpenterPools(index, nodeOverlaysApplied(releases)), ...nodeGroupPools(plan)];
}

/**
 * Whether some node of the pool can carry `labels` satisfying `r`: its fixed labels, its requirements,
 * or the labels the kubelet and cloud set on every node.
 */
export function poolAdmits(pool: Pool, r: Requirement): boolean {
  if (r.key in pool.labels) return satisfies(pool.labels, r);
  const constraint = pool.requirements.find((p) => p.key === r.key);
  if (constraint) {
    if (constraint.operator === 'In') return constraint.values.some((v) => satisfies({ [r.key]: v }, r));
    if (constraint.operator === 'DoesNotExist') return satisfies({}, r);
    return r.operator !== 'DoesNotExist';
  }
  const kubelet = NODE_SET_LABELS.includes(r.key);
  const karpenter =
    pool.provisioner === 'karpenter' && (r.key.startsWith('karpenter.k8s.aws/') || r.key.startsWith('karpenter.sh/'));
  if (kubelet || karpenter) return r.operator !== 'DoesNotExist';
  return satisfies({}, r);
}
