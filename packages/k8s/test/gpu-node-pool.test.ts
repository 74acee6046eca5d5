import { AireadyValidationError, Sharing } from '@aiready/core';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { addGpuLimit, GpuNodePool } from '../src';
import { Obj, only, synth } from './util';

describe('GpuNodePool', () => {
  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new GpuNodePool(chart, 'pool', { name: 'l4', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    // THEN
    expect(synth(chart)).toMatchSnapshot();
  });

  test('the NodePool is tainted, labelled, limited and pinned to its node class', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'pool', {
      name: 'h100',
      instanceTypes: ['p5.48xlarge'],
      clusterName: 'c1',
      maxNodes: 3,
      capacityType: 'spot',
    });
    const np = only(synth(chart), 'NodePool', 'h100');
    expect(np.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(np.spec.template.metadata.labels['aiready.dev/pool']).toBe('h100');
    expect(np.spec.limits).toEqual({ 'nvidia.com/gpu': 24 });
    expect(np.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' });
    expect(np.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] },
      ]),
    );
  });

  test.each([
    ['training', 'WhenEmpty', '48h'],
    ['inference', 'WhenEmptyOrUnderutilized', '1h'],
    ['interactive', 'WhenEmpty', '8h'],
  ] as const)('%s pools consolidate %s and give pods %s to finish', (purpose, policy, grace) => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'pool', { name: 'p', instanceTypes: ['g6.xlarge'], clusterName: 'c1', purpose });
    const np = only(synth(chart), 'NodePool');
    expect(np.spec.disruption.consolidationPolicy).toBe(policy);
    expect(np.spec.template.spec.terminationGracePeriod).toBe(grace);
  });

  test.each<[string, Record<string, unknown>, Record<string, number>[], Record<string, number>]>([
    [
      'time-sliced shares (renamed)',
      { instanceTypes: ['g6.xlarge', 'g6.12xlarge'], sharing: Sharing.timeSlicing(4) },
      [{ 'nvidia.com/gpu.shared': 4 }, { 'nvidia.com/gpu.shared': 16 }],
      { 'nvidia.com/gpu.shared': 64, nodes: 4 },
    ],
    [
      'MIG slices (mixed)',
      { instanceTypes: ['p4de.24xlarge'], sharing: Sharing.mig('all-balanced') },
      [{ 'nvidia.com/mig-1g.10gb': 16, 'nvidia.com/mig-2g.20gb': 8, 'nvidia.com/mig-3g.40gb': 8 }],
      { 'nvidia.com/mig-1g.10gb': 64, 'nvidia.com/mig-2g.20gb': 32, 'nvidia.com/mig-3g.40gb': 32, nodes: 4 },
    ],
    [
      'MIG slices advertised as whole GPUs (single)',
      { instanceTypes: ['p5.48xlarge'], sharing: Sharing.mig('all-1g.10gb') },
      [{ 'nvidia.com/gpu': 56 }],
      { 'nvidia.com/gpu': 224, nodes: 4 },
    ],
  ])(
    'a pool of %s scales from zero: a NodeOverlay per GPU count gives Karpenter what its nodes will advertise',
    (_what, spec, capacities, limits) => {
      // GIVEN a Karpenter pool that shares its GPUs
      const chart = Testing.chart();
      const pool = new GpuNodePool(chart, 'pool', { name: 'shared', clusterName: 'c1', maxNodes: 4, ...spec } as never);
      const objs = synth(chart);
      // THEN one overlay per group of instance types with the same GPU count, for this NodePool only
      const overlays = objs.filter((o) => o.kind === 'NodeOverlay');
      expect(overlays.map((o) => o.spec.capacity)).toEqual(capacities);
      expect(pool.nodeOverlays).toHaveLength(capacities.length);
      for (const o of overlays) {
        expect(o.apiVersion).toBe('karpenter.sh/v1alpha1');
        expect(o.spec.requirements[0]).toEqual({ key: 'karpenter.sh/nodepool', operator: 'In', values: ['shared'] });
        expect(o.spec.requirements[1].key).toBe('node.kubernetes.io/instance-type');
      }
      // AND the pool is limited in what its nodes advertise and in nodes, which Karpenter counts consistently
      expect(only(objs, 'NodePool', 'shared').spec.limits).toEqual(limits);
    },
  );

  test('a pool of whole GPUs needs no NodeOverlay: Karpenter knows its GPUs', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'pool', { name: 'l4', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    expect(synth(chart).filter((o) => o.kind === 'NodeOverlay')).toEqual([]);
  });

  test('the node class pins the AMI, requires IMDSv2 with hop limit 1 and encrypts volumes', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'pool', { name: 'l4', instanceTypes: ['g6.xlarge'], clusterName: 'c1', nodeRole: 'MyNodeRole' });
    const nc = only(synth(chart), 'EC2NodeClass', 'l4');
    expect(nc.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260724' }]);
    expect(nc.spec.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(nc.spec.role).toBe('MyNodeRole');
    expect(nc.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'c1' } }]);
    for (const b of nc.spec.blockDeviceMappings) expect(b.ebs.encrypted).toBe(true);
  });

  test('Bottlerocket pools get an OS volume and a data volume', () => {
    const chart = Testing.chart();
    new GpuNodePool(chart, 'pool', { name: 'br', instanceTypes: ['g6.xlarge'], clusterName: 'c1', amiFamily: 'bottlerocket' });
    const nc = only(synth(chart), 'EC2NodeClass');
    expect(nc.spec.blockDeviceMappings.map((b: { deviceName: string }) => b.deviceName)).toEqual(['/dev/xvda', '/dev/xvdb']);
    expect(nc.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.61.0' }]);
  });

  test('schedule() adds the toleration and pool affinity to a workload', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'pool', { name: 'l4', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    const dep = new kplus.Deployment(chart, 'app', { containers: [{ image: 'nginx:1.27' }] });
    pool.schedule(dep);
    const spec = only(synth(chart), 'Deployment').spec.template.spec;
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'aiready.dev/pool', operator: 'In', values: ['l4'] }] },
    ]);
  });

  test('schedule() on a training pool protects the pods from voluntary disruption', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'pool', {
      name: 't',
      instanceTypes: ['g6e.xlarge'],
      purpose: 'training',
      clusterName: 'c1',
    });
    const job = new kplus.Job(chart, 'train', { containers: [{ image: 'trainer:1' }] });
    pool.schedule(job);
    expect(only(synth(chart), 'Job').spec.template.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    const inference = new GpuNodePool(chart, 'pool2', { name: 'i', instanceTypes: ['g6e.xlarge'], clusterName: 'c1' });
    const dep = new kplus.Deployment(chart, 'serve', { containers: [{ image: 'server:1' }] });
    inference.schedule(dep);
    expect(only(synth(chart), 'Deployment').spec.template.metadata.annotations).toBeUndefined();
  });

  test('throws when the spec is invalid, naming the construct path', () => {
    const chart = Testing.chart();
    expect(() => new GpuNodePool(chart, 'pool', { name: 'x', instanceTypes: ['g6.xlarg'], clusterName: 'c1' })).toThrow(
      /test\/pool.*g6\.xlarge/s,
    );
  });

  test('throws when the pool belongs to a managed node group', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new GpuNodePool(chart, 'pool', {
          name: 'x',
          instanceTypes: ['g6.xlarge'],
          clusterName: 'c1',
          provisioner: 'managed-node-group',
        }),
    ).toThrow(AireadyValidationError);
  });

  test('fromManagedNodeGroup emits nothing but schedules like a Karpenter pool', () => {
    const chart = Testing.chart();
    const pool = GpuNodePool.fromManagedNodeGroup(chart, 'mng', {
      name: 'm',
      instanceTypes: ['g6.xlarge'],
      provisioner: 'managed-node-group',
    });
    expect(synth(chart)).toEqual([]);
    expect(pool.nodeSelector).toEqual({ 'aiready.dev/pool': 'm' });
    expect(pool.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('throws when fromManagedNodeGroup gets a Karpenter pool', () => {
    const chart = Testing.chart();
    expect(() => GpuNodePool.fromManagedNodeGroup(chart, 'mng', { name: 'm', instanceTypes: ['g6.xlarge'] })).toThrow(
      /managed-node-group/,
    );
  });
});

describe('addGpuLimit', () => {
  test.each([
    [
      'Deployment',
      (c: Chart) => new kplus.Deployment(c, 'w', { containers: [{ image: 'x:1' }] }),
      (o: Obj) => o.spec.template.spec.containers,
    ],
    ['Job', (c: Chart) => new kplus.Job(c, 'w', { containers: [{ image: 'x:1' }] }), (o: Obj) => o.spec.template.spec.containers],
    ['Pod', (c: Chart) => new kplus.Pod(c, 'w', { containers: [{ image: 'x:1' }] }), (o: Obj) => o.spec.containers],
  ])('sets the limit on a %s', (kind, make, containers) => {
    const chart = Testing.chart();
    addGpuLimit(make(chart), { count: 2 });
    expect(containers(only(synth(chart), kind))[0].resources.limits['nvidia.com/gpu']).toBe(2);
  });

  test.each([
    ['count', { count: 0 }],
    ['container', { count: 1, container: 3 }],
  ])('throws when %s is invalid', (field, options) => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'w', { containers: [{ image: 'x:1' }] });
    expect(() => addGpuLimit(d, options)).toThrow(new RegExp(`${field} = .*Fix`));
  });
});
