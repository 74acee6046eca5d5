import { computeQuantities, gpuEquivalents, gpuPodCompute, normalizeGpuPool, Sharing, teamComputeQuota } from '../src';

const h100 = normalizeGpuPool({ name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] });
const l4 = normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.xlarge', 'g6.2xlarge'] });
const mig = normalizeGpuPool({ name: 'mig', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-balanced') });
const shared = normalizeGpuPool({ name: 's', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) });

describe('gpuPodCompute', () => {
  test.each([
    // p5.48xlarge: 192 vCPU, 2048 GiB, 8 GPUs -> 24 vCPU and 256 GiB per GPU, 80% of it
    ['8 H100 (a whole p5 node)', h100, 8, { cpu: '153600m', memory: '1638Gi' }],
    ['1 H100', h100, 1, { cpu: '19200m', memory: '204Gi' }],
    // the leanest type of the pool decides: g6.xlarge has 4 vCPU and 16 GiB for its one GPU
    ['1 L4 on a pool of g6.xlarge and g6.2xlarge', l4, 1, { cpu: '3200m', memory: '12Gi' }],
    ['a quarter of an L4', shared, 0.25, { cpu: '800m', memory: '3Gi' }],
  ])('%s', (_name, pool, gpus, expected) => {
    expect(computeQuantities(gpuPodCompute(pool, gpus))).toEqual(expected);
  });

  test('a pod asking for every GPU of the leanest node still fits the node, with room for its DaemonSets', () => {
    for (const pool of [h100, l4, shared]) {
      const t = pool.instanceTypes.reduce((a, b) => (a.vcpu / a.gpuCount < b.vcpu / b.gpuCount ? a : b));
      const c = gpuPodCompute(pool, t.gpuCount);
      expect(c.cpuMillicores).toBeLessThanOrEqual(t.vcpu * 1000 * 0.8);
      expect(c.memoryMiB).toBeLessThanOrEqual(t.memoryGiB * 1024 * 0.8);
    }
  });
});

describe('gpuEquivalents', () => {
  test.each([
    ['whole GPUs', h100, { kind: 'whole', count: 2 }, 2],
    ['a 3g slice of a 7-slice H100', mig, { kind: 'mig', count: 1, profile: '3g.40gb' }, 3 / 7],
    ['two shares of a 4-way time-sliced GPU', shared, { kind: 'shared', count: 2 }, 0.5],
  ] as const)('%s', (_name, pool, ask, expected) => {
    expect(gpuEquivalents(pool, ask)).toBeCloseTo(expected);
  });
});

describe('teamComputeQuota', () => {
  test('holds the GPU quota at the default pod sizes, plus a base for CPU work', () => {
    // 16 H100 need 2 x 153.6 cores and 2 x 1638 GiB; the base adds 16 cores and 64 GiB
    expect(teamComputeQuota([h100, l4], { h100: 16 })).toEqual({ cpu: 16 + 308, memoryGiB: 64 + 3276 });
    expect(teamComputeQuota([h100], {})).toEqual({ cpu: 16, memoryGiB: 64 });
  });
});
