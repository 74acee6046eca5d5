import {
  AMI_FAMILIES,
  findInstanceType,
  GPU_INSTANCE_FAMILIES,
  GPU_INSTANCE_TYPES,
  GPU_MODELS,
  gpuModel,
  PRICES_AS_OF,
} from '../src';

describe('GPU models', () => {
  test.each(Object.values(GPU_MODELS).filter((m) => m.mig))(
    '$id: every MIG profile fits the GPU and all-balanced is a valid layout',
    (model) => {
      const mig = model.mig!;
      for (const p of mig.profiles) {
        expect(p.name).toMatch(/^\d+g\.\d+gb(\+me)?$/);
        expect(p.computeSlices * p.maxInstances).toBeLessThanOrEqual(mig.computeSlices);
        expect(p.memorySlices * p.maxInstances).toBeLessThanOrEqual(mig.memorySlices);
      }
      let compute = 0;
      let memory = 0;
      for (const [name, count] of Object.entries(mig.balanced)) {
        const profile = mig.profiles.find((p) => p.name === name)!;
        expect(profile).toBeDefined();
        compute += profile.computeSlices * count;
        memory += profile.memorySlices * count;
      }
      expect(compute).toBeLessThanOrEqual(mig.computeSlices);
      expect(memory).toBeLessThanOrEqual(mig.memorySlices);
    },
  );

  test('MIG profile names match NVIDIA for the GPUs users get wrong', () => {
    const names = (id: Parameters<typeof gpuModel>[0]) => gpuModel(id).mig!.profiles.map((p) => p.name);
    expect(names('b200')).toContain('2g.45gb');
    expect(names('b200')).not.toContain('2g.40gb');
    expect(names('h100')).toContain('7g.80gb');
    expect(names('a100-40gb')).toEqual(['1g.5gb', '1g.5gb+me', '1g.10gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb']);
    expect(names('h200')).toContain('3g.71gb');
  });

  test.each(['t4', 'a10g', 'l4', 'l40s'] as const)('%s has no MIG', (id) => {
    expect(gpuModel(id).mig).toBeUndefined();
  });
});

describe('instance types', () => {
  test('every instance type names a catalogued GPU model and has sane numbers', () => {
    for (const t of Object.values(GPU_INSTANCE_TYPES)) {
      expect(GPU_MODELS[t.gpuModel]).toBeDefined();
      expect(t.gpuCount).toBeGreaterThan(0);
      expect(t.vcpu).toBeGreaterThan(0);
      expect(t.name.startsWith(`${t.family}.`)).toBe(true);
    }
  });

  test.each([
    ['p5.48xlarge', 'h100', 8, 32],
    ['p4d.24xlarge', 'a100-40gb', 8, 4],
    ['p4de.24xlarge', 'a100-80gb', 8, 4],
    ['p5en.48xlarge', 'h200', 8, 16],
    ['p6-b200.48xlarge', 'b200', 8, 8],
    ['g6e.48xlarge', 'l40s', 8, 4],
    ['g5.xlarge', 'a10g', 1, 0],
    ['g4dn.12xlarge', 't4', 4, 1],
  ])('%s: %s x%i, %i EFA', (name, model, count, efa) => {
    expect(findInstanceType(name)).toMatchObject({ gpuModel: model, gpuCount: count, efaInterfaces: efa });
  });

  test('covers every size of the required families', () => {
    const families = ['g4dn', 'g5', 'g6', 'g6e', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200'];
    for (const f of families) expect(GPU_INSTANCE_FAMILIES).toContain(f);
    expect(Object.values(GPU_INSTANCE_TYPES).filter((t) => t.family === 'g6e')).toHaveLength(8);
  });

  test('prices carry their region and date; p5e has none', () => {
    expect(findInstanceType('p5.48xlarge')!.onDemandPrice).toEqual({
      usdPerHour: 55.04,
      region: 'us-east-1',
      asOf: PRICES_AS_OF,
    });
    expect(findInstanceType('p5e.48xlarge')!.onDemandPrice).toBeUndefined();
  });

  test('an unknown or inherited name is not found', () => {
    expect(findInstanceType('m7i.large')).toBeUndefined();
    expect(findInstanceType('toString')).toBeUndefined();
  });
});

describe('AMI families', () => {
  test('AL2023 ships the driver and toolkit but no device plugin; Bottlerocket ships all three', () => {
    expect(AMI_FAMILIES.al2023.preinstalled).toEqual({ driver: true, containerToolkit: true, devicePlugin: false });
    expect(AMI_FAMILIES.bottlerocket.preinstalled).toEqual({ driver: true, containerToolkit: true, devicePlugin: true });
    expect(AMI_FAMILIES.bottlerocket.migStrategies).toEqual(['single']);
  });

  test('pinned aliases are versions, never latest', () => {
    for (const f of Object.values(AMI_FAMILIES)) expect(f.pinnedAlias).not.toContain('latest');
  });
});

describe('architectures and unsupported accelerators', () => {
  test('g5g is ARM and gets the ARM NVIDIA AMI', () => {
    expect(findInstanceType('g5g.16xlarge')).toMatchObject({ architecture: 'arm64', gpuModel: 't4g', gpuCount: 2 });
  });
});
