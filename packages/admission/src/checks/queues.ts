// Kueue and training semantics that can be known from the objects: every workload Kueue queues
// (named or defaulted into the namespace's `default` LocalQueue) has its resources covered by its
// ClusterQueue and some flavor of each resource group that can hold it; none is held for want of a
// queue; a namespace quota does not refuse what Kueue admits with borrowed capacity; GPU pods outside
// Kueue; torchrun rendezvous of indexed Jobs.
import { KUEUE_DEFAULT_QUEUE } from '@aiready/core';
import { asArray, asObject, at, describe } from '../model/kube';
import { Findings } from '../model/findings';
import { assignFlavors, KueueModel, kueueQueueOf, queueCapacity, QueueInfo } from '../model/kueue';
import { ObjectIndex } from '../model/object-index';
import { EffectiveContainer, podTotals } from '../model/pod-resources';
import { containerPath, KUEUE_QUEUE_LABEL, PodTemplate } from '../model/pod-templates';
import { formatQuantity, parseResourceList } from '../model/quantity';
import { matchesSelector } from '../model/selectors';

export function checkQueues(
  pods: readonly PodTemplate[],
  resources: ReadonlyMap<PodTemplate, EffectiveContainer[]>,
  kueue: KueueModel,
  findings: Findings,
): void {
  const { queues, index } = kueue;
  for (const pod of pods) {
    const totals = podTotals(resources.get(pod) ?? [], 'requests');
    const queue = pod.daemon ? undefined : kueueQueueOf(pod, kueue);
    if (queue?.held) {
      findings.error(
        'queues',
        pod.ownerName,
        `metadata.labels.${KUEUE_QUEUE_LABEL}`,
        undefined,
        `names no Kueue queue in namespace ${pod.namespace}, which Kueue manages (manageJobsWithoutQueueName) and which has no LocalQueue '${KUEUE_DEFAULT_QUEUE}': Kueue holds it forever`,
        `label it ${KUEUE_QUEUE_LABEL}: <a LocalQueue of the namespace>, or create the namespace's LocalQueue '${KUEUE_DEFAULT_QUEUE}'`,
      );
    } else if (queue?.clusterQueue) {
      const q = queue.clusterQueue;
      const a = assignFlavors(pod.spec, totals, queue.podsPerWorkload, q, kueue);
      if (a.uncovered.length) {
        findings.error(
          'queues',
          pod.ownerName,
          `${pod.path}.containers`,
          a.uncovered,
          `requests ${a.uncovered.join(', ')}, which ${describe(q.object.object)} does not cover: Kueue leaves the workload pending ("resource unavailable in ClusterQueue")`,
          `cover ${a.uncovered.join(', ')} in the queue's resourceGroups, or exclude it from Kueue's accounting (resources.excludeResourcePrefixes in Kueue's configuration)`,
        );
      }
      for (const group of a.unfit)
        findings.error(
          'queues',
          pod.ownerName,
          pod.path,
          group.resources.map((r) => `${queue.podsPerWorkload} x ${formatQuantity(r, totals[r])} ${r}`),
          `no flavor of ${describe(q.object.object)} can ever hold the whole workload (nominal quota plus what it may borrow) and match its node selector and tolerations, so Kueue never admits it (${group.reasons.join('; ')})`,
          'raise the nominal quota or borrowing limit of a matching flavor, or make the workload smaller',
        );
    } else if (
      !queue &&
      pod.namespace &&
      !pod.daemon &&
      Object.entries(totals).some(([r, v]) => v > 0 && r.startsWith('nvidia.com/'))
    ) {
      const ns = index.namespace(pod.namespace);
      const managed = queues.find(
        (q) =>
          ns &&
          matchesSelector(at(q.object.object, 'spec.namespaceSelector'), ns.labels) &&
          q.flavors.some((f) => Object.keys(f.resources).some((r) => r.startsWith('nvidia.com/'))),
      );
      if (managed && !pod.owner.origin.release)
        findings.warn(
          'queues',
          `${pod.ownerName} ${pod.path}`,
          `asks for GPUs outside Kueue (no ${KUEUE_QUEUE_LABEL}, and Kueue does not queue it by default here) in a namespace ${describe(managed.object.object)} manages: it bypasses Kueue and competes with admitted workloads for the GPU quota`,
        );
    }
    checkTorchrun(pod, findings);
  }
  checkBorrowing(queues, index, findings);
}

