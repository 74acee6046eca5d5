import { eksTaintEffect, managedNodeGroupAmiType, managedNodeGroupLabels, normalizeGpuPool, poolCapacity } from '../src';

describe('pool plan', () => {
  test('managed node groups carry the accelerator label next to the pool labels', () => {
    const pool = normalizeGpuPool({ name: 'h100', instanceTypes: ['p5.48xlarge'] });
    expect(managedNodeGroupLabels(pool)).toEqual({
      'aiready.dev/pool': 'h100',
      'aiready.dev/purpose': 'inference',
      'k8s.amazonaws.com/accelerator': 'nvidia-h100',
      'nvidia.com/gpu.present': 'true',
      'nvidia.com/mig.config': 'all-disabled',
    });
  });

  test.each([
    ['al2023', 'AL2023_x86_64_NVIDIA'],
    ['bottlerocket', 'BOTTLEROCKET_x86_64_NVIDIA'],
  ] as const)('%s pools use the %s AMI type', (amiFamily, amiType) => {
    expect(managedNodeGroupAmiType(normalizeGpuPool({ name: 'x', instanceTypes: ['g6.xlarge'], amiFamily }))).toBe(amiType);
  });

  test.each([
    ['NoSchedule', 'NO_SCHEDULE'],
    ['PreferNoSchedule', 'PREFER_NO_SCHEDULE'],
    ['NoExecute', 'NO_EXECUTE'],
  ] as const)('taint effect %s is %s on EKS', (k, eks) => expect(eksTaintEffect(k)).toBe(eks));

  test('capacity and cost at full size', () => {
    const pool = normalizeGpuPool({ name: 'x', instanceTypes: ['p5.48xlarge'], maxNodes: 2 });
    expect(poolCapacity(pool)).toEqual({ maxNodes: 2, maxGpus: 16, maxGpuHoursPerDay: 384, maxUsdPerHour: 110.08 });
  });

  test('the GPU limit bounds nodes and cost', () => {
    const pool = normalizeGpuPool({ name: 'x', instanceTypes: ['g6.xlarge'], maxNodes: 10, gpuLimit: 4 });
    expect(poolCapacity(pool)).toMatchObject({ maxGpus: 4, maxUsdPerHour: 3.2192 });
  });

  test('a pool price overrides the list price in every cost figure', () => {
    const pool = normalizeGpuPool({
      name: 'x',
      instanceTypes: ['p5.48xlarge'],
      maxNodes: 2,
      pricePerHour: { 'p5.48xlarge': 40 },
    });
    expect(poolCapacity(pool).maxUsdPerHour).toBe(80);
    expect(pool.instanceTypes[0].onDemandPrice).toEqual({ usdPerHour: 40, region: 'user', asOf: 'user-provided' });
  });

  test.each([
    ['the type is not in the pool', { 'g6.xlarge': 1 }],
    ['the price is not positive', { 'p5.48xlarge': 0 }],
  ])('throws when a price override is wrong: %s', (_why, pricePerHour) => {
    expect(() => normalizeGpuPool({ name: 'x', instanceTypes: ['p5.48xlarge'], pricePerHour })).toThrow(/pricePerHour/);
  });

  test('no price, no cost figure', () => {
    const pool = normalizeGpuPool({ name: 'x', instanceTypes: ['p5e.48xlarge'] });
    expect(poolCapacity(pool).maxUsdPerHour).toBeUndefined();
  });
});

describe('ARM pools', () => {
  test.each([
    ['al2023', 'AL2023_ARM_64_NVIDIA'],
    ['bottlerocket', 'BOTTLEROCKET_ARM_64_NVIDIA'],
  ] as const)('%s ARM pools use %s', (amiFamily, amiType) => {
    expect(managedNodeGroupAmiType(normalizeGpuPool({ name: 'a', instanceTypes: ['g5g.xlarge'], amiFamily }))).toBe(amiType);
  });
});
