// The series aiready's rules, dashboards and scalers may query, by exporter: metric names and the
// label names each exporter really sets on them, read from upstream source at the pinned versions.
// A query naming a metric or label not listed here is refused at synth: it would silently match
// nothing. Target labels (what Prometheus adds per scrape target) are listed with each exporter as
// the platform's ServiceMonitors leave them.
import { POOL_LABEL, TEAM_LABEL, WELL_KNOWN_LABELS } from '../labels';
import { DCGM_METRIC_NAMES } from './dcgm-metrics';

/** An exporter whose series aiready queries. */
export type ExporterId = 'dcgm-exporter' | 'kube-state-metrics' | 'karpenter' | 'prometheus';

/** A metrics exporter aiready's rules and dashboards read: its metrics and the labels each carries. */
export interface Exporter {
  readonly id: ExporterId;
  /** Where the metric and label names were read (repository @ tag, files). */
  readonly source: string;
  /** Labels every series of the exporter may carry once scraped (target labels included). */
  readonly commonLabels: readonly string[];
  /** Metric name → the labels the exporter sets on it, besides the common ones. */
  readonly metrics: Readonly<Record<string, readonly string[]>>;
}

/**
 * The node and namespace labels kube-state-metrics exports as `label_*` (its `--metric-labels-allowlist`).
 * aiready's rules join GPUs to pools, instance types and teams through them.
 */
export const KSM_LABEL_ALLOWLIST = {
  nodes: [POOL_LABEL, WELL_KNOWN_LABELS.instanceType],
  namespaces: [TEAM_LABEL],
} as const;

