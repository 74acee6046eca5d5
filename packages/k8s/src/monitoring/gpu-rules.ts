// The GPU recording rules, as data built from the pools. They are the one place where DCGM series
// meet Kubernetes: a GPU counts for a workload only when the exporter attributed it to a pod that is
// Running and requests GPUs (kube-state-metrics), and every share of a GPU (a MIG slice, a
// time-slicing replica) is weighted by the part of the GPU it is, so sums come out in whole GPUs.
// Their semantics are tested by evaluating them over fixture series (test/gpu-rules.test.ts).
import {
  GpuPool,
  gpuModel,
  ksmLabelName,
  ksmResourceName,
  NVIDIA_GPU_RESOURCE,
  POOL_LABEL,
  schedulableResources,
  TEAM_LABEL,
  WELL_KNOWN_LABELS,
} from '@aiready/core';

/** A Prometheus recording rule: the series it records and its expression. */
export interface GpuRecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** The job label of the DCGM exporter's targets (the ServiceMonitor's `jobLabel: app`). */
export const DCGM_JOB = 'nvidia-dcgm-exporter';
/** GPU extended resources as kube-state-metrics names them. */
export const GPU_RESOURCES = 'nvidia_com_gpu|nvidia_com_gpu_shared|nvidia_com_mig_.*';
/** Engine activity under which a GPU counts as idle. */
export const IDLE_THRESHOLD = 0.05;

/** Recorded series, by name. */
export const SERIES = {
  nodePool: 'aiready:node_pool:info',
  namespaceTeam: 'aiready:namespace_team:info',
  resourceEquivalents: 'aiready:gpu_resource:gpu_equivalents',
  shareEquivalents: 'aiready:gpu_share:gpu_equivalents',
  gpuPrice: 'aiready:instance_type_gpu_price:usd_per_hour',
  shareActive: 'aiready:gpu_share:engine_active',
  shareIdle: 'aiready:gpu_share:idle_gpu_equivalents',
  idleCost: 'aiready:pool_namespace_idle_gpus:usd_per_hour',
  idleUnpriced: 'aiready:pool_idle_gpus_unpriced:gpu_equivalents',
  podRequests: 'aiready:pod_gpu_requests:gpu_equivalents',
  namespaceRequests: 'aiready:namespace_gpu_requests:gpu_equivalents',
  poolRequests: 'aiready:pool_gpu_requests:gpu_equivalents',
  poolAllocatable: 'aiready:pool_gpu_allocatable:gpu_equivalents',
  namespaceGpuHours: 'aiready:namespace_gpu_hours:1d',
  poolActive: 'aiready:pool_gpu_engine_active:avg',
  namespaceActive: 'aiready:namespace_gpu_engine_active:avg',
  workloadActive: 'aiready:workload_gpu_engine_active:avg',
} as const;

const POOL_KSM = ksmLabelName(POOL_LABEL);
const TYPE_KSM = ksmLabelName(WELL_KNOWN_LABELS.instanceType);
const TEAM_KSM = ksmLabelName(TEAM_LABEL);

/** A constant series with labels: `label_replace(vector(v), ...)`, the way static tables are recorded. */
function constant(value: number, labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).reduce((e, [k, v]) => `label_replace(${e}, "${k}", "${v}", "", "")`, `vector(${value})`);
}

function table(rows: readonly { value: number; labels: Readonly<Record<string, string>> }[]): string | undefined {
  return rows.length ? rows.map((r) => constant(r.value, r.labels)).join(' or ') : undefined;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * GPU equivalents of one unit of each GPU resource a pool advertises: 1 for a whole GPU, 1/replicas
 * for a time-slicing or MPS share, the profile's compute slices over the GPU's for a MIG device.
 */
export function resourceEquivalents(pool: GpuPool): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of pool.instanceTypes) {
    for (const [resource, count] of Object.entries(schedulableResources(pool.sharing, t))) {
      const mig = pool.sharing.migLayout;
      const geometry = gpuModel(t.gpuModel).mig;
      const slices = geometry?.computeSlices ?? 1;
      const profileSlices = (p: string) => geometry?.profiles.find((x) => x.name === p)?.computeSlices ?? slices;
      let eq = 1;
      if (pool.sharing.mode === 'time-slicing' || pool.sharing.mode === 'mps') eq = 1 / pool.sharing.replicas!;
      else if (mig && resource === NVIDIA_GPU_RESOURCE) eq = profileSlices(Object.keys(mig.perGpu)[0]) / slices;
      else if (mig) eq = profileSlices(resource.slice('nvidia.com/mig-'.length)) / slices;
      if (count > 0) out[ksmResourceName(resource)] = round(eq);
    }
  }
  return out;
}

