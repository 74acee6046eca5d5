// Kueue and training semantics that can be known from the objects: a queued workload's resources are
// covered by its ClusterQueue and fit some flavor; a namespace quota does not refuse what Kueue admits
// with borrowed capacity; GPU pods outside Kueue; torchrun rendezvous of indexed Jobs.
import { asArray, asObject, asString, asStringMap, at, describe, labelsOf } from '../model/kube';
import { Findings } from '../model/findings';
import { kueueManagerConfig } from '../model/chart-facts';
import { ObjectIndex, TargetObject } from '../model/object-index';
import { EffectiveContainer, podTotals } from '../model/pod-resources';
import { containerPath, KUEUE_QUEUE_LABEL, PodTemplate } from '../model/pod-templates';
import { formatQuantity, parseQuantity, parseResourceList } from '../model/quantity';
import { Release } from '../model/releases';
import { matchesSelector } from '../model/selectors';

interface FlavorQuota {
  readonly flavor: string;
  /** Per resource: nominal quota and borrowing limit (undefined: may borrow all the cohort lends). */
  readonly resources: Readonly<Record<string, { nominal: number; borrowingLimit?: number }>>;
}

interface QueueInfo {
  readonly object: TargetObject;
  readonly cohort?: string;
  readonly covered: ReadonlySet<string>;
  readonly flavors: readonly FlavorQuota[];
}

function queueInfo(t: TargetObject): QueueInfo {
  const covered = new Set<string>();
  const flavors: FlavorQuota[] = [];
  for (const g of asArray(at(t.object, 'spec.resourceGroups'))) {
    asArray(asObject(g)?.coveredResources).forEach((r) => covered.add(String(r)));
    for (const f of asArray(asObject(g)?.flavors)) {
      const resources: Record<string, { nominal: number; borrowingLimit?: number }> = {};
      for (const r of asArray(asObject(f)?.resources)) {
        const o = asObject(r) ?? {};
        const limit = parseQuantity(o.borrowingLimit);
        resources[String(o.name)] = {
          nominal: parseQuantity(o.nominalQuota) ?? 0,
          ...(limit === undefined ? {} : { borrowingLimit: limit }),
        };
      }
      flavors.push({ flavor: String(asObject(f)?.name), resources });
    }
  }
  return {
    object: t,
    cohort: asString(at(t.object, 'spec.cohortName')) ?? asString(at(t.object, 'spec.cohort')),
    covered,
    flavors,
  };
}

/** Most of `resource` the queue can hold in `flavor`: nominal plus what it may borrow from its cohort. */
function capacity(q: QueueInfo, flavor: string, resource: string, all: readonly QueueInfo[]): number {
  const own = q.flavors.find((f) => f.flavor === flavor)?.resources[resource];
  if (!own) return 0;
  const lent = q.cohort
    ? all
        .filter((o) => o !== q && o.cohort === q.cohort)
        .reduce((s, o) => s + (o.flavors.find((f) => f.flavor === flavor)?.resources[resource]?.nominal ?? 0), 0)
    : 0;
  return own.nominal + Math.min(own.borrowingLimit ?? lent, lent);
}

