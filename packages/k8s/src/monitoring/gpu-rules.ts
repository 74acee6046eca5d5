// The GPU recording rules and alerts aiready ships, as data built from the pools. Thresholds follow
// common practice for DCGM exporter metrics (../shared/reference/ai-stack-facts.md section C); every
// metric is one a known exporter provides, and every expression is parsed with Prometheus' grammar.
import { GpuPool, PRICES_AS_OF } from '@aiready/core';

export interface GpuAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
}

export interface GpuRecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** Options that tune the rules. */
export interface GpuRuleOptions {
  /** The Prometheus job label of the DCGM exporter targets. */
  readonly dcgmJob: string;
  /** GPU temperature (°C) above which GpuTemperatureHigh fires. */
  readonly temperatureCelsius: number;
  /** How long an allocated GPU must stay idle to count as idle. */
  readonly idleWindow: string;
  /** Minutes a GPU pod may stay Pending before GpuPodPending fires. */
  readonly pendingMinutes: number;
  /** The pools, for per-pool idle cost and expected GPU counts. */
  readonly pools: readonly GpuPool[];
}

/** XID codes that mean the GPU or its driver needs attention (drain and reset or replace). */
export const CRITICAL_XIDS = [48, 63, 64, 74, 79, 92, 94, 95] as const;

/** kube-state-metrics' name for a node label `aiready.dev/pool` (it must be allowlisted). */
export const KSM_POOL_LABEL = 'label_aiready_dev_pool';
/** kube-state-metrics' name for `node.kubernetes.io/instance-type`. */
export const KSM_INSTANCE_TYPE_LABEL = 'label_node_kubernetes_io_instance_type';
/** Extended resources of NVIDIA GPUs as kube-state-metrics names them (`nvidia.com/gpu` → `nvidia_com_gpu`). */
const GPU_RESOURCES = 'nvidia_com_gpu|nvidia_com_gpu_shared|nvidia_com_mig_.*';

/** Recording rules: allocation and activity per node, pool, namespace and workload; idle count; GPU-hours. */
export function gpuRecordingRules(o: Pick<GpuRuleOptions, 'idleWindow'>): GpuRecordingRule[] {
  const requests = `kube_pod_container_resource_requests{resource=~"${GPU_RESOURCES}"}`;
  return [
    {
      record: 'aiready:node_gpu_allocatable:sum',
      expr: `sum by (node) (kube_node_status_allocatable{resource=~"${GPU_RESOURCES}"})`,
    },
    { record: 'aiready:node_gpu_requests:sum', expr: `sum by (node) (${requests})` },
    { record: 'aiready:namespace_gpu_requests:sum', expr: `sum by (namespace) (${requests})` },
    {
      record: 'aiready:pool_gpu_requests:sum',
      expr: `sum by (${KSM_POOL_LABEL}) (${requests} * on (node) group_left (${KSM_POOL_LABEL}) kube_node_labels)`,
    },
    {
      record: 'aiready:gpu_engine_active:allocated',
      expr: `label_replace(DCGM_FI_PROF_GR_ENGINE_ACTIVE{pod!=""}, "node", "$1", "Hostname", "(.*)") * on (node) group_left (${KSM_POOL_LABEL}) kube_node_labels`,
    },
    { record: 'aiready:pool_gpu_engine_active:avg', expr: `avg by (${KSM_POOL_LABEL}) (aiready:gpu_engine_active:allocated)` },
    { record: 'aiready:namespace_gpu_engine_active:avg', expr: 'avg by (namespace) (aiready:gpu_engine_active:allocated)' },
    { record: 'aiready:workload_gpu_engine_active:avg', expr: 'avg by (namespace, pod) (aiready:gpu_engine_active:allocated)' },
    {
      record: 'aiready:gpu_allocated_idle:count',
      expr: `count by (${KSM_POOL_LABEL}) (avg_over_time(aiready:gpu_engine_active:allocated[${o.idleWindow}]) < 0.05)`,
    },
    { record: 'aiready:namespace_gpu_hours:1d', expr: 'sum_over_time(aiready:namespace_gpu_requests:sum[1d:1m]) / 60' },
  ];
}

/** $/h of one GPU device of the pool: the most expensive type's per-GPU price, split across MIG slices. */
export function pricePerDevice(pool: GpuPool): number | undefined {
  const perGpu = pool.instanceTypes.filter((t) => t.onDemandPrice).map((t) => t.onDemandPrice!.usdPerHour / t.gpuCount);
  if (perGpu.length === 0) return undefined;
  const slices = pool.sharing.migLayout ? Object.values(pool.sharing.migLayout.perGpu).reduce((a, b) => a + b, 0) : 1;
  return Math.round((Math.max(...perGpu) / slices) * 10000) / 10000;
}

