// aiready's GPU recording rules and alerts, evaluated over fixture series that carry the labels the
// exporters really set. The evaluator is test/support/promql (Prometheus 3 semantics on Prometheus'
// own grammar); rule-runner.test.ts cross-checks it against promtool where promtool is installed.
import { GpuPoolSpec, metricLabels, Sharing } from '@aiready/core';
import { gpuPrices, resourceEquivalents, SERIES, unpricedInstanceTypes } from '../src';
import {
  dcgm,
  gpuPod,
  namespaceLabels,
  nodeAllocatable,
  nodeInfo,
  nodeLabels,
  nodeUnschedulable,
  normalize,
  ruleGroups,
  RUNNING,
} from './support/gpu-fixtures';
import { at, FixtureSeries, parseSeries, runRules } from './support/promql/rule-runner';

const L40S: GpuPoolSpec = { name: 'l40s', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'], purpose: 'training' };
const L4_SHARED: GpuPoolSpec = {
  name: 'l4',
  instanceTypes: ['g6.xlarge'],
  purpose: 'inference',
  sharing: Sharing.timeSlicing(4),
};
const H100_MIG: GpuPoolSpec = {
  name: 'h100',
  instanceTypes: ['p5.48xlarge'],
  efa: false,
  sharing: Sharing.mig({ '1g.10gb': 4, '3g.40gb': 1 }),
};
const POOLS = [L40S, L4_SHARED, H100_MIG];
const GROUPS = ruleGroups(POOLS, { karpenter: { namespace: 'kube-system' } });

const N1 = 'ip-10-0-1-5.ec2.internal';
const N2 = 'ip-10-0-1-6.ec2.internal';
const N3 = 'ip-10-0-1-7.ec2.internal';
const BASE: FixtureSeries[] = [
  nodeLabels(N1, 'l40s', 'g6e.xlarge'),
  nodeLabels(N2, 'l4', 'g6.xlarge'),
  nodeLabels(N3, 'h100', 'p5.48xlarge'),
  namespaceLabels('research', 'research'),
  namespaceLabels('serving', 'serving'),
  namespaceLabels('kube-system'),
];

function run(series: FixtureSeries[], until = '60m') {
  return runRules(GROUPS, [...BASE, ...series], { interval: '1m', until });
}

function valueOf(samples: { labels: Record<string, string>; v: number }[]): Record<string, number> {
  return Object.fromEntries(
    samples.map((s) => [
      Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      Math.round(s.v * 1e4) / 1e4,
    ]),
  );
}

const firing = (r: ReturnType<typeof run>, t: string, name: string) => r.firingAt(at(t)).filter((a) => a.alertname === name);

describe('fixtures', () => {
  test('every fixture label is one the exporter really sets', () => {
    // GIVEN every fixture series the tests below use
    const fixtures = [
      ...BASE,
      dcgm(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        { node: N1, gpu: 0, pod: 'p', namespace: 'n', mig: { profile: '1g.10gb', id: 7 }, vgpu: '1' },
        '0',
      ),
      dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 0 }, '0', { xid: '79', window_size_in_ms: '300000' }),
      ...gpuPod({ namespace: 'n', pod: 'p', node: N1 }, RUNNING),
      nodeAllocatable(N1, 'nvidia_com_gpu', 1),
      nodeInfo(N1),
      nodeUnschedulable(N1, '0'),
    ];
    // THEN each label is in the exporter model, so the rules' label check and the fixtures agree
    for (const f of fixtures) {
      const { __name__: name, ...rest } = parseSeries(f.series);
      const known = metricLabels(name)!;
      expect({ name, unknown: Object.keys(rest).filter((l) => !known.has(l)) }).toEqual({ name, unknown: [] });
    }
  });
});

describe('GPU equivalents and prices', () => {
  it.each<[string, GpuPoolSpec, Record<string, number>]>([
    ['whole GPUs', L40S, { nvidia_com_gpu: 1 }],
    ['time-slicing x4', L4_SHARED, { nvidia_com_gpu_shared: 0.25 }],
    [
      'MIG: a slice is its share of the compute slices',
      H100_MIG,
      { nvidia_com_mig_1g_10gb: 0.142857, nvidia_com_mig_3g_40gb: 0.428571 },
    ],
  ])('%s', (_what, spec, expected) => {
    expect(resourceEquivalents(normalize(spec))).toEqual(expected);
  });

  test('instance types without a catalogue price are reported, not skipped', () => {
    const pools = POOLS.map((p) => normalize(p));
    expect(gpuPrices(pools)).toEqual({ 'g6.xlarge': 0.8048, 'g6e.xlarge': 1.861, 'p5.48xlarge': 6.88 });
    expect(unpricedInstanceTypes(pools)).toEqual(['g6e.2xlarge']);
  });
});

