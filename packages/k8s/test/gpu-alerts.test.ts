// aiready's GPU alerts, evaluated over fixture series with the exporters' real labels.
import { GpuPoolSpec, Sharing } from '@aiready/core';
import { APPLICATION_XIDS, CRITICAL_XIDS } from '../src';
import {
  dcgm,
  gpuPod,
  namespaceLabels,
  nodeAllocatable,
  nodeInfo,
  nodeLabels,
  nodeUnschedulable,
  ruleGroups,
  up,
} from './support/gpu-fixtures';
import { at, FixtureSeries, runRules } from './support/promql/rule-runner';

const POOLS: GpuPoolSpec[] = [
  { name: 'l40s', instanceTypes: ['g6e.xlarge'], purpose: 'training' },
  { name: 'l4', instanceTypes: ['g6.xlarge'], purpose: 'inference', sharing: Sharing.timeSlicing(4) },
  { name: 'h100', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-1g.10gb') },
];
const N1 = 'ip-10-0-1-5.ec2.internal';
const N2 = 'ip-10-0-1-6.ec2.internal';
const BASE: FixtureSeries[] = [
  nodeLabels(N1, 'l40s', 'g6e.xlarge'),
  nodeLabels(N2, 'l4', 'g6.xlarge'),
  namespaceLabels('research', 'research'),
  namespaceLabels('serving', 'serving'),
];

function run(series: FixtureSeries[], o: { karpenter?: boolean; until?: string } = {}) {
  const groups = ruleGroups(POOLS, o.karpenter === false ? {} : { karpenter: { namespace: 'kube-system' } });
  return runRules(groups, [...BASE, ...series], { interval: '1m', until: o.until ?? '60m' });
}

const firing = (r: ReturnType<typeof run>, t: string, name: string) =>
  r
    .firingAt(at(t))
    .filter((a) => a.alertname === name)
    .map((a) => a.labels);

describe('XID alerts', () => {
  test('the critical and application code lists follow NVIDIA’s catalogue', () => {
    expect(CRITICAL_XIDS).toEqual([48, 64, 74, 79, 95, 119, 120, 154]);
    expect(APPLICATION_XIDS).toEqual([13, 31, 43, 45]);
  });

  test('a critical XID keeps firing after the exporter’s 5-minute window, until the node is cordoned', () => {
    // GIVEN XID 79 counted in the exporter's window from 5m to 10m; the node is cordoned at 40m
    const series = [
      dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 3 }, '0x4 1x5 0x50', { xid: '79', window_size_in_ms: '300000' }),
      nodeInfo(N1),
      nodeUnschedulable(N1, '0x39 1x20'),
    ];
    const r = run(series);
    // THEN it fires at 6m, still at 30m (the count has long gone back to 0), and stops at 41m
    expect(firing(r, '6m', 'GpuXidCritical')).toEqual([expect.objectContaining({ node: N1, xid: '79', severity: 'critical' })]);
    expect(firing(r, '30m', 'GpuXidCritical')).toHaveLength(1);
    expect(firing(r, '41m', 'GpuXidCritical')).toEqual([]);
  });

  test('a critical XID stops alerting once the node is gone (replaced)', () => {
    const series = [
      dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 3 }, '0x4 1x5 stale', { xid: '119', window_size_in_ms: '300000' }),
      nodeInfo(N1, '1x20 stale'),
    ];
    const r = run(series);
    expect(firing(r, '15m', 'GpuXidCritical')).toHaveLength(1);
    expect(firing(r, '30m', 'GpuXidCritical')).toEqual([]);
  });

  it.each([
    ['13', 'GpuXidApplicationFault', 'info'],
    ['31', 'GpuXidApplicationFault', 'info'],
    ['94', 'GpuXidErrors', 'warning'],
    ['154', 'GpuXidCritical', 'critical'],
  ])('XID %s raises %s (%s) only', (xid, alert, severity) => {
    const r = run([
      dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 0 }, '1x10', { xid, window_size_in_ms: '300000' }),
      nodeInfo(N1),
    ]);
    const xidAlerts = r.firingAt(at('5m')).filter((a) => a.alertname.startsWith('GpuXid'));
    expect(xidAlerts.map((a) => [a.alertname, a.labels.severity])).toEqual([[alert, severity]]);
  });
});

describe('GpuMissingOnNode', () => {
  it.each<[string, FixtureSeries[], string[]]>([
    ['the device plugin never registered (resource absent)', [], ['nvidia_com_gpu']],
    ['a GPU fell off (fewer than the type has)', [nodeAllocatable(N1, 'nvidia_com_gpu', 0)], ['nvidia_com_gpu']],
    ['all GPUs are there', [nodeAllocatable(N1, 'nvidia_com_gpu', 1)], []],
  ])('whole-GPU pool: %s', (_what, alloc, expected) => {
    const r = run([...alloc, nodeAllocatable(N2, 'nvidia_com_gpu_shared', 4)]);
    expect(firing(r, '30m', 'GpuMissingOnNode').map((l) => l.resource)).toEqual(expected);
  });

  it.each<[string, number, number]>([
    ['all four shares advertised', 4, 0],
    ['fewer shares than the sharing gives', 3, 1],
  ])('time-sliced pool, through the resource it advertises: %s', (_what, shares, alerts) => {
    const r = run([nodeAllocatable(N1, 'nvidia_com_gpu', 1), nodeAllocatable(N2, 'nvidia_com_gpu_shared', shares)]);
    expect(firing(r, '30m', 'GpuMissingOnNode')).toHaveLength(alerts);
  });
});