/** The GPU alerts. */
export function gpuAlerts(o: GpuRuleOptions): GpuAlert[] {
  const idleCost: GpuAlert[] = o.pools.flatMap((pool) => {
    const price = pricePerDevice(pool);
    if (price === undefined) return [];
    return [
      {
        alert: 'GpuAllocatedIdle',
        expr: `aiready:gpu_allocated_idle:count{${KSM_POOL_LABEL}="${pool.name}"} * ${price} > 0`,
        for: '5m',
        severity: 'warning',
        summary: `Allocated GPUs on pool ${pool.name} are idle`,
        description: `GPUs held by pods on pool ${pool.name} were under 5% busy for ${o.idleWindow}; they cost about {{ $value | printf "%.2f" }} $/h on demand (us-east-1 list price as of ${PRICES_AS_OF}). Free them or scale the workload down.`,
      },
    ];
  });
  const expected = o.pools
    .filter((p) => p.sharing.mode === 'none' && p.amiFamily.id === 'al2023')
    .flatMap((p) => p.instanceTypes)
    .filter((t, i, all) => all.findIndex((x) => x.name === t.name) === i)
    .map(
      (t) =>
        `(kube_node_status_allocatable{resource="nvidia_com_gpu"} * on (node) group_left () kube_node_labels{${KSM_INSTANCE_TYPE_LABEL}="${t.name}"} < ${t.gpuCount})`,
    );
  const critical = CRITICAL_XIDS.join('|');
  return [
    ...idleCost,
    {
      alert: 'GpuXidCritical',
      expr: `max by (Hostname, gpu, xid) (DCGM_EXP_XID_ERRORS_COUNT{xid=~"${critical}"}) > 0`,
      for: '0m',
      severity: 'critical',
      summary: 'A GPU reported a critical XID error',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $labels.xid }}; drain the node and reset or replace the GPU.',
    },
    {
      alert: 'GpuXidErrors',
      expr: `max by (Hostname, gpu, xid) (DCGM_EXP_XID_ERRORS_COUNT{xid!~"${critical}"}) > 0`,
      for: '0m',
      severity: 'warning',
      summary: 'A GPU reported XID errors',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $labels.xid }} in the last window (the plain XID gauge only keeps the last code; this counts them).',
    },
    {
      alert: 'GpuRowRemapFailure',
      expr: 'max by (Hostname, gpu) (DCGM_FI_DEV_ROW_REMAP_FAILURE) > 0 or max by (Hostname, gpu) (increase(DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS[1h])) > 0',
      for: '0m',
      severity: 'critical',
      summary: 'GPU memory rows failed or were remapped for uncorrectable errors',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has uncorrectable memory errors; drain the node and reset or replace the GPU.',
    },
    {
      alert: 'GpuTemperatureHigh',
      expr: `max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP) > ${o.temperatureCelsius}`,
      for: '5m',
      severity: 'warning',
      summary: 'GPU temperature is high',
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} is above ${o.temperatureCelsius}°C.`,
    },
    {
      alert: 'GpuMemoryNearFull',
      expr: 'max by (Hostname, gpu, namespace, pod) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED)) > 0.95',
      for: '10m',
      severity: 'warning',
      summary: 'GPU memory is almost full',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} ({{ $labels.namespace }}/{{ $labels.pod }}) uses over 95% of its memory; the next allocation may fail.',
    },
    {
      alert: 'DcgmExporterDown',
      expr: `up{job="${o.dcgmJob}"} == 0`,
      for: '10m',
      severity: 'warning',
      summary: 'DCGM exporter is down on a GPU node',
      description:
        'The DCGM exporter target {{ $labels.instance }} has been down for 10 minutes; GPU metrics and alerts for that node are blind.',
    },
    {
      alert: 'GpuPodPending',
      expr: `sum by (namespace, pod) (kube_pod_status_phase{phase="Pending"}) * on (namespace, pod) group_left () (sum by (namespace, pod) (kube_pod_container_resource_requests{resource=~"${GPU_RESOURCES}"}) > 0) > 0`,
      for: `${o.pendingMinutes}m`,
      severity: 'warning',
      summary: 'A GPU pod cannot be scheduled',
      description: `{{ $labels.namespace }}/{{ $labels.pod }} has asked for GPUs and been Pending for ${o.pendingMinutes} minutes: no pool has room, its limit is reached, or the pod does not tolerate the pool taint.`,
    },
    ...(expected.length
      ? [
          {
            alert: 'GpuMissingOnNode',
            expr: expected.join(' or '),
            for: '15m',
            severity: 'critical' as const,
            summary: 'A node advertises fewer GPUs than its instance type has',
            description:
              'Node {{ $labels.node }} advertises {{ $value }} GPUs, fewer than its instance type has: a GPU fell off the bus or the device plugin is not running.',
          },
        ]
      : []),
    {
      alert: 'KarpenterLaunchFailing',
      expr: 'sum(increase(karpenter_cloudprovider_errors_total{method="Create"}[15m])) > 0',
      for: '15m',
      severity: 'warning',
      summary: 'Karpenter cannot launch capacity',
      description: 'Karpenter has failed to create instances for 15 minutes (capacity, limits or IAM); GPU pods wait meanwhile.',
    },
  ];
}
