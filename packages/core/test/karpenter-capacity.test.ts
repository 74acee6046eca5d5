import * as fc from 'fast-check';
import {
  karpenterNodeOverlays,
  karpenterPoolLimits,
  normalizeGpuPool,
  poolGpuResources,
  schedulableResources,
  Sharing,
} from '../src';

describe('Karpenter capacity of a pool', () => {
  test.each([
    ['whole GPUs: Karpenter knows them', { instanceTypes: ['g6.xlarge'] }, []],
    [
      'time-slicing, renamed: the shares',
      { instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) },
      [{ name: 'p', types: ['g6.xlarge'], capacity: { 'nvidia.com/gpu.shared': 4 } }],
    ],
    [
      'time-slicing, not renamed: nvidia.com/gpu replaced by the shares',
      { instanceTypes: ['g6.xlarge'], sharing: { mode: 'time-slicing', replicas: 3, renameByDefault: false } },
      [{ name: 'p', types: ['g6.xlarge'], capacity: { 'nvidia.com/gpu': 3 } }],
    ],
    [
      'MPS: the shares',
      { instanceTypes: ['g6e.xlarge'], sharing: Sharing.mps(2) },
      [{ name: 'p', types: ['g6e.xlarge'], capacity: { 'nvidia.com/gpu.shared': 2 } }],
    ],
    [
      'MIG mixed: every profile',
      { instanceTypes: ['p4de.24xlarge'], sharing: Sharing.mig('all-balanced') },
      [
        {
          name: 'p',
          types: ['p4de.24xlarge'],
          capacity: { 'nvidia.com/mig-1g.10gb': 16, 'nvidia.com/mig-2g.20gb': 8, 'nvidia.com/mig-3g.40gb': 8 },
        },
      ],
    ],
    [
      'MIG single: the slices as nvidia.com/gpu',
      { instanceTypes: ['p5.48xlarge'], sharing: Sharing.mig('all-1g.10gb') },
      [{ name: 'p', types: ['p5.48xlarge'], capacity: { 'nvidia.com/gpu': 56 } }],
    ],
    [
      'instance types of different GPU counts: one overlay each, named by the count',
      { instanceTypes: ['g6.12xlarge', 'g6.xlarge', 'g6.2xlarge'], sharing: Sharing.timeSlicing(2) },
      [
        { name: 'p-1gpu', types: ['g6.2xlarge', 'g6.xlarge'], capacity: { 'nvidia.com/gpu.shared': 2 } },
        { name: 'p-4gpu', types: ['g6.12xlarge'], capacity: { 'nvidia.com/gpu.shared': 8 } },
      ],
    ],
  ])('%s', (_what, spec, expected) => {
    // GIVEN a Karpenter pool WHEN its overlays are planned THEN they give exactly what its nodes will advertise
    const pool = normalizeGpuPool({ name: 'p', maxNodes: 2, ...spec } as never);
    expect(karpenterNodeOverlays(pool).map((o) => ({ name: o.name, types: o.instanceTypes, capacity: o.capacity }))).toEqual(
      expected,
    );
  });

  test('managed node groups get no overlays (the cluster autoscaler reads node-template tags)', () => {
    const pool = normalizeGpuPool({
      name: 'p',
      instanceTypes: ['g6.xlarge'],
      provisioner: 'managed-node-group',
      sharing: Sharing.timeSlicing(4),
    });
    expect(karpenterNodeOverlays(pool)).toEqual([]);
  });

  test('every overlay selects its NodePool and instance types, and no two overlays overlap', () => {
    const types = ['g6.xlarge', 'g6.2xlarge', 'g6.12xlarge', 'g6.48xlarge'];
    fc.assert(
      fc.property(fc.subarray(types, { minLength: 1 }), fc.integer({ min: 2, max: 8 }), (chosen, replicas) => {
        const pool = normalizeGpuPool({ name: 'p', instanceTypes: chosen, sharing: Sharing.timeSlicing(replicas) });
        const overlays = karpenterNodeOverlays(pool);
        const covered = overlays.flatMap((o) => o.instanceTypes);
        expect([...covered].sort()).toEqual([...chosen].sort());
        for (const o of overlays) {
          expect(o.requirements).toEqual([
            { key: 'karpenter.sh/nodepool', operator: 'In', values: ['p'] },
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: o.instanceTypes },
          ]);
          // each type's capacity is what the device plugin advertises on it
          for (const t of pool.instanceTypes.filter((x) => o.instanceTypes.includes(x.name)))
            expect(o.capacity).toEqual(schedulableResources(pool.sharing, t));
        }
      }),
    );
  });

  test.each([
    ['whole GPUs', { instanceTypes: ['p5.48xlarge'] }, { 'nvidia.com/gpu': 24 }],
    [
      'a time-sliced pool',
      { instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) },
      { 'nvidia.com/gpu.shared': 12, nodes: 3 },
    ],
    [
      'a MIG pool (mixed)',
      { instanceTypes: ['p4de.24xlarge'], sharing: Sharing.mig('all-balanced') },
      { 'nvidia.com/mig-1g.10gb': 48, 'nvidia.com/mig-2g.20gb': 24, 'nvidia.com/mig-3g.40gb': 24, nodes: 3 },
    ],
    [
      'a MIG pool (single)',
      { instanceTypes: ['p5.48xlarge'], sharing: Sharing.mig('all-3g.40gb') },
      { 'nvidia.com/gpu': 48, nodes: 3 },
    ],
  ])('the limits of %s count what its nodes advertise', (_what, spec, limits) => {
    const pool = normalizeGpuPool({ name: 'p', maxNodes: 3, ...spec } as never);
    expect(karpenterPoolLimits(pool)).toEqual(limits);
    expect(poolGpuResources(pool, 0)).toEqual(
      Object.fromEntries(
        Object.keys(limits)
          .filter((k) => k !== 'nodes')
          .map((k) => [k, 0]),
      ),
    );
  });
});