describe('unpriced pools', () => {
  test('a platform whose instance types are all unpriced still has its idle-cost rules (found by fuzzing)', () => {
    // GIVEN a pool of an instance type without a catalogue price WHEN its rules are synthesized
    const rules = ruleGroups([{ name: 'l40s', instanceTypes: ['g6e.2xlarge'] }]).flatMap((g) => g.rules);
    // THEN the price series exists (empty), so the rules joining on it pass aiready's own check
    expect(rules.find((r) => r.record === SERIES.gpuPrice)?.expr).toBe(
      'label_replace(vector(0), "instance_type", "", "", "") < 0',
    );
    expect(rules.some((r) => r.record === SERIES.idleUnpriced)).toBe(true);
  });
});

describe('idle allocated GPUs', () => {
  test('free GPUs are not "allocated idle"; GPUs held by a Running pod are', () => {
    // GIVEN a node with 8 idle GPUs, two held by a Running pod and six free (no pod labels)
    const series = [
      ...[0, 1].map((g) =>
        dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: g, pod: 'train-0', namespace: 'research' }, '0.01x60'),
      ),
      ...[2, 3, 4, 5, 6, 7].map((g) => dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: g }, '0x60')),
      ...gpuPod({ namespace: 'research', pod: 'train-0', node: N1, count: 2 }, RUNNING),
    ];
    // WHEN the rules run for 45 minutes
    const r = run(series);
    // THEN only the two held GPUs count, charged to the team at the instance's per-GPU price
    expect(valueOf(r.query(SERIES.shareIdle, at('45m')))).toEqual({
      'UUID=GPU-ip-10-0-1-5-0,instance_type=g6e.xlarge,namespace=research,node=ip-10-0-1-5.ec2.internal,pod=train-0,pool=l40s': 1,
      'UUID=GPU-ip-10-0-1-5-1,instance_type=g6e.xlarge,namespace=research,node=ip-10-0-1-5.ec2.internal,pod=train-0,pool=l40s': 1,
    });
    expect(valueOf(r.query(SERIES.idleCost, at('45m')))).toEqual({ 'namespace=research,pool=l40s': 3.722 });
    expect(firing(r, '45m', 'GpuAllocatedIdle').map((a) => [a.labels.team, a.labels.pool, a.value])).toEqual([
      ['research', 'l40s', 2],
    ]);
  });

  test('an exporter restart does not double the count, and an ended pod stops counting at once', () => {
    // GIVEN 2 idle GPUs held by a pod; the exporter restarts at 20m (new target instance), and a
    // second pod that held a GPU finished at 25m
    const g = (gpu: number, instance: string, values: string) =>
      dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu, pod: 'train-0', namespace: 'research', instance }, values);
    const series = [
      g(0, '10.0.1.5:9400', '0.01x20 stale'),
      g(1, '10.0.1.5:9400', '0.01x20 stale'),
      g(0, '10.0.1.55:9400', '_x21 0.01x39'),
      g(1, '10.0.1.55:9400', '_x21 0.01x39'),
      dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: 2, pod: 'done-0', namespace: 'research' }, '0.01x25 stale'),
      ...gpuPod({ namespace: 'research', pod: 'train-0', node: N1, count: 2 }, RUNNING),
      ...gpuPod(
        { namespace: 'research', pod: 'done-0', node: N1 },
        { Pending: '0x60', Running: '1x25 0x35', Succeeded: '0x25 1x35', Failed: '0x60' },
      ),
    ];
    // WHEN the rules run
    const r = run(series);
    // THEN two GPUs count at 45m, not four, and the finished pod's GPU not at all
    expect(valueOf(r.query(`sum(${SERIES.shareIdle})`, at('45m')))).toEqual({ '': 2 });
  });

  test('a pod counts as idle only after a whole window', () => {
    // GIVEN a pod that started at 20m with an idle GPU
    const series = [
      dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: 0, pod: 'new-0', namespace: 'research' }, '_x20 0x40'),
      ...gpuPod(
        { namespace: 'research', pod: 'new-0', node: N1 },
        { Pending: '1x19 0x41', Running: '0x19 1x41', Succeeded: '0x60', Failed: '0x60' },
      ),
    ];
    const r = run(series);
    // THEN it is not idle 5 or 29 minutes later, and is once the window is full
    expect(r.query(SERIES.shareIdle, at('25m'))).toEqual([]);
    expect(r.query(SERIES.shareIdle, at('49m'))).toEqual([]);
    expect(valueOf(r.query(`sum(${SERIES.shareIdle})`, at('55m')))).toEqual({ '': 1 });
  });

  test('a time-sliced GPU counts once, split between the pods sharing it', () => {
    // GIVEN one L4 time-sliced x4, shared by two idle pods (the exporter repeats the GPU per pod)
    const series = [
      ...['a', 'b'].map((p, i) =>
        dcgm(
          'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
          { node: N2, gpu: 0, model: 'NVIDIA L4', pod: `llm-${p}`, namespace: 'serving', vgpu: String(i) },
          '0x60',
        ),
      ),
      ...['a', 'b'].flatMap((p) =>
        gpuPod({ namespace: 'serving', pod: `llm-${p}`, node: N2, resource: 'nvidia_com_gpu_shared' }, RUNNING),
      ),
    ];
    const r = run(series);
    // THEN they hold half a GPU, priced at half the g6.xlarge's GPU
    expect(valueOf(r.query(`sum by (pool) (${SERIES.shareIdle})`, at('45m')))).toEqual({ 'pool=l4': 0.5 });
    expect(valueOf(r.query(SERIES.idleCost, at('45m')))).toEqual({ 'namespace=serving,pool=l4': 0.4024 });
  });

  test('a MIG slice is priced by its compute slices, and the parent GPU is not counted again', () => {
    // GIVEN an H100 with a 1g and a 3g instance held by idle pods; the exporter also attributes the
    // parent GPU's own series to one of the pods
    const mig = (profile: string, id: number, pod: string) =>
      dcgm(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        { node: N3, gpu: 0, model: 'NVIDIA H100 80GB HBM3', pod, namespace: 'research', mig: { profile, id } },
        '0x60',
      );
    const series = [
      mig('1g.10gb', 9, 'small'),
      mig('3g.40gb', 2, 'big'),
      dcgm(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        { node: N3, gpu: 0, model: 'NVIDIA H100 80GB HBM3', pod: 'big', namespace: 'research' },
        '0x60',
      ),
      ...gpuPod({ namespace: 'research', pod: 'small', node: N3, resource: 'nvidia_com_mig_1g_10gb' }, RUNNING),
      ...gpuPod({ namespace: 'research', pod: 'big', node: N3, resource: 'nvidia_com_mig_3g_40gb' }, RUNNING),
    ];
    const r = run(series);
    // THEN 1/7 + 3/7 of a GPU is idle, at 4/7 of the p5's per-GPU price
    expect(valueOf(r.query(`sum(${SERIES.shareIdle})`, at('45m')))).toEqual({ '': 0.5714 });
    expect(valueOf(r.query(SERIES.idleCost, at('45m')))).toEqual({ 'namespace=research,pool=h100': 3.9314 });
  });

  test('idle GPUs of an unpriced instance type are counted and reported', () => {
    const series = [
      nodeLabels('ip-10-0-1-9.ec2.internal', 'l40s', 'g6e.2xlarge'),
      dcgm(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        { node: 'ip-10-0-1-9.ec2.internal', gpu: 0, pod: 'nb', namespace: 'research' },
        '0x60',
      ),
      ...gpuPod({ namespace: 'research', pod: 'nb', node: 'ip-10-0-1-9.ec2.internal' }, RUNNING),
    ];
    const r = run(series);
    expect(r.query(SERIES.idleCost, at('45m'))).toEqual([]);
    expect(valueOf(r.query(SERIES.idleUnpriced, at('45m')))).toEqual({ 'instance_type=g6e.2xlarge,pool=l40s': 1 });
    expect(firing(r, '45m', 'GpuAllocatedIdle')).toHaveLength(1);
  });
});