export function checkQueues(
  pods: readonly PodTemplate[],
  resources: ReadonlyMap<PodTemplate, EffectiveContainer[]>,
  index: ObjectIndex,
  releases: readonly Release[],
  findings: Findings,
): void {
  const queues = index.ofKind('ClusterQueue').map(queueInfo);
  const byName = new Map(queues.map((q) => [q.object.object.metadata?.name ?? '', q]));
  const kueue = releases.find((r) => r.chart === 'kueue');
  const excluded = asArray(at(kueue ? kueueManagerConfig(kueue) : {}, 'resources.excludeResourcePrefixes')).map(String);
  for (const pod of pods) {
    const totals = podTotals(resources.get(pod) ?? [], 'requests');
    // Jobs name their queue on the workload; pods (Argo steps) on the pod, for Kueue's pod integration.
    const queueName = labelsOf(pod.owner.object)[KUEUE_QUEUE_LABEL] ?? labelsOf(pod)[KUEUE_QUEUE_LABEL];
    if (queueName && pod.namespace) {
      const lq = index.find('LocalQueue', pod.namespace, queueName);
      const q = byName.get(asString(at(lq?.object, 'spec.clusterQueue')) ?? '');
      if (!q) continue;
      const uncovered = Object.keys(totals).filter(
        (r) => totals[r] > 0 && !q.covered.has(r) && !excluded.some((p) => r.startsWith(p)),
      );
      if (uncovered.length) {
        findings.error(
          'queues',
          pod.ownerName,
          `${pod.path}.containers`,
          uncovered,
          `requests ${uncovered.join(', ')}, which ${describe(q.object.object)} does not cover: Kueue leaves the workload pending ("resource unavailable in ClusterQueue")`,
          `cover ${uncovered.join(', ')} in the queue's resourceGroups, or exclude it from Kueue's accounting (resources.excludeResourcePrefixes in Kueue's configuration)`,
        );
        continue;
      }
      const selector = asStringMap(pod.spec.nodeSelector);
      const needed = Object.entries(totals).filter(([r, v]) => v > 0 && q.covered.has(r));
      const fits = q.flavors.some((f) => {
        const labels = asStringMap(at(index.find('ResourceFlavor', undefined, f.flavor)?.object, 'spec.nodeLabels'));
        if (Object.entries(selector).some(([k, v]) => k in labels && labels[k] !== v)) return false;
        return needed.every(([r, v]) => v * pod.replicas <= capacity(q, f.flavor, r, queues));
      });
      if (needed.length && !fits)
        findings.error(
          'queues',
          pod.ownerName,
          pod.path,
          needed.map(([r, v]) => `${pod.replicas} x ${formatQuantity(r, v)} ${r}`),
          `no flavor of ${describe(q.object.object)} that matches its node selector can ever hold the whole workload (nominal quota plus what it may borrow), so Kueue never admits it`,
          'raise the nominal quota or borrowing limit of a matching flavor, or make the workload smaller',
        );
    } else if (pod.namespace && !pod.daemon && Object.entries(totals).some(([r, v]) => v > 0 && r.startsWith('nvidia.com/'))) {
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
          `asks for GPUs without a Kueue queue (${KUEUE_QUEUE_LABEL}) in a namespace ${describe(managed.object.object)} manages: it bypasses Kueue and competes with admitted workloads for the GPU quota`,
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
      const most = q.flavors.reduce((s, f) => s + capacity(q, f.flavor, resource, queues), 0);
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

const PET_VARS = ['PET_NNODES', 'PET_NODE_RANK', 'PET_MASTER_ADDR', 'PET_MASTER_PORT'];

/** Multi-node torchrun needs its rendezvous settings; torchrun reads PET_* variables, not MASTER_ADDR. */
function checkTorchrun(pod: PodTemplate, findings: Findings): void {
  if (pod.owner.object.kind !== 'Job' || pod.replicas < 2) return;
  asArray(pod.spec.containers).forEach((raw, i) => {
    const c = asObject(raw) ?? {};
    const argv = [...asArray(c.command), ...asArray(c.args)].map(String);
    if (!argv.some((a) => /(^|\/)torchrun$/.test(a) || a.includes('torch.distributed.run'))) return;
    if (argv.some((a) => a.startsWith('--nnodes'))) return;
    const env = new Set(asArray(c.env).map((e) => String(asObject(e)?.name)));
    const missing = PET_VARS.filter((v) => !env.has(v));
    if (missing.length)
      findings.error(
        'queues',
        pod.ownerName,
        `${containerPath(pod, 'containers', i, c.name)}.env`,
        missing,
        `runs torchrun across ${pod.replicas} pods without ${missing.join(', ')}, so every pod starts a single-node run and the rendezvous never forms`,
        'set PET_NNODES, PET_NODE_RANK (from the completion index), PET_MASTER_ADDR, PET_MASTER_PORT and PET_NPROC_PER_NODE, or pass --nnodes/--rdzv-endpoint',
      );
  });
}
