// Scheduling: every pod that asks for an extended resource can land on some pool that advertises it
// and whose taints it tolerates, and every node selector and required node affinity matches some pool.
import { KARPENTER_LABELS, Toleration } from '@aiready/core';
import { asArray, asObject, asStringMap, at, Json } from '../model/kube';
import { Findings } from '../model/findings';
import { DevicePlugin, nodeResources, NodeResources, untolerated } from '../model/node-resources';
import { ObjectIndex } from '../model/object-index';
import { EffectiveContainer, isExtendedResource, podTotals } from '../model/pod-resources';
import { PodTemplate } from '../model/pod-templates';
import { Pool, poolAdmits } from '../model/pools';
import { Requirement, requirementsOf } from '../model/selectors';

/** Where each pod can run: the pools it fits, for the checks that need the GPU behind a request. */
export type Placement = ReadonlyMap<PodTemplate, readonly Pool[]>;

function nodeTerms(spec: unknown): Requirement[][] {
  const sel = Object.entries(asStringMap(at(spec, 'nodeSelector'))).map(([key, v]) => ({ key, operator: 'In', values: [v] }));
  const terms = asArray(at(spec, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms')).map(
    (t) => requirementsOf(asObject(t)?.matchExpressions),
  );
  if (!terms.length) return [sel];
  return terms.map((t) => [...sel, ...t]);
}

const describeReq = (r: Requirement) =>
  r.operator === 'In' && r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} ${r.operator} ${r.values.join(',')}`;

/** The pools a pod spec may land on: those its node selector and affinity select, tolerate, and fit. */
export interface PodPlacement {
  /** Pools whose labels the pod's node selector and required affinity allow. */
  readonly selected: readonly Pool[];
  /** Of those, pools whose taints the pod tolerates. */
  readonly tolerated: readonly Pool[];
  /** Of those, pools a node of which advertises every extended resource the pod requests. */
  readonly fits: readonly Pool[];
}

/** Where a pod spec asking for `requests` (extended resources) can run. */
export function placePod(
  spec: Json,
  requests: readonly (readonly [string, number])[],
  pools: readonly Pool[],
  nodes: ReadonlyMap<Pool, NodeResources>,
): PodPlacement {
  const tolerations = asArray(spec.tolerations) as Toleration[];
  const terms = nodeTerms(spec);
  const selected = pools.filter((p) => terms.some((term) => term.every((r) => poolAdmits(p, r))));
  const tolerated = selected.filter((p) => untolerated(p.taints, tolerations).length === 0);
  const fits = tolerated.filter((p) => requests.every(([r, n]) => (nodes.get(p)?.resources[r] ?? 0) >= n));
  return { selected, tolerated, fits };
}

/** Whether a pool with no nodes scales up for a pod asking `requests`: it keeps nodes, or its autoscaler knows them. */
export function startsFromZero(pool: Pool, requests: readonly (readonly [string, number])[]): boolean {
  return pool.minNodes > 0 || requests.every(([r, n]) => (pool.scaleFromZero[r] ?? 0) >= n);
}

/** Whether a term asks for a node Karpenter does not manage (Karpenter's own controller does). */
const outsideKarpenter = (term: readonly Requirement[]) =>
  term.some((r) => r.key === KARPENTER_LABELS.nodePool && r.operator === 'DoesNotExist');

/**
 * Checks placement of every pod; returns where each pod can run. `describesAllNodes` is false when
 * the target has no cloud plan: then the nodes Karpenter does not manage (a node group or Fargate
 * profile the cluster needs for Karpenter itself) exist outside the target.
 */
export function checkScheduling(
  pods: readonly PodTemplate[],
  resourcesOf: (pod: PodTemplate) => readonly EffectiveContainer[],
  pools: readonly Pool[],
  plugins: readonly DevicePlugin[],
  index: ObjectIndex,
  findings: Findings,
  describesAllNodes = true,
): Placement {
  const placement = new Map<PodTemplate, readonly Pool[]>();
  const nodes = new Map<Pool, NodeResources>(pools.map((p) => [p, nodeResources(p, plugins, index)]));
  for (const [pool, n] of nodes) {
    for (const c of n.configProblems) findings.error('scheduling', pool.source, c.field, c.value, c.problem, c.fix);
    if (n.missing.efa && pool.efaAlwaysAttached)
      findings.warn(
        'scheduling',
        pool.source,
        `attaches ${pool.efaPerNode} EFA interfaces per node that no pod can request: ${n.missing.efa}`,
      );
  }
  if (!pools.length) {
    if (pods.length)
      findings.warn(
        'scheduling',
        'target',
        'no node pools (NodePools or managed node groups) in the target: placement of pods not checked',
      );
    return placement;
  }
  for (const pod of pods) {
    if (pod.daemon) continue;
    const requests = Object.entries(podTotals(resourcesOf(pod), 'requests')).filter(([k, v]) => isExtendedResource(k) && v > 0);
    const tolerations = asArray(pod.spec.tolerations) as Toleration[];
    const terms = nodeTerms(pod.spec);
    const selected = pools.filter((p) => terms.some((term) => term.every((r) => poolAdmits(p, r))));
    if (!selected.length && !describesAllNodes && terms.some(outsideKarpenter)) {
      findings.warn(
        'scheduling',
        pod.ownerName,
        `${pod.path} runs only on nodes Karpenter does not manage, which this target does not describe (no cloud plan): the cluster needs a managed node group or Fargate profile for it`,
      );
      placement.set(pod, []);
      continue;
    }
    if (!selected.length) {
      const term = terms[0];
      const failing = term.find((r) => !pools.some((p) => poolAdmits(p, r))) ?? term[0];
      findings.error(
        'scheduling',
        pod.ownerName,
        `${pod.path}.${pod.spec.nodeSelector ? 'nodeSelector' : 'affinity'}`,
        failing ? describeReq(failing) : pod.spec.nodeSelector,
        `matches no node pool of the target (pools: ${pools.map((p) => p.name).join(', ')})`,
        'select a label some pool sets (aiready.dev/pool=<pool>), or add a pool with that label',
      );
      placement.set(pod, []);
      continue;
    }
    const { tolerated, fits } = placePod(pod.spec, requests, pools, nodes);
    if (!tolerated.length) {
      const taint = untolerated(selected[0].taints, tolerations)[0];
      findings.error(
        'scheduling',
        pod.ownerName,
        `${pod.path}.tolerations`,
        tolerations,
        `tolerates no taint of the pools it selects: ${selected[0].source} has ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`,
        `add the toleration { key: ${taint.key}, operator: Exists, effect: ${taint.effect} }, or select an untainted pool`,
      );
      placement.set(pod, []);
      continue;
    }
    if (requests.length && !fits.length) {
      const [resource, n] = requests.find(([r, q]) => !tolerated.some((p) => (nodes.get(p)!.resources[r] ?? 0) >= q))!;
      const why = tolerated.map((p) => {
        const node = nodes.get(p)!;
        const kind = resource === 'vpc.amazonaws.com/efa' ? 'efa' : 'gpu';
        const has = node.resources[resource];
        return has !== undefined
          ? `${p.source} offers ${has} per node`
          : (node.missing[kind] ?? `${p.source} advertises ${Object.keys(node.resources).join(', ') || 'no extended resources'}`);
      });
      findings.error(
        'scheduling',
        pod.ownerName,
        `${pod.path}.containers`,
        `${resource}: ${n}`,
        `no pool it may run on advertises ${n} x ${resource} per node: ${why.join('; ')}`,
        resource === 'vpc.amazonaws.com/efa'
          ? 'install the EFA device plugin (aws-efa-k8s-device-plugin) tolerating the pool taints, on a pool with EFA interfaces'
          : "request what the pool's sharing mode advertises (whole GPUs, MIG profiles or nvidia.com/gpu.shared), or run a device plugin on the pool",
      );
      // Still where it is meant to run: the checks that need its GPUs judge it there.
      placement.set(pod, tolerated);
      continue;
    }
    const usable = requests.length ? fits : tolerated;
    placement.set(pod, usable);
    // At zero nodes, only what the autoscaler models counts.
    const fromZero = usable.filter((p) => startsFromZero(p, requests));
    if (requests.length && !fromZero.length) {
      const [resource] = requests.find(([r, n]) => !usable.some((p) => (p.scaleFromZero[r] ?? 0) >= n))!;
      const karpenter = usable.some((p) => p.provisioner === 'karpenter');
      findings.error(
        'scheduling',
        pod.ownerName,
        `${pod.path}.containers`,
        resource,
        `stays Pending while its pools (${usable.map((p) => p.name).join(', ')}) have no nodes: the autoscaler does not know their nodes offer ${resource}`,
        karpenter
          ? `add a Karpenter NodeOverlay (settings.featureGates.nodeOverlay) giving the pool's instance types ${resource} capacity, or keep a node running`
          : `tag the node group's Auto Scaling group k8s.io/cluster-autoscaler/node-template/resources/${resource}, or set minNodes >= 1`,
      );
    }
  }
  return placement;
}
