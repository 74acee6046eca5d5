// The GPU alerts, as data built from the pools, on top of the recording rules (gpu-rules.ts). Each
// alert's firing condition is tested by evaluating it over fixture series (test/gpu-alerts.test.ts),
// and docs/runbooks/gpu-alerts.md and the README's alert table say when it fires and what it costs.
import { GpuAlert, GpuPool, ksmResourceName, PRICES_AS_OF, schedulableResources } from '@aiready/core';
import { DCGM_JOB, GPU_RESOURCES, IDLE_THRESHOLD, SERIES } from './gpu-rules';

export type { GpuAlert } from '@aiready/core';

/** What the GPU alerts are built from: the pools and the idle window. */
export interface GpuAlertOptions {
  readonly pools: readonly GpuPool[];
  /** How long an allocated GPU must be idle to count as idle. */
  readonly idleWindow: string;
  /** GPU temperature (°C) above which GpuTemperatureHigh fires. */
  readonly temperatureCelsius: number;
  /** Minutes a GPU pod may stay Pending before the pending alerts fire. */
  readonly pendingMinutes: number;
  /** How long a critical XID keeps its alert firing unless the node is cordoned or gone. */
  readonly xidHoldWindow: string;
  /** Karpenter's metrics are scraped: its launch-failure alert can fire. */
  readonly karpenterScraped: boolean;
}

/**
 * XIDs after which the GPU needs a reset or replacement (NVIDIA's XID catalogue, resolution
 * RESET_GPU / drain): double-bit ECC (48), row-remap or page-retirement failure (64), NVLink error
 * (74), fallen off the bus (79), uncontained ECC (95), GSP RPC timeout and error (119, 120), GPU
 * recovery action changed to reset or reboot (154). These page.
 */
export const CRITICAL_XIDS = [48, 64, 74, 79, 95, 119, 120, 154] as const;
/**
 * XIDs raised by the application, not the GPU (catalogue resolution RESTART_APP / check the
 * application): graphics engine exception (13), MMU fault (31), GPU stopped processing a channel
 * (43), preemptive cleanup (45). They never page; the owning team sees them.
 */
export const APPLICATION_XIDS = [13, 31, 43, 45] as const;

/** Adds the `team` of the alert's namespace (series without a namespace keep no team). */
function withTeam(expr: string, identity: string): string {
  return `(${expr}) * on (namespace) group_left (team) ${SERIES.namespaceTeam} or on (${identity}) (${expr})`;
}

const named = (name: string, value: string, expr: string) => `label_replace(${expr}, "${name}", "${value}", "", "")`;

/** The alert firing when a node advertises fewer GPU resources than its instance type gives (or none). */
function missingOnNode(pools: readonly GpuPool[]): string | undefined {
  const parts = pools.flatMap((p) =>
    p.instanceTypes.flatMap((t) =>
      Object.entries(schedulableResources(p.sharing, t)).map(([resource, n]) => {
        const r = ksmResourceName(resource);
        const nodes = `${SERIES.nodePool}{pool="${p.name}", instance_type="${t.name}"}`;
        return `max by (node, pool, instance_type, resource) (kube_node_status_allocatable{resource="${r}"} * on (node) group_left (pool, instance_type) ${nodes}) < ${n} or ${named('resource', r, `${nodes} * 0 unless on (node) kube_node_status_allocatable{resource="${r}"}`)}`;
      }),
    ),
  );
  return parts.length ? parts.join(' or ') : undefined;
}