describe('GPU requests and GPU-hours', () => {
  test('count Running pods only, in GPU equivalents', () => {
    // GIVEN a Running pod with 2 GPUs, a Pending one, a Succeeded one, and a Running MIG 3g pod
    const series = [
      ...gpuPod({ namespace: 'research', pod: 'run', node: N1, count: 2 }, RUNNING),
      ...gpuPod({ namespace: 'research', pod: 'wait' }, { Pending: '1x60', Running: '0x60', Succeeded: '0x60', Failed: '0x60' }),
      ...gpuPod(
        { namespace: 'research', pod: 'done', node: N1 },
        { Pending: '0x60', Running: '0x60', Succeeded: '1x60', Failed: '0x60' },
      ),
      ...gpuPod({ namespace: 'research', pod: 'mig', node: N3, resource: 'nvidia_com_mig_3g_40gb' }, RUNNING),
    ];
    const r = run(series);
    // THEN the namespace holds 2 + 3/7 GPUs, and its GPU-hours are that per minute recorded (61
    // one-minute steps from 0 to 60m)
    expect(valueOf(r.query(SERIES.namespaceRequests, at('60m')))).toEqual({ 'namespace=research': 2.4286 });
    expect(valueOf(r.query(SERIES.namespaceGpuHours, at('60m')))).toEqual({
      'namespace=research': Math.round((((2 + 3 / 7) * 61) / 60) * 1e4) / 1e4,
    });
  });
});
