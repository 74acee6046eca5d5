import { dcgmMetricsIn, GpuPoolSpec, Sharing } from '@aiready/core';
import { Testing } from 'cdk8s';
import { dcgmExporterPodMappingEnv, gpuAlerts, GpuNodePool, NvidiaGpuOperator, ReleaseMaterializer } from '../src';
import { only, releaseValues, synth } from './util';

function operatorFor(specs: GpuPoolSpec[], values?: Record<string, unknown>) {
  const chart = Testing.chart();
  const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c1' }));
  new NvidiaGpuOperator(chart, 'op', { pools, values });
  return synth(chart);
}

describe('NvidiaGpuOperator', () => {
  test.each([['al2023'], ['bottlerocket']] as const)('values for %s pools (snapshot)', (amiFamily) => {
    expect(
      releaseValues(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'], amiFamily }]), 'gpu-operator'),
    ).toMatchSnapshot();
  });

  test('driver and toolkit are off when the AMIs ship them', () => {
    const values = releaseValues(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'gpu-operator');
    expect(values.driver.enabled).toBe(false);
    expect(values.toolkit.enabled).toBe(false);
    expect(values.devicePlugin.enabled).toBe(true);
  });

  test('every GPU DaemonSet and the NFD worker tolerate every pool taint, derived from the pools', () => {
    const values = releaseValues(
      operatorFor([
        { name: 'a', instanceTypes: ['g6.xlarge'] },
        { name: 'b', instanceTypes: ['g6e.xlarge'], taints: [{ key: 'example.com/team', value: 'ml', effect: 'NoSchedule' }] },
      ]),
      'gpu-operator',
    );
    const expected = [
      { key: 'example.com/team', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ];
    expect(values.daemonsets.tolerations).toEqual(expected);
    expect(values['node-feature-discovery'].worker.tolerations).toEqual(expected);
  });

  test('the namespace is privileged, as the operator needs, and warns at restricted', () => {
    const ns = only(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'Namespace', 'gpu-operator');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('raw values are merged last', () => {
    const values = releaseValues(
      operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }], { driver: { enabled: true, version: '595.91.07' } }),
      'gpu-operator',
    );
    expect(values.driver).toEqual({ enabled: true, version: '595.91.07' });
    expect(values.toolkit.enabled).toBe(false);
  });

  test('the release is pinned and installed through Argo CD by default', () => {
    const app = only(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'Application', 'gpu-operator');
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://helm.ngc.nvidia.com/nvidia',
      chart: 'gpu-operator',
      targetRevision: 'v26.7.0',
    });
    expect(app.spec.destination.namespace).toBe('gpu-operator');
  });

  test('with an external materialiser only the native objects are emitted', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    const op = new NvidiaGpuOperator(chart, 'op', { pools: [pool], releaseMaterializer: ReleaseMaterializer.external() });
    expect(
      synth(chart)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['ConfigMap', 'EC2NodeClass', 'Namespace', 'NodePool']);
    expect(op.release.spec.values).toMatchObject({ driver: { enabled: false } });
  });

  test.each([
    ['time-slicing', { sharing: Sharing.timeSlicing(4) }],
    ['MPS', { sharing: Sharing.mps(2) }],
    ['MIG', { instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-balanced') }],
  ])('values with %s pools (snapshot)', (_mode, extra) => {
    expect(releaseValues(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'], ...extra }]), 'gpu-operator')).toMatchSnapshot();
  });

  test('the DCGM exporter maps pods and collects every DCGM metric the alerts use', () => {
    const objs = operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]);
    const values = releaseValues(objs, 'gpu-operator');
    expect(values.dcgmExporter.env).toContainEqual({ name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' });
    expect(values.dcgmExporter.config).toEqual({ name: 'aiready-dcgm-metrics' });
    const csv: string = only(objs, 'ConfigMap', 'aiready-dcgm-metrics').data['dcgm-metrics.csv'];
    const collected = new Set(
      csv
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(',')[0]),
    );
    const used = gpuAlerts({
      temperatureCelsius: 85,
      idleWindow: '30m',
      pendingMinutes: 15,
      pools: [],
      xidHoldWindow: '24h',
      karpenterScraped: false,
    }).flatMap((a) => dcgmMetricsIn(a.expr));
    expect(used.length).toBeGreaterThan(0);
    for (const m of used) expect(collected).toContain(m);
    expect(collected).toContain('DCGM_FI_PROF_GR_ENGINE_ACTIVE');
  });

  test('an existing node-feature-discovery turns the bundled one off', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    new NvidiaGpuOperator(chart, 'op', {
      pools: [pool],
      nodeFeatureDiscovery: 'existing',
      gfd: false,
      nodeStatusExporter: true,
      priorityClassName: 'gpu-critical',
    });
    const values = releaseValues(synth(chart), 'gpu-operator');
    expect(values.nfd).toEqual({ enabled: false });
    expect(values.gfd).toEqual({ enabled: false });
    expect(values.nodeStatusExporter).toEqual({ enabled: true });
    expect(values.daemonsets.priorityClassName).toBe('gpu-critical');
  });

  test('gpu-cluster mode deploys the GPUCluster instead of the ClusterPolicy', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    new NvidiaGpuOperator(chart, 'op', { pools: [pool], mode: 'gpu-cluster' });
    const values = releaseValues(synth(chart), 'gpu-operator');
    expect(values.clusterPolicy).toEqual({ deployCR: false });
    expect(values.gpuCluster).toEqual({ deployCR: true });
  });

  test('forced per-pool drivers become NVIDIADriver objects on their pools', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    new NvidiaGpuOperator(chart, 'op', { pools: [pool], driver: { enabled: true, force: true, perPool: { g: '595.91.07' } } });
    const objs = synth(chart);
    const driver = only(objs, 'NVIDIADriver', 'aiready-g');
    expect(driver.spec).toMatchObject({ version: '595.91.07', nodeSelector: { 'aiready.dev/pool': 'g' }, default: false });
    expect(releaseValues(objs, 'gpu-operator').driver).toEqual({
      enabled: true,
      nvidiaDriverCRD: { enabled: true, deployDefaultCR: false },
    });
  });

  const bad: [string, object, RegExp][] = [
    ['the driver is enabled on AMIs that ship one', { driver: { enabled: true } }, /driver\.enabled = true.*driver\.force/],
    ['the driver version is malformed', { driver: { enabled: true, force: true, version: 'latest' } }, /driver\.version/],
    [
      'a per-pool driver names no pool',
      { driver: { enabled: true, force: true, perPool: { nope: '595.91.07' } } },
      /driver\.perPool\["nope"\].*use one of g/,
    ],
    [
      'per-pool drivers are asked while the operator installs none',
      { driver: { perPool: { g: '595.91.07' } } },
      /driver\.perPool = .*set driver\.enabled/,
    ],
    [
      'the device plugin is disabled for AMIs without one',
      { values: { devicePlugin: { enabled: false } } },
      /values\.devicePlugin\.enabled.*never be advertised/,
    ],
    [
      'a GPUCluster is deployed next to the ClusterPolicy',
      { values: { gpuCluster: { deployCR: true } } },
      /values\.gpuCluster\.deployCR.*invalid/,
    ],
    ['the NFD choice is unknown', { nodeFeatureDiscovery: 'both' }, /nodeFeatureDiscovery/],
    [
      'a raw value sets a key the chart does not have (removed upstream in v25.3.0)',
      { values: { operator: { defaultRuntime: 'containerd' } } },
      /values\.operator\.defaultRuntime = "containerd": gpu-operator v26\.7\.0 has no values key .*nearest under operator: /,
    ],
    [
      "overridden DaemonSet tolerations no longer tolerate the pools' taint",
      { values: { daemonsets: { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] } } },
      /values\.daemonsets\.tolerations = .*does not tolerate nvidia\.com\/gpu=true:NoSchedule \(pools g\).*"key":"nvidia\.com\/gpu","operator":"Exists"/,
    ],
    [
      "overridden NFD worker tolerations no longer tolerate the pools' taint",
      { values: { 'node-feature-discovery': { worker: { tolerations: [] } } } },
      /values\.node-feature-discovery\.worker\.tolerations = \[\]: does not tolerate nvidia\.com\/gpu=true:NoSchedule/,
    ],
  ];
  test.each(bad)('throws when %s', (_why, props, message) => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    expect(() => new NvidiaGpuOperator(chart, 'op', { pools: [pool], ...props })).toThrow(message);
  });

  test('throws when gpu-cluster mode is asked for shared pools', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', {
      name: 'g',
      instanceTypes: ['g6.xlarge'],
      clusterName: 'c1',
      sharing: Sharing.timeSlicing(2),
    });
    expect(() => new NvidiaGpuOperator(chart, 'op', { pools: [pool], mode: 'gpu-cluster' })).toThrow(
      /mode = "gpu-cluster".*'cluster-policy'/,
    );
  });

  test('tolerations added to the derived ones pass', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    const tolerations = [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
    ];
    new NvidiaGpuOperator(chart, 'op', { pools: [pool], values: { daemonsets: { tolerations } } });
    expect(releaseValues(synth(chart), 'gpu-operator').daemonsets.tolerations).toEqual(tolerations);
  });

  test('throws when it serves no pool', () => {
    expect(() => new NvidiaGpuOperator(Testing.chart(), 'op', { pools: [] })).toThrow(/pass the GpuNodePools/);
  });
});