/** How kube-state-metrics names a Kubernetes label (`aiready.dev/pool` → `label_aiready_dev_pool`). */
export function ksmLabelName(key: string): string {
  return `label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** How kube-state-metrics names an extended resource (`nvidia.com/mig-1g.10gb` → `nvidia_com_mig_1g_10gb`). */
export function ksmResourceName(resource: string): string {
  return resource.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Target labels of a ServiceMonitor scrape, as the Prometheus operator sets them. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'];

/** DCGM exporter 4.x labels of every GPU series (rendermetrics/render_metrics.go, transformation/kubernetes.go). */
const DCGM_DEVICE_LABELS = [
  'gpu',
  'UUID',
  'pci_bus_id',
  'device',
  'modelName',
  // The exporter's host name: `Hostname` up to 4.5.3-4.8.2, `hostname` after it (NVIDIA/dcgm-exporter#655).
  // aiready's rules use `node`, set from the scrape target, and neither of these.
  'Hostname',
  'hostname',
  // Label-type fields become labels of every series of the GPU.
  'DCGM_FI_DRIVER_VERSION',
  // MIG GPU instances.
  'GPU_I_PROFILE',
  'GPU_I_ID',
  // Set when the exporter maps the device to a pod (kubelet pod-resources API).
  'pod',
  'namespace',
  'container',
  'pod_uid',
  // With KUBERNETES_VIRTUAL_GPUS: the shared replica a pod holds.
  'vgpu',
];

/** DCGM exporter: its own labels, plus `job`, `instance`, `node` and `service`/`endpoint` of the target. */
export const DCGM_EXPORTER: Exporter = {
  id: 'dcgm-exporter',
  source: 'NVIDIA/dcgm-exporter @ 4.5.3-4.8.2: internal/pkg/rendermetrics, internal/pkg/collector, internal/pkg/transformation',
  // aiready's ServiceMonitor drops the target's pod/namespace/container (they name the exporter, not
  // the workload) and adds `node` from the target's node.
  commonLabels: ['job', 'instance', 'service', 'endpoint', 'node', ...DCGM_DEVICE_LABELS],
  metrics: Object.fromEntries(
    [...DCGM_METRIC_NAMES].map((m) => [
      m,
      m === 'DCGM_FI_DEV_XID_ERRORS'
        ? ['err_code', 'err_msg']
        : m === 'DCGM_EXP_XID_ERRORS_COUNT'
          ? ['xid', 'window_size_in_ms']
          : [],
    ]),
  ),
};

const POD = ['namespace', 'pod', 'uid'];

/** kube-state-metrics v2.20.0 (chart 8.4.0 in kube-prometheus-stack 88.5.3). */
export const KUBE_STATE_METRICS: Exporter = {
  id: 'kube-state-metrics',
  source: 'kubernetes/kube-state-metrics @ v2.20.0: internal/store/pod.go, node.go, namespace.go',
  // kube-prometheus-stack scrapes it with honorLabels, so pod metrics keep their own namespace/pod
  // and node or namespace metrics get the kube-state-metrics pod's target labels.
  commonLabels: TARGET_LABELS,
  metrics: {
    kube_node_labels: ['node', ...KSM_LABEL_ALLOWLIST.nodes.map(ksmLabelName)],
    kube_node_status_allocatable: ['node', 'resource', 'unit'],
    kube_node_status_capacity: ['node', 'resource', 'unit'],
    kube_node_spec_unschedulable: ['node'],
    kube_node_info: [
      'node',
      'kernel_version',
      'os_image',
      'container_runtime_version',
      'kubelet_version',
      'kubeproxy_version',
      'provider_id',
      'pod_cidr',
      'system_uuid',
      'internal_ip',
    ],
    kube_pod_container_resource_requests: [...POD, 'container', 'node', 'resource', 'unit'],
    kube_pod_status_phase: [...POD, 'phase'],
    kube_pod_status_unschedulable: POD,
    kube_pod_container_status_waiting_reason: [...POD, 'container', 'reason'],
    kube_namespace_labels: ['namespace', ...KSM_LABEL_ALLOWLIST.namespaces.map(ksmLabelName)],
  },
};

/** Karpenter 1.14.1 (kubernetes-sigs/karpenter at the commit karpenter-provider-aws v1.14.1 pins). */
export const KARPENTER: Exporter = {
  id: 'karpenter',
  source:
    'kubernetes-sigs/karpenter @ 6e7eab7a0f48 (karpenter-provider-aws v1.14.1): pkg/metrics/metrics.go, pkg/cloudprovider/metrics/cloudprovider.go',
  commonLabels: TARGET_LABELS,
  metrics: {
    karpenter_cloudprovider_errors_total: ['controller', 'method', 'provider', 'error'],
    karpenter_nodeclaims_created_total: ['reason', 'nodepool', 'min_values_relaxed'],
    karpenter_nodeclaims_terminated_total: ['nodepool', 'capacity_type', 'zone'],
    karpenter_nodeclaims_disrupted_total: ['reason', 'nodepool', 'capacity_type'],
  },
};

/** Prometheus' own per-target series: `up` carries each target's labels. */
export const PROMETHEUS: Exporter = {
  id: 'prometheus',
  source: 'Prometheus: the synthetic series of every scrape',
  commonLabels: [...TARGET_LABELS, 'node'],
  metrics: { up: [] },
};

/** Every exporter aiready's rules and dashboards read from. */
export const EXPORTERS: readonly Exporter[] = [DCGM_EXPORTER, KUBE_STATE_METRICS, KARPENTER, PROMETHEUS];

/** The exporter of a metric, or undefined when no known exporter provides it. */
export function exporterOf(metric: string): Exporter | undefined {
  return EXPORTERS.find((e) => metric in e.metrics);
}

/** The label names a metric may carry (its own, the exporter's and the target's), `__name__` included. */
export function metricLabels(metric: string): ReadonlySet<string> | undefined {
  const e = exporterOf(metric);
  return e ? new Set(['__name__', ...e.commonLabels, ...e.metrics[metric]]) : undefined;
}

/** Every metric name aiready knows an exporter for. */
export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set(EXPORTERS.flatMap((e) => Object.keys(e.metrics)));
