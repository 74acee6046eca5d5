// Fixture series for evaluating aiready's GPU rules, carrying the labels the exporters really set
// (DCGM exporter 4.x as scraped by aiready's ServiceMonitor, kube-state-metrics v2.20.0 as scraped by
// kube-prometheus-stack with honorLabels, Karpenter 1.14.1). gpu-rules.test.ts checks every fixture
// label against @aiready/core's exporter model, so the fixtures cannot drift from it.
import { GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { Testing } from 'cdk8s';
import { GpuMonitoring, GpuMonitoringProps, GpuNodePool } from '../../src';
import { FixtureSeries, RuleGroup } from './promql/rule-runner';
import { synth } from '../util';

// Target labels of kube-state-metrics' scrape; with honorLabels a series keeps its own namespace, pod
// and container, and takes the target's where it has none.
const KSM_TARGET =
  'job="kube-state-metrics", instance="10.0.2.9:8080", service="kube-prometheus-stack-kube-state-metrics", endpoint="http"';
const KSM_CONTAINER = 'container="kube-state-metrics"';
const KSM_POD = 'kube-prometheus-stack-kube-state-metrics-5c7d9b8f4-xk2lp';

const labels = (l: Record<string, string | undefined>) =>
  Object.entries(l)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');

export interface Gpu {
  readonly node: string;
  readonly gpu: number;
  readonly model?: string;
  /** The exporter's target instance (changes when the exporter pod restarts). */
  readonly instance?: string;
  readonly pod?: string;
  readonly namespace?: string;
  /** MIG GPU instance: profile and instance id. */
  readonly mig?: { readonly profile: string; readonly id: number };
  readonly vgpu?: string;
}

/** A DCGM exporter series of one GPU (or MIG instance), as aiready's ServiceMonitor leaves it. */
export function dcgm(metric: string, g: Gpu, values: string, extra: Record<string, string> = {}): FixtureSeries {
  const host = g.node.split('.')[0];
  return {
    series: `${metric}{${labels({
      job: 'nvidia-dcgm-exporter',
      instance: g.instance ?? `${host.slice(3).replace(/-/g, '.')}:9400`,
      service: 'nvidia-dcgm-exporter',
      endpoint: 'gpu-metrics',
      node: g.node,
      gpu: String(g.gpu),
      UUID: `GPU-${host}-${g.gpu}`,
      pci_bus_id: `00000000:${String(0x38 + g.gpu).padStart(2, '0')}:00.0`,
      device: `nvidia${g.gpu}`,
      modelName: g.model ?? 'NVIDIA L40S',
      Hostname: host,
      DCGM_FI_DRIVER_VERSION: '580.95.05',
      GPU_I_PROFILE: g.mig?.profile,
      GPU_I_ID: g.mig ? String(g.mig.id) : undefined,
      pod: g.pod,
      namespace: g.namespace,
      container: g.pod ? 'main' : undefined,
      vgpu: g.vgpu,
      ...extra,
    })}}`,
    values,
  };
}

/** kube_node_labels of a node with the allowlisted labels. */
export function nodeLabels(node: string, pool: string, instanceType: string, values = '1x120'): FixtureSeries {
  return {
    series: `kube_node_labels{${KSM_TARGET}, ${KSM_CONTAINER}, namespace="monitoring", pod="${KSM_POD}", node="${node}", label_aiready_dev_pool="${pool}", label_node_kubernetes_io_instance_type="${instanceType}"}`,
    values,
  };
}

export function nodeAllocatable(node: string, resource: string, count: number, values?: string): FixtureSeries {
  return {
    series: `kube_node_status_allocatable{${KSM_TARGET}, ${KSM_CONTAINER}, namespace="monitoring", pod="${KSM_POD}", node="${node}", resource="${resource}", unit="integer"}`,
    values: values ?? `${count}x120`,
  };
}

export function nodeInfo(node: string, values = '1x120'): FixtureSeries {
  return {
    series: `kube_node_info{${KSM_TARGET}, ${KSM_CONTAINER}, namespace="monitoring", pod="${KSM_POD}", node="${node}", kernel_version="6.12.40", os_image="Amazon Linux 2023", container_runtime_version="containerd://2.1.4", kubelet_version="v1.35.1-eks", kubeproxy_version="deprecated", provider_id="aws:///us-east-1a/i-0abc", pod_cidr="", system_uuid="ec2abc", internal_ip="10.0.1.5"}`,
    values,
  };
}

export function nodeUnschedulable(node: string, values: string): FixtureSeries {
  return {
    series: `kube_node_spec_unschedulable{${KSM_TARGET}, ${KSM_CONTAINER}, namespace="monitoring", pod="${KSM_POD}", node="${node}"}`,
    values,
  };
}

export function namespaceLabels(namespace: string, team?: string): FixtureSeries {
  return {
    series: `kube_namespace_labels{${KSM_TARGET}, ${KSM_CONTAINER}, pod="${KSM_POD}", namespace="${namespace}"${team ? `, label_aiready_dev_team="${team}"` : ''}}`,
    values: '1x120',
  };
}

/** A pod's GPU request and phase series. `phase` is one of Pending/Running/Succeeded (value 1 there). */
export function gpuPod(
  p: { namespace: string; pod: string; node?: string; resource?: string; count?: number },
  phases: Record<'Pending' | 'Running' | 'Succeeded' | 'Failed', string>,
): FixtureSeries[] {
  const pod = `namespace="${p.namespace}", pod="${p.pod}", uid="uid-${p.pod}"`;
  return [
    {
      series: `kube_pod_container_resource_requests{${KSM_TARGET}, ${pod}, container="main", node="${p.node ?? ''}", resource="${p.resource ?? 'nvidia_com_gpu'}", unit="integer"}`,
      values: `${p.count ?? 1}x120`,
    },
    ...Object.entries(phases).map(([phase, values]) => ({
      series: `kube_pod_status_phase{${KSM_TARGET}, ${KSM_CONTAINER}, ${pod}, phase="${phase}"}`,
      values,
    })),
  ];
}

/** Phase series of a pod Running for the whole fixture. */
export const RUNNING = { Pending: '0x120', Running: '1x120', Succeeded: '0x120', Failed: '0x120' };

export function up(job: string, node: string, values: string): FixtureSeries {
  return {
    series: `up{job="${job}", instance="${node.split('.')[0].slice(3).replace(/-/g, '.')}:9400", service="${job}", endpoint="gpu-metrics", node="${node}"}`,
    values,
  };
}

/** The rule groups GpuMonitoring writes into its PrometheusRule, for the pools given. */
export function ruleGroups(specs: readonly GpuPoolSpec[], props: GpuMonitoringProps = {}): RuleGroup[] {
  const chart = Testing.chart();
  const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c1' }));
  new GpuMonitoring(chart, 'mon', { pools, ...props });
  const rule = synth(chart).find((o) => o.kind === 'PrometheusRule');
  return rule.spec.groups.map(
    (g: {
      name: string;
      interval?: string;
      rules: { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string> }[];
    }) => ({
      name: g.name,
      interval: g.interval ?? '1m',
      rules: g.rules.map((r) => ({ record: r.record, alert: r.alert, expr: r.expr, for: r.for, labels: r.labels })),
    }),
  );
}

export const normalize = normalizeGpuPool;