describe('DcgmExporterDown', () => {
  it.each<[string, FixtureSeries[], string[]]>([
    ['the target is down', [up('nvidia-dcgm-exporter', N1, '0x60'), up('nvidia-dcgm-exporter', N2, '1x60')], ['target-down']],
    ['a GPU node has no exporter target at all', [up('nvidia-dcgm-exporter', N2, '1x60')], ['no-exporter-on-node']],
    [
      'the exporter is up but exports no GPU series',
      [up('nvidia-dcgm-exporter', N1, '1x60'), up('nvidia-dcgm-exporter', N2, '1x60')],
      ['no-gpu-series'],
    ],
  ])('fires when %s', (_what, series, reasons) => {
    const temps = [dcgm('DCGM_FI_DEV_GPU_TEMP', { node: N2, gpu: 0, model: 'NVIDIA L4' }, '40x60')];
    const r = run([...series, ...temps]);
    expect(firing(r, '30m', 'DcgmExporterDown').map((l) => `${l.node}:${l.reason}`)).toEqual(reasons.map((x) => `${N1}:${x}`));
  });
});

describe('KarpenterLaunchFailing', () => {
  const errors = (error: string) => ({
    series: `karpenter_cloudprovider_errors_total{job="karpenter", instance="10.0.3.4:8080", namespace="kube-system", service="karpenter", pod="karpenter-6b9c", container="controller", endpoint="http-metrics", controller="nodeclaim.lifecycle", method="Create", provider="aws", error="${error}"}`,
    values: '0+1x60',
  });
  it.each([
    ['insufficient capacity (normal fallback)', 'InsufficientCapacityError', 0],
    ['an unknown launch error (IAM, launch template)', '', 1],
    ['a NodeClass that is not ready', 'NodeClassNotReadyError', 1],
  ])('%s', (_what, error, n) => {
    expect(firing(run([errors(error)]), '45m', 'KarpenterLaunchFailing')).toHaveLength(n);
  });

  test('is left out when Karpenter is not scraped', () => {
    const groups = ruleGroups(POOLS);
    expect(groups.flatMap((g) => g.rules).some((x) => x.alert === 'KarpenterLaunchFailing')).toBe(false);
  });
});

describe('pending GPU pods', () => {
  const pending = { Pending: '1x60', Running: '0x60', Succeeded: '0x60', Failed: '0x60' };
  test('an unschedulable GPU pod alerts with its team; a pulling one alerts as stuck starting with the reason', () => {
    const series = [
      ...gpuPod({ namespace: 'research', pod: 'big' }, pending),
      {
        series:
          'kube_pod_status_unschedulable{job="kube-state-metrics", instance="10.0.2.9:8080", service="kube-prometheus-stack-kube-state-metrics", endpoint="http", container="kube-state-metrics", namespace="research", pod="big", uid="uid-big"}',
        values: '1x60',
      },
      ...gpuPod({ namespace: 'serving', pod: 'llm', node: N2, resource: 'nvidia_com_gpu_shared' }, pending),
      {
        series:
          'kube_pod_container_status_waiting_reason{job="kube-state-metrics", instance="10.0.2.9:8080", service="kube-prometheus-stack-kube-state-metrics", endpoint="http", namespace="serving", pod="llm", uid="uid-llm", container="main", reason="ImagePullBackOff"}',
        values: '1x60',
      },
    ];
    const r = run(series);
    expect(firing(r, '10m', 'GpuPodUnschedulable')).toEqual([]);
    expect(firing(r, '20m', 'GpuPodUnschedulable').map((l) => [l.namespace, l.pod, l.team])).toEqual([
      ['research', 'big', 'research'],
    ]);
    expect(firing(r, '20m', 'GpuPodStuckStarting').map((l) => [l.pod, l.reason, l.team])).toEqual([
      ['llm', 'ImagePullBackOff', 'serving'],
    ]);
  });
});

describe('GpuMemoryNearFull', () => {
  const fb = (node: string, used: number, free: number, model: string, pod: string, ns: string) => [
    dcgm('DCGM_FI_DEV_FB_USED', { node, gpu: 0, model, pod, namespace: ns }, `${used}x60`),
    dcgm('DCGM_FI_DEV_FB_FREE', { node, gpu: 0, model, pod, namespace: ns }, `${free}x60`),
    dcgm('DCGM_FI_DEV_FB_RESERVED', { node, gpu: 0, model, pod, namespace: ns }, '400x60'),
  ];
  test('fires on a training GPU, with the team; not on an inference pool where servers pre-allocate', () => {
    const r = run([
      ...fb(N1, 45000, 100, 'NVIDIA L40S', 'train', 'research'),
      ...fb(N2, 22000, 100, 'NVIDIA L4', 'vllm', 'serving'),
    ]);
    expect(firing(r, '30m', 'GpuMemoryNearFull').map((l) => [l.node, l.team])).toEqual([[N1, 'research']]);
  });
});

describe('GpuThermalThrottling', () => {
  test('fires when the GPU throttles itself for heat more than 10% of the time', () => {
    // GIVEN 12 s of thermal throttling per minute (20%), as a nanosecond counter
    const r = run([dcgm('DCGM_FI_DEV_THERMAL_VIOLATION', { node: N1, gpu: 0 }, '0+12000000000x60')]);
    expect(firing(r, '30m', 'GpuThermalThrottling')).toHaveLength(1);
  });
});