/** A namespace quota below what Kueue may admit there (nominal plus borrowing) refuses pods Kueue admitted. */
function checkBorrowing(queues: readonly QueueInfo[], index: ObjectIndex, findings: Findings): void {
  for (const t of index.ofKind('ResourceQuota')) {
    const ns = index.namespace(t.namespace);
    if (!ns || at(t.object, 'spec.scopes')) continue;
    const q = queues.find(
      (x) =>
        at(x.object.object, 'spec.namespaceSelector') !== undefined &&
        matchesSelector(at(x.object.object, 'spec.namespaceSelector'), ns.labels),
    );
    if (!q) continue;
    const hard = parseResourceList(at(t.object, 'spec.hard'));
    for (const resource of q.covered) {
      const key = hard[`requests.${resource}`] !== undefined ? `requests.${resource}` : resource;
      const limit = hard[key];
      if (limit === undefined) continue;
      const nominal = q.flavors.reduce((s, f) => s + (f.resources[resource]?.nominal ?? 0), 0);
      const most = q.flavors.reduce((s, f) => s + queueCapacity(q, f.flavor, resource, queues), 0);
      if (most > limit && most > nominal)
        findings.error(
          'queues',
          describe(t.object, t.namespace),
          `spec.hard.${key}`,
          formatQuantity(resource, limit),
          `is below what ${describe(q.object.object)} may admit in the namespace with borrowed capacity (${formatQuantity(resource, most)}), so pods Kueue admits by borrowing are refused by the quota`,
          `size the quota to nominal plus borrowing limit (${formatQuantity(resource, most)}), or leave ${resource} admission to Kueue`,
        );
    }
  }
}

/** What torchrun needs to join a multi-node run: each as a PET_* variable or as its flag. */
const PET_VARS = ['PET_NNODES', 'PET_NODE_RANK', 'PET_MASTER_ADDR', 'PET_MASTER_PORT', 'PET_NPROC_PER_NODE'];

/** Whether torchrun's argv sets the flag of a PET_* variable (`--nproc-per-node`, `--nproc_per_node=8`). */
function flagGiven(argv: readonly string[], variable: string): boolean {
  const flag = variable.slice(4).toLowerCase();
  return argv.some((a) => [flag, flag.replace(/_/g, '-')].some((f) => a === `--${f}` || a.startsWith(`--${f}=`)));
}

/** Multi-node torchrun needs its rendezvous settings; torchrun reads PET_* variables, not MASTER_ADDR. */
function checkTorchrun(pod: PodTemplate, findings: Findings): void {
  if (pod.owner.object.kind !== 'Job' || pod.replicas < 2) return;
  asArray(pod.spec.containers).forEach((raw, i) => {
    const c = asObject(raw) ?? {};
    const argv = [...asArray(c.command), ...asArray(c.args)].map(String);
    if (!argv.some((a) => /(^|\/)torchrun$/.test(a) || a.includes('torch.distributed.run'))) return;
    if (argv.some((a) => a.startsWith('--rdzv-endpoint') || a.startsWith('--rdzv_endpoint'))) return;
    const env = new Set(asArray(c.env).map((e) => String(asObject(e)?.name)));
    const missing = PET_VARS.filter((v) => !env.has(v) && !flagGiven(argv, v));
    if (missing.length)
      findings.error(
        'queues',
        pod.ownerName,
        `${containerPath(pod, 'containers', i, c.name)}.env`,
        missing,
        `runs torchrun across ${pod.replicas} pods without ${missing.join(', ')}, so ${missing.includes('PET_NPROC_PER_NODE') && missing.length === 1 ? 'each pod starts one process and leaves its other GPUs idle' : 'every pod starts a single-node run and the rendezvous never forms'}`,
        'set PET_NNODES, PET_NODE_RANK (from the completion index), PET_MASTER_ADDR, PET_MASTER_PORT and PET_NPROC_PER_NODE (or the matching torchrun flags), or pass --rdzv-endpoint',
      );
  });
}
