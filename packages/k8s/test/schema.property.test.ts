// Property: any valid pool spec synthesizes Karpenter objects that the upstream CRDs accept.
import { findInstanceTypes, GPU_INSTANCE_TYPE_NAMES, GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { CRDS, crdValidator } from '../../../test/support/crd-schema';
import { GpuNodePool } from '../src';
import { synth } from './util';

const haveCrds = fs.existsSync(CRDS);
if (!haveCrds) process.stderr.write(`SKIPPED: Karpenter schema property, ${CRDS} not found\n`);
const maybe = haveCrds ? test : test.skip;

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

maybe('random valid pools synthesize NodePools and EC2NodeClasses the upstream CRDs accept', () => {
  const nodePool = crdValidator(path.join(CRDS, 'karpenter/karpenter.sh_nodepools.yaml'), 'v1');
  const nodeClass = crdValidator(path.join(CRDS, 'karpenter/karpenter.k8s.aws_ec2nodeclasses.yaml'), 'v1');
  fc.assert(
    fc.property(spec, (s) => {
      const chart = Testing.chart();
      new GpuNodePool(chart, 'p', { ...s, clusterName: 'c1' });
      for (const o of synth(chart)) {
        const validate = o.kind === 'NodePool' ? nodePool : nodeClass;
        expect(validate(o) ? [] : validate.errors).toEqual([]);
      }
    }),
    { numRuns: 150 },
  );
});