/**
 * GPU equivalents of one attributed DCGM series: per MIG compute-slice count on MIG pools (the
 * parent GPU's own series have none, so they never count twice), 1/replicas per sharing pod on
 * time-sliced and MPS pools, 1 otherwise.
 */
export function shareEquivalents(pool: GpuPool): { labels: Record<string, string>; value: number }[] {
  const mig = pool.sharing.migLayout;
  if (mig) {
    const model = pool.gpuModels[0];
    const total = model.mig!.computeSlices;
    const slices = [...new Set(Object.keys(mig.perGpu).map((p) => model.mig!.profiles.find((x) => x.name === p)!.computeSlices))];
    return slices.sort().map((s) => ({ labels: { pool: pool.name, mig_slices: String(s) }, value: round(s / total) }));
  }
  const replicas = pool.sharing.mode === 'time-slicing' || pool.sharing.mode === 'mps' ? pool.sharing.replicas! : 1;
  return [{ labels: { pool: pool.name }, value: round(1 / replicas) }];
}

/** On-demand $/h of one GPU of each priced instance type of the pools. */
export function gpuPrices(pools: readonly GpuPool[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of pools.flatMap((p) => p.instanceTypes))
    if (t.onDemandPrice) out[t.name] = round(t.onDemandPrice.usdPerHour / t.gpuCount);
  return out;
}

/** Instance types of the pools without a catalogue price: their idle GPUs are counted, not priced. */
export function unpricedInstanceTypes(pools: readonly GpuPool[]): string[] {
  return [
    ...new Set(
      pools
        .flatMap((p) => p.instanceTypes)
        .filter((t) => !t.onDemandPrice)
        .map((t) => t.name),
    ),
  ].sort();
}