/** The GPU alerts. */
export function gpuAlerts(o: GpuAlertOptions): GpuAlert[] {
  const dcgm = (metric: string, matchers = '') => `${metric}{job="${DCGM_JOB}"${matchers ? `, ${matchers}` : ''}}`;
  const critical = CRITICAL_XIDS.join('|');
  const application = APPLICATION_XIDS.join('|');
  const gpuPods = `(sum by (namespace, pod) (kube_pod_container_resource_requests{resource=~"${GPU_RESOURCES}"}) > 0) and on (namespace, pod) (kube_pod_status_phase{phase="Pending"} == 1)`;
  const inference = o.pools.filter((p) => p.purpose === 'inference').map((p) => p.name);
  const memory = `${dcgm('DCGM_FI_DEV_FB_USED')} / (${dcgm('DCGM_FI_DEV_FB_USED')} + ${dcgm('DCGM_FI_DEV_FB_FREE')} + ${dcgm('DCGM_FI_DEV_FB_RESERVED')})`;
  const missing = missingOnNode(o.pools);
  return [
    {
      alert: 'GpuAllocatedIdle',
      expr: withTeam(`sum by (pool, namespace) (${SERIES.shareIdle}) > 0`, 'pool, namespace'),
      for: '5m',
      severity: 'warning',
      summary: 'GPUs held by Running pods have been idle for the whole idle window',
      description: `{{ $value }} GPU(s) (in GPU equivalents: a MIG slice or time-slicing share counts as its part of a GPU) of pool {{ $labels.pool }} held by namespace {{ $labels.namespace }} were under ${IDLE_THRESHOLD * 100}% busy for ${o.idleWindow}. They cost {{ with printf "${SERIES.idleCost}{pool=%q,namespace=%q}" $labels.pool $labels.namespace | query }}{{ . | first | value | printf "%.2f" }}{{ else }}an unknown amount (no catalogue price){{ end }} $/h on demand (us-east-1 list price as of ${PRICES_AS_OF}). Free them or scale the workload down.`,
    },
    {
      alert: 'GpuXidCritical',
      expr: `max by (node, UUID, gpu, xid) (max_over_time(${dcgm('DCGM_EXP_XID_ERRORS_COUNT', `xid=~"${critical}"`)}[${o.xidHoldWindow}])) > 0 unless on (node) (kube_node_spec_unschedulable == 1) and on (node) kube_node_info`,
      for: '0m',
      severity: 'critical',
      summary: 'A GPU reported an XID that needs a reset or replacement',
      description: `GPU {{ $labels.gpu }} ({{ $labels.UUID }}) on {{ $labels.node }} reported XID {{ $labels.xid }}. The alert keeps firing for ${o.xidHoldWindow} or until the node is cordoned or replaced: cordon and drain it, then reset or replace the GPU.`,
    },
    {
      alert: 'GpuXidErrors',
      expr: `max by (node, UUID, gpu, xid) (${dcgm('DCGM_EXP_XID_ERRORS_COUNT', `xid!~"${critical}|${application}"`)}) > 0`,
      for: '0m',
      severity: 'warning',
      summary: 'A GPU reported XID errors worth watching',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.node }} reported XID {{ $labels.xid }} in the exporter’s window (corrected ECC, retired pages, or codes NVIDIA advises investigating).',
    },
    {
      alert: 'GpuXidApplicationFault',
      expr: `max by (node, UUID, gpu, xid) (${dcgm('DCGM_EXP_XID_ERRORS_COUNT', `xid=~"${application}"`)}) > 0`,
      for: '0m',
      severity: 'info',
      summary: 'An application faulted on a GPU',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.node }} reported XID {{ $labels.xid }}, an application fault (bad memory access, killed channel); the GPU itself is fine. Check the workload’s logs.',
    },
    {
      alert: 'GpuRowRemapFailure',
      expr: `max by (node, UUID, gpu) (${dcgm('DCGM_FI_DEV_ROW_REMAP_FAILURE')}) > 0 or max by (node, UUID, gpu) (increase(${dcgm('DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS')}[1h])) > 0`,
      for: '0m',
      severity: 'critical',
      summary: 'GPU memory rows failed or were remapped for uncorrectable errors',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.node }} has uncorrectable memory errors; drain the node and reset or replace the GPU.',
    },
    {
      alert: 'GpuTemperatureHigh',
      expr: `max by (node, UUID, gpu, modelName) (${dcgm('DCGM_FI_DEV_GPU_TEMP')}) > ${o.temperatureCelsius}`,
      for: '5m',
      severity: 'warning',
      summary: 'GPU temperature is high',
      description: `GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.node }} has been above ${o.temperatureCelsius}°C for 5 minutes.`,
    },
    {
      alert: 'GpuThermalThrottling',
      expr: `max by (node, UUID, gpu, modelName) (increase(${dcgm('DCGM_FI_DEV_THERMAL_VIOLATION')}[10m])) / 600e9 > 0.1`,
      for: '10m',
      severity: 'warning',
      summary: 'A GPU slows itself down to stay within its thermal limits',
      description:
        'GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.node }} was clock-throttled for heat {{ $value | humanizePercentage }} of the last 10 minutes: its own limit for that model, whatever the temperature reads.',
    },
    {
      alert: 'GpuMemoryNearFull',
      expr: withTeam(
        `max by (node, UUID, GPU_I_ID, namespace, pod) ((${memory}) * on (node) group_left (pool) ${SERIES.nodePool}${inference.length ? `{pool!~"${inference.join('|')}"}` : ''}) > 0.95`,
        'node, UUID, GPU_I_ID, namespace, pod',
      ),
      for: '10m',
      severity: 'warning',
      summary: 'GPU memory is almost full',
      description: `GPU {{ $labels.UUID }} on {{ $labels.node }} ({{ $labels.namespace }}/{{ $labels.pod }}) uses over 95% of its memory; the next allocation may fail.${inference.length ? ` Inference pools (${inference.join(', ')}) are left out: inference servers (vLLM, TensorRT-LLM) pre-allocate most of the memory on purpose.` : ''}`,
    },
    {
      alert: 'DcgmExporterDown',
      expr: [
        named('reason', 'target-down', `up{job="${DCGM_JOB}"} == 0`),
        named('reason', 'no-exporter-on-node', `${SERIES.nodePool} unless on (node) up{job="${DCGM_JOB}"}`),
        named('reason', 'no-gpu-series', `(up{job="${DCGM_JOB}"} == 1) unless on (node) ${dcgm('DCGM_FI_DEV_GPU_TEMP')}`),
      ].join(' or on (node) '),
      for: '10m',
      severity: 'warning',
      summary: 'A GPU node’s GPU metrics are missing',
      description:
        'GPU node {{ $labels.node }} has no GPU metrics ({{ $labels.reason }}): its GPU alerts, idle-cost accounting and GPU autoscaling are blind there.',
    },
    {
      alert: 'GpuPodUnschedulable',
      expr: withTeam(`${gpuPods} and on (namespace, pod) (kube_pod_status_unschedulable == 1)`, 'namespace, pod'),
      for: `${o.pendingMinutes}m`,
      severity: 'warning',
      summary: 'A GPU pod cannot be scheduled',
      description: `{{ $labels.namespace }}/{{ $labels.pod }} asks for GPUs and has found no node for ${o.pendingMinutes} minutes: no pool has room or capacity, the team's quota is used up, or the pod does not tolerate the pool's taint.`,
    },
    {
      alert: 'GpuPodStuckStarting',
      expr: withTeam(
        `(${gpuPods} unless on (namespace, pod) kube_pod_status_unschedulable) * on (namespace, pod) group_left (reason) topk by (namespace, pod) (1, kube_pod_container_status_waiting_reason)`,
        'namespace, pod',
      ),
      for: `${o.pendingMinutes}m`,
      severity: 'warning',
      summary: 'A scheduled GPU pod does not start',
      description: `{{ $labels.namespace }}/{{ $labels.pod }} has its node and GPUs but has waited ${o.pendingMinutes} minutes to start ({{ $labels.reason }}): usually a large image still pulling or failing to pull. Its GPUs are held meanwhile.`,
    },
    ...(missing
      ? [
          {
            alert: 'GpuMissingOnNode',
            expr: missing,
            for: '15m',
            severity: 'critical' as const,
            summary: 'A GPU node advertises fewer GPUs than its instance type has',
            description:
              'Node {{ $labels.node }} ({{ $labels.instance_type }}, pool {{ $labels.pool }}) advertises {{ $value }} {{ $labels.resource }}, fewer than its GPUs and sharing give: a GPU fell off the bus, or the device plugin (or MIG manager) never registered.',
          },
        ]
      : []),
    ...(o.karpenterScraped
      ? [
          {
            alert: 'KarpenterLaunchFailing',
            expr: 'sum(increase(karpenter_cloudprovider_errors_total{method="Create", error!="InsufficientCapacityError"}[15m])) > 0',
            for: '15m',
            severity: 'warning' as const,
            summary: 'Karpenter cannot launch capacity',
            description:
              'Karpenter’s instance launches have failed for 15 minutes with errors other than insufficient capacity (IAM, launch template, NodeClass not ready, limits); GPU pods wait meanwhile. Insufficient capacity alone is normal fallback and does not alert.',
          },
        ]
      : []),
  ];
}
