// Property: any valid pool spec synthesizes Karpenter objects that the upstream CRDs accept.
import { findInstanceTypes, GPU_INSTANCE_TYPE_NAMES, GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { validateObjects } from '@aiready/validate';
import { GpuNodePool } from '../src';
import { synth } from './util';

const spec: fc.Arbitrary<GpuPoolSpec> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    type: fc.constantFrom(...GPU_INSTANCE_TYPE_NAMES),
    capacity: fc.constantFrom('on-demand', 'spot', 'reserved-id', 'reserved-tag'),
    purpose: fc.constantFrom('training' as const, 'inference' as const, 'interactive' as const),
    amiFamily: fc.constantFrom('al2023' as const, 'bottlerocket' as const),
    maxNodes: fc.integer({ min: 1, max: 20 }),
    zoned: fc.boolean(),
    sharing: fc.constantFrom('none', 'time-slicing', 'mig'),
    weight: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    volume: fc.integer({ min: 50, max: 2000 }),
  })
  .map((r) => {
    const type = findInstanceTypes({}).find((t) => t.name === r.type)!;
    const efa = type.efaInterfaces > 0 && r.zoned;
    const migOk =
      r.amiFamily === 'al2023' && normalizeGpuPool({ name: 'x', instanceTypes: [r.type], efa: false }).gpuModels[0].mig;
    return {
      name: r.name,
      instanceTypes: [r.type],
      purpose: r.purpose,
      amiFamily: r.amiFamily,
      maxNodes: r.maxNodes,
      efa,
      ...(r.zoned ? { zones: ['us-east-1a'] } : {}),
      ...(r.capacity === 'reserved-id'
        ? { capacityType: 'reserved' as const, capacityReservation: { ids: ['cr-0123456789abcdef0'] } }
        : r.capacity === 'reserved-tag'
          ? { capacityType: 'reserved' as const, capacityReservation: { tags: { team: 'ml' } } }
          : { capacityType: r.capacity as 'on-demand' | 'spot' }),
      ...(r.sharing === 'mig' && migOk ? { sharing: { mode: 'mig' as const, layout: 'all-balanced' } } : {}),
      ...(r.sharing === 'time-slicing' && r.amiFamily === 'al2023'
        ? { sharing: { mode: 'time-slicing' as const, replicas: 3 } }
        : {}),
      ...(r.weight === undefined ? {} : { weight: r.weight }),
      imageVolumeGiB: r.volume,
    };
  });

test('random valid pools synthesize NodePools and EC2NodeClasses the bundled upstream CRDs accept, CEL rules included', () => {
  fc.assert(
    fc.property(spec, (s) => {
      // GIVEN a random valid pool WHEN synthesized
      const chart = Testing.chart();
      new GpuNodePool(chart, 'p', { ...s, clusterName: 'c1' });
      const objects = synth(chart);
      // THEN every object passes the upstream schema with its CEL rules
      const report = validateObjects(objects.map((object) => ({ object })));
      expect(report.problems).toEqual([]);
      expect(report.checked).toBe(objects.length);
      expect(report.cel.evaluated).toBeGreaterThan(0);
    }),
    { numRuns: 150 },
  );
});
