// Metric names aiready's rules, dashboards and scalers may use, by exporter. A query naming anything
// else is refused at synth: it would silently match nothing.
import { DCGM_METRIC_NAMES } from './dcgm-metrics';

/** kube-state-metrics series aiready uses (resource names are sanitized: `nvidia.com/gpu` → `nvidia_com_gpu`). */
export const KUBE_STATE_METRICS: readonly string[] = [
  'kube_node_labels',
  'kube_node_status_allocatable',
  'kube_node_status_capacity',
  'kube_pod_container_resource_requests',
  'kube_pod_info',
  'kube_pod_status_phase',
  'kube_namespace_labels',
];

/** Karpenter controller metrics aiready uses (karpenter.sh reference, v1.x). */
export const KARPENTER_METRICS: readonly string[] = [
  'karpenter_cloudprovider_errors_total',
  'karpenter_nodeclaims_created_total',
  'karpenter_nodeclaims_terminated_total',
  'karpenter_nodeclaims_disrupted_total',
];

/** Prometheus' own series. */
export const PROMETHEUS_METRICS: readonly string[] = ['up'];

/** Every metric name aiready knows an exporter for. */
export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...DCGM_METRIC_NAMES,
  ...KUBE_STATE_METRICS,
  ...KARPENTER_METRICS,
  ...PROMETHEUS_METRICS,
]);