/** Recording rules: pool/team/price tables, attributed GPU shares, idle GPUs and their cost, requests, GPU-hours. */
export function gpuRecordingRules(o: { readonly idleWindow: string; readonly pools: readonly GpuPool[] }): GpuRecordingRule[] {
  const requests = `kube_pod_container_resource_requests{resource=~"${GPU_RESOURCES}"}`;
  const running = 'kube_pod_status_phase{phase="Running"} == 1';
  // MIG instances are told apart by their compute slices; without MIG pools there are none.
  const mig = o.pools.some((p) => p.sharing.mode === 'mig');
  const share = mig ? 'pool, mig_slices' : 'pool';
  const dcgmActive = `DCGM_FI_PROF_GR_ENGINE_ACTIVE{job="${DCGM_JOB}", pod!=""}`;
  const withSlices = mig ? `label_replace(${dcgmActive}, "mig_slices", "$1", "GPU_I_PROFILE", "([0-9]+)g[.].*")` : dcgmActive;
  const tables: GpuRecordingRule[] = [
    {
      record: SERIES.resourceEquivalents,
      expr: table(
        o.pools.flatMap((p) =>
          Object.entries(resourceEquivalents(p)).map(([resource, value]) => ({ value, labels: { pool: p.name, resource } })),
        ),
      ),
    },
    { record: SERIES.shareEquivalents, expr: table(o.pools.flatMap(shareEquivalents)) },
    {
      record: SERIES.gpuPrice,
      // With no priced instance type the series stays empty, but exists: the idle-cost rules join on it
      // (and count every idle GPU as unpriced).
      expr:
        table(Object.entries(gpuPrices(o.pools)).map(([t, value]) => ({ value, labels: { instance_type: t } }))) ??
        `${constant(0, { instance_type: '' })} < 0`,
    },
  ].flatMap((r) => (r.expr === undefined ? [] : [{ record: r.record, expr: r.expr }]));
  return [
    {
      record: SERIES.nodePool,
      expr: `max by (node, pool, instance_type) (label_replace(label_replace(kube_node_labels{${POOL_KSM}!=""}, "pool", "$1", "${POOL_KSM}", "(.+)"), "instance_type", "$1", "${TYPE_KSM}", "(.+)"))`,
    },
    {
      record: SERIES.namespaceTeam,
      expr: `max by (namespace, team) (label_replace(kube_namespace_labels, "team", "$1", "${TEAM_KSM}", "(.+)"))`,
    },
    ...tables,
    {
      // One series per GPU share a Running GPU pod holds: the exporter's pod labels are trusted only
      // when kube-state-metrics agrees the pod is Running and requests GPUs. Exporter and target
      // labels are dropped, so an exporter restart continues the same series.
      record: SERIES.shareActive,
      expr: `max by (node, instance_type, UUID, ${mig ? 'GPU_I_ID, ' : ''}${share}, namespace, pod) (${withSlices} * on (node) group_left (pool, instance_type) ${SERIES.nodePool}) and on (namespace, pod) (${requests} > 0) and on (namespace, pod) (${running})`,
    },
    {
      // Idle for a whole window: under the threshold on average, present now (ended pods and
      // restarted exporters drop out at once) and already present a window ago (a pod that just
      // started is not idle after one sample). Valued in GPU equivalents.
      record: SERIES.shareIdle,
      expr: `((avg_over_time(${SERIES.shareActive}[${o.idleWindow}]) < ${IDLE_THRESHOLD}) and ${SERIES.shareActive} and (${SERIES.shareActive} offset ${o.idleWindow})) * 0 + on (${share}) group_left () ${SERIES.shareEquivalents}`,
    },
    {
      record: SERIES.idleCost,
      expr: `sum by (pool, namespace) (${SERIES.shareIdle} * on (instance_type) group_left () ${SERIES.gpuPrice})`,
    },
    {
      record: SERIES.idleUnpriced,
      expr: `sum by (pool, instance_type) (${SERIES.shareIdle} unless on (instance_type) ${SERIES.gpuPrice})`,
    },
    {
      // GPU requests of Running pods only, in GPU equivalents.
      record: SERIES.podRequests,
      expr: `sum by (namespace, pod, node, pool, resource) ((${requests} and on (namespace, pod) (${running})) * on (node) group_left (pool) ${SERIES.nodePool}) * on (pool, resource) group_left () ${SERIES.resourceEquivalents}`,
    },
    { record: SERIES.namespaceRequests, expr: `sum by (namespace) (${SERIES.podRequests})` },
    { record: SERIES.poolRequests, expr: `sum by (pool) (${SERIES.podRequests})` },
    {
      record: SERIES.poolAllocatable,
      expr: `sum by (pool) (kube_node_status_allocatable{resource=~"${GPU_RESOURCES}"} * on (node) group_left (pool) ${SERIES.nodePool} * on (pool, resource) group_left () ${SERIES.resourceEquivalents})`,
    },
    { record: SERIES.namespaceGpuHours, expr: `sum_over_time(${SERIES.namespaceRequests}[1d:1m]) / 60` },
    {
      record: SERIES.poolActive,
      expr: `avg by (pool) (${SERIES.shareActive} and on (${share}) ${SERIES.shareEquivalents})`,
    },
    {
      record: SERIES.namespaceActive,
      expr: `avg by (namespace) (${SERIES.shareActive} and on (${share}) ${SERIES.shareEquivalents})`,
    },
    {
      record: SERIES.workloadActive,
      expr: `avg by (namespace, pod) (${SERIES.shareActive} and on (${share}) ${SERIES.shareEquivalents})`,
    },
  ];
}