describe('dcgmExporterPodMappingEnv', () => {
  it.each<[string, GpuPoolSpec[], { name: string; value: string }[]]>([
    ['whole GPUs need nothing (nvidia.com/gpu is always mapped)', [{ name: 'a', instanceTypes: ['g6e.xlarge'] }], []],
    [
      'time-slicing names the shared resource and attributes the GPU to every sharing pod',
      [{ name: 'a', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) }],
      [
        { name: 'NVIDIA_RESOURCE_NAMES', value: 'nvidia.com/gpu.shared' },
        { name: 'KUBERNETES_VIRTUAL_GPUS', value: 'true' },
      ],
    ],
    [
      'mixed MIG names its profiles',
      [{ name: 'a', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig({ '1g.10gb': 4, '3g.40gb': 1 }) }],
      [{ name: 'NVIDIA_RESOURCE_NAMES', value: 'nvidia.com/mig-1g.10gb,nvidia.com/mig-3g.40gb' }],
    ],
  ])('%s', (_what, specs, env) => {
    // GIVEN pools WHEN the operator values are planned THEN the exporter's env names what they advertise
    const chart = Testing.chart();
    const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c' }));
    new NvidiaGpuOperator(chart, 'op', { pools });
    const values = releaseValues(synth(chart), 'gpu-operator');
    expect(values.dcgmExporter.env.slice(3)).toEqual(env);
    expect(dcgmExporterPodMappingEnv(pools.map((p) => p.pool))).toEqual(env);
  });
});
