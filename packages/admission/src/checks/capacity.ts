// Capacity of fixed node groups: the controllers that can run only on a node group nothing scales (the
// system node group, where Karpenter itself runs) must fit on its minimum nodes, with the DaemonSets that
// land there and the EKS add-ons, or they stay Pending and the platform never comes up (Karpenter
// Pending means no GPU node is ever launched). While the platform comes up the fixed groups are the only
// nodes, so other controllers land there first; those of default priority are preempted for Karpenter's
// system-cluster-critical pods and move to nodes Karpenter launches, but a system-critical pod that
// landed there is never preempted, so it counts too.
import { CpuInstanceType, eksAllocatable, EKS_ADDON_REQUESTS, findCpuInstanceType } from '@aiready/core';
import { asObject, at, describe, Json } from '../model/kube';
import { Findings } from '../model/findings';
import { NodeResources } from '../model/node-resources';
import { ObjectIndex } from '../model/object-index';
import { EffectiveContainer, podTotals } from '../model/pod-resources';
import { PodTemplate } from '../model/pod-templates';
import { Pool } from '../model/pools';
import { formatBytes, parseResourceList } from '../model/quantity';
import { placePod } from './scheduling';

/** Kinds whose pods run for as long as the platform does (Jobs finish and free their requests). */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
/** Priority classes nothing on the node preempts. */
const CRITICAL = new Set(['system-cluster-critical', 'system-node-critical']);

/** A long-running consumer of a pool: what it requests in all. */
interface Consumer {
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
}

/** The pods the Prometheus operator makes from its custom resources (not pod templates of their own). */
function operatorPods(index: ObjectIndex): { name: string; spec: Json; replicas: number; requests: Record<string, number> }[] {
  return ['Prometheus', 'Alertmanager'].flatMap((kind) =>
    index
      .ofKind(kind)
      .filter((t) => t.object.apiVersion.startsWith('monitoring.coreos.com/'))
      .map(({ object }) => ({
        name: describe(object),
        spec: {
          nodeSelector: at(object, 'spec.nodeSelector'),
          tolerations: at(object, 'spec.tolerations'),
          affinity: at(object, 'spec.affinity'),
        } as Json,
        replicas: Number(at(object, 'spec.replicas') ?? 1),
        requests: parseResourceList(asObject(at(object, 'spec.resources'))?.requests),
      })),
  );
}

const allocatable = (t: CpuInstanceType) => eksAllocatable(t.vcpu, t.memoryGiB, t.maxPods);
/** The size the fix suggests. */
const LARGER = findCpuInstanceType('m7i.xlarge')!;

const cores = (n: number) => `${Math.round(n * 100) / 100} CPU`;

/**
 * Checks that what can run only on a fixed node group (no autoscaler, a known CPU instance type)
 * fits its minimum nodes; see the file comment.
 */
export function checkFixedPoolCapacity(
  pods: readonly PodTemplate[],
  resourcesOf: (pod: PodTemplate) => readonly EffectiveContainer[],
  pools: readonly Pool[],
  nodes: ReadonlyMap<Pool, NodeResources>,
  index: ObjectIndex,
  findings: Findings,
): void {
  const onlyOn = (spec: Json, pool: Pool) => {
    const fits = placePod(spec, [], pools, nodes).fits;
    return fits.length === 1 && fits[0] === pool;
  };
  const lands = (spec: Json, pool: Pool) => placePod(spec, [], [pool], nodes).fits.length === 1;
  for (const pool of pools) {
    if (pool.provisioner !== 'managed-node-group' || pool.gpu || pool.autoscaled || pool.minNodes < 1) continue;
    const types = pool.instanceTypes.map(findCpuInstanceType);
    if (!types.length || types.some((t) => t === undefined)) continue;
    // The smallest type of the group: a node group may launch any of them.
    const node = types.map((t) => eksAllocatable(t!.vcpu, t!.memoryGiB, t!.maxPods)).reduce((a, b) => (a.cpu <= b.cpu ? a : b));
    const capacity = {
      cpu: pool.minNodes * (node.cpu - EKS_ADDON_REQUESTS.perNode.cpu),
      memory: pool.minNodes * (node.memory - EKS_ADDON_REQUESTS.perNode.memory),
    };
    const consumers: Consumer[] = [
      { name: 'CoreDNS (EKS add-on)', cpu: EKS_ADDON_REQUESTS.perCluster.cpu, memory: EKS_ADDON_REQUESTS.perCluster.memory },
    ];
    for (const pod of pods) {
      const totals = podTotals(resourcesOf(pod), 'requests');
      const each = { cpu: totals.cpu ?? 0, memory: totals.memory ?? 0 };
      if (pod.daemon && lands(pod.spec, pool))
        consumers.push({
          name: `${pod.ownerName} (per node)`,
          cpu: each.cpu * pool.minNodes,
          memory: each.memory * pool.minNodes,
        });
      else if (
        !pod.daemon &&
        LONG_RUNNING.has(pod.owner.object.kind) &&
        (onlyOn(pod.spec, pool) || (CRITICAL.has(String(pod.spec.priorityClassName)) && lands(pod.spec, pool)))
      )
        consumers.push({ name: pod.ownerName, cpu: each.cpu * pod.replicas, memory: each.memory * pod.replicas });
    }
    for (const p of operatorPods(index))
      if (onlyOn(p.spec, pool))
        consumers.push({ name: p.name, cpu: (p.requests.cpu ?? 0) * p.replicas, memory: (p.requests.memory ?? 0) * p.replicas });
    const used = consumers.reduce((s, c) => ({ cpu: s.cpu + c.cpu, memory: s.memory + c.memory }), { cpu: 0, memory: 0 });
    const over = [used.cpu > capacity.cpu ? 'cpu' : '', used.memory > capacity.memory ? 'memory' : ''].filter(Boolean);
    if (!over.length) continue;
    const top = [...consumers]
      .sort((a, b) => b.cpu - a.cpu || b.memory - a.memory || a.name.localeCompare(b.name))
      .slice(0, 6)
      .map((c) => `${c.name} ${cores(c.cpu)} ${formatBytes(c.memory)}`)
      .join(', ');
    const needed = Math.max(
      Math.ceil(used.cpu / (node.cpu - EKS_ADDON_REQUESTS.perNode.cpu)),
      Math.ceil(used.memory / (node.memory - EKS_ADDON_REQUESTS.perNode.memory)),
    );
    findings.error(
      'scheduling',
      pool.source,
      'minNodes',
      `${pool.minNodes} x ${pool.instanceTypes.join('|')}`,
      `the pods that can run only on this node group, which nothing scales, request ${cores(used.cpu)} and ${formatBytes(used.memory)}, ` +
        `more than its ${pool.minNodes} nodes offer after the kubelet's reserve and the EKS add-ons (${cores(capacity.cpu)}, ${formatBytes(capacity.memory)}): ` +
        `some stay Pending (${over.join(' and ')}); the largest: ${top}`,
      `raise the node group's minimum to ${needed} nodes, or use a larger instance type (each ${LARGER.name} offers ${cores(
        allocatable(LARGER).cpu - EKS_ADDON_REQUESTS.perNode.cpu,
      )}), or lower those requests`,
    );
  }
}
