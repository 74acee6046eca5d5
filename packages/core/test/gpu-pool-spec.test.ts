import * as fc from 'fast-check';
import {
  AireadyValidationError,
  findInstanceType,
  GPU_INSTANCE_TYPE_NAMES,
  GPU_TAINT,
  GpuPoolSpec,
  normalizeGpuPool,
  normalizeGpuPools,
  Sharing,
} from '../src';

function problemsOf(fn: () => unknown): AireadyValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AireadyValidationError) return err;
    throw err;
  }
  throw new Error('expected an AireadyValidationError');
}

describe('normalizeGpuPool', () => {
  test('defaults', () => {
    // GIVEN
    const spec: GpuPoolSpec = { name: 'l4', instanceTypes: ['g6.xlarge'] };
    // WHEN
    const pool = normalizeGpuPool(spec);
    // THEN
    expect(pool).toMatchObject({
      name: 'l4',
      provisioner: 'karpenter',
      capacityType: 'on-demand',
      purpose: 'inference',
      minNodes: 0,
      maxNodes: 2,
      gpuLimit: 2,
      maxGpusPerNode: 1,
      architecture: 'amd64',
      amiAlias: 'al2023@v20260724',
      amiFloating: false,
    });
    expect(pool.taints).toEqual([GPU_TAINT]);
    expect(pool.nodeLabels).toEqual({
      'aiready.dev/pool': 'l4',
      'aiready.dev/purpose': 'inference',
      'nvidia.com/gpu.present': 'true',
    });
    expect(pool.gpuModels.map((m) => m.id)).toEqual(['l4']);
    expect(pool.warnings).toEqual([]);
  });

  test('resolves GPU counts, limit and models across instance types', () => {
    // WHEN
    const pool = normalizeGpuPool({ name: 'mixed', instanceTypes: ['g6.xlarge', 'g6.12xlarge'], maxNodes: 3 });
    // THEN
    expect(pool.minGpusPerNode).toBe(1);
    expect(pool.maxGpusPerNode).toBe(4);
    expect(pool.gpuLimit).toBe(12);
  });

  test('Bottlerocket pools keep the operator device plugin and MIG manager off their nodes', () => {
    // WHEN
    const pool = normalizeGpuPool({ name: 'br', instanceTypes: ['g6.xlarge'], amiFamily: 'bottlerocket' });
    // THEN
    expect(pool.amiAlias).toBe('bottlerocket@v1.61.0');
    expect(pool.nodeLabels['nvidia.com/gpu.deploy.device-plugin']).toBe('false');
    expect(pool.nodeLabels['nvidia.com/gpu.deploy.mig-manager']).toBe('false');
  });

  test('a floating AMI on a training pool is a warning, not an error', () => {
    const pool = normalizeGpuPool({
      name: 't',
      instanceTypes: ['p5.48xlarge'],
      purpose: 'training',
      zones: ['us-east-1a'],
      amiRelease: 'latest',
    });
    expect(pool.amiAlias).toBe('al2023@latest');
    expect(pool.warnings).toEqual([expect.objectContaining({ path: 'spec.amiRelease' })]);
  });

  test.each<[string, Partial<GpuPoolSpec>, number, boolean]>([
    ['a p-family training pool of whole GPUs gets EFA by default', {}, 32, false],
    ['a p-family training pool that shares its GPUs gets none by default', { sharing: Sharing.mig('all-balanced') }, 0, false],
    [
      'asked for on a pool that shares its GPUs, EFA comes with a warning',
      { sharing: Sharing.mig('all-balanced'), efa: true },
      32,
      true,
    ],
    ['turned off on a pool of whole GPUs, none', { efa: false }, 0, false],
  ])('%s', (_why, extra, interfaces, warned) => {
    // GIVEN an H100 training pool in one zone
    const pool = normalizeGpuPool({
      name: 'h100',
      instanceTypes: ['p5.48xlarge'],
      purpose: 'training',
      zones: ['us-east-1a'],
      ...extra,
    });
    // THEN EFA serves whole GPUs only: a MIG slice cannot use it, so it is idle there
    expect(pool.efaInterfaces).toBe(interfaces);
    expect(pool.warnings.some((w) => w.path === 'spec.efa' && /EFA devices are not shared/.test(w.message))).toBe(warned);
  });

  test('an explicit AMI release is pinned', () => {
    expect(normalizeGpuPool({ name: 'x', instanceTypes: ['g6.xlarge'], amiRelease: 'v20260801' }).amiAlias).toBe(
      'al2023@v20260801',
    );
  });

  // Each rule: the input, the field the error must name, and a word of the fix.
  const bad: [string, GpuPoolSpec, string, string][] = [
    ['the name is not a DNS label', { name: 'GPU_Pool', instanceTypes: ['g6.xlarge'] }, 'spec.name', 'lower-case'],
    ['the name is too long', { name: 'a'.repeat(41), instanceTypes: ['g6.xlarge'] }, 'spec.name', 'at most 40'],
    ['no instance type is given', { name: 'x', instanceTypes: [] }, 'spec.instanceTypes', 'g6e.xlarge'],
    ['an instance type is unknown', { name: 'x', instanceTypes: ['p5.49xlarge'] }, 'spec.instanceTypes[0]', 'p5.48xlarge'],
    [
      'an instance type is listed twice',
      { name: 'x', instanceTypes: ['g6.xlarge', 'g6.xlarge'] },
      'spec.instanceTypes[1]',
      'once',
    ],
    [
      'minNodes > maxNodes',
      { name: 'x', instanceTypes: ['g6.xlarge'], minNodes: 3, maxNodes: 2 },
      'spec.minNodes',
      'minNodes <= maxNodes',
    ],
    ['maxNodes is zero', { name: 'x', instanceTypes: ['g6.xlarge'], maxNodes: 0 }, 'spec.maxNodes', 'at least 1'],
    ['minNodes is fractional', { name: 'x', instanceTypes: ['g6.xlarge'], minNodes: 0.5 }, 'spec.minNodes', 'whole number'],
    [
      'the GPU limit is below one node',
      { name: 'x', instanceTypes: ['p5.48xlarge'], gpuLimit: 4 },
      'spec.gpuLimit',
      'at least 8',
    ],
    [
      'the capacity type is unknown',
      { name: 'x', instanceTypes: ['g6.xlarge'], capacityType: 'cheap' as never },
      'spec.capacityType',
      "'spot'",
    ],
    [
      'the purpose is unknown',
      { name: 'x', instanceTypes: ['g6.xlarge'], purpose: 'fun' as never },
      'spec.purpose',
      "'training'",
    ],
    [
      'the provisioner is unknown',
      { name: 'x', instanceTypes: ['g6.xlarge'], provisioner: 'fargate' as never },
      'spec.provisioner',
      "'karpenter'",
    ],
    [
      'the AMI family is unknown',
      { name: 'x', instanceTypes: ['g6.xlarge'], amiFamily: 'ubuntu' as never },
      'spec.amiFamily',
      "'bottlerocket'",
    ],
    [
      'the AMI release is malformed',
      { name: 'x', instanceTypes: ['g6.xlarge'], amiRelease: '2026-07-24' },
      'spec.amiRelease',
      'v20260724',
    ],
    [
      'a Bottlerocket release is given in AL2023 form',
      { name: 'x', instanceTypes: ['g6.xlarge'], amiFamily: 'bottlerocket', amiRelease: 'v20260724' },
      'spec.amiRelease',
      'v1.61.0',
    ],
    [
      'a label key is invalid',
      { name: 'x', instanceTypes: ['g6.xlarge'], labels: { 'bad key!': 'v' } },
      'spec.labels["bad key!"]',
      'label key',
    ],
    [
      'a label value is invalid',
      { name: 'x', instanceTypes: ['g6.xlarge'], labels: { 'example.com/tier': 'not valid!' } },
      'spec.labels["example.com/tier"]',
      '63',
    ],
    [
      'a label uses a reserved domain',
      { name: 'x', instanceTypes: ['g6.xlarge'], labels: { 'karpenter.sh/foo': 'v' } },
      'spec.labels["karpenter.sh/foo"]',
      'own domain',
    ],
    [
      'a label uses the aiready domain',
      { name: 'x', instanceTypes: ['g6.xlarge'], labels: { 'aiready.dev/pool': 'other' } },
      'spec.labels["aiready.dev/pool"]',
      'own domain',
    ],
    [
      'a taint effect is invalid',
      { name: 'x', instanceTypes: ['g6.xlarge'], taints: [{ key: 'a.b/c', effect: 'Never' as never }] },
      'spec.taints[0].effect',
      'NoSchedule',
    ],
    [
      'the GPU taint is repeated',
      { name: 'x', instanceTypes: ['g6.xlarge'], taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
      'spec.taints[0].key',
      'remove',
    ],
  ];

  test.each(bad)('throws when %s', (_why, spec, path, fix) => {
    const err = problemsOf(() => normalizeGpuPool(spec));
    const problem = err.problems.find((p) => p.path === path);
    expect(problem).toBeDefined();
    expect(`${problem!.problem} ${problem!.fix}`).toContain(fix);
    expect(err.message).toContain(path);
  });

  test('reports every problem of a spec at once', () => {
    const err = problemsOf(() => normalizeGpuPool({ name: 'Bad', instanceTypes: ['nope'], minNodes: 5, maxNodes: 1 }));
    expect(err.problems.map((p) => p.path).sort()).toEqual(['spec.instanceTypes[0]', 'spec.minNodes', 'spec.name']);
  });
});

describe('implausible values', () => {
  test.each([
    ['time-slicing above 48 replicas', { sharing: Sharing.timeSlicing(64) }, 'spec.sharing.replicas', /64 time-slices per GPU/],
    ['more nodes than a GPU quota plausibly holds', { maxNodes: 600 }, 'spec.maxNodes', /600 nodes \(600 GPUs\).*Service Quotas/],
    ['more GPUs than a GPU quota plausibly holds', { maxNodes: 10, gpuLimit: 5000 }, 'spec.gpuLimit', /5000 GPUs/],
  ])('warns on %s', (_why, more, path, message) => {
    // GIVEN an L4 pool with an implausible value WHEN normalised
    const pool = normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.xlarge'], ...more });
    // THEN it is a warning naming the field, not an error
    expect(pool.warnings).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  test.each([
    ['48 time-slices', { sharing: Sharing.timeSlicing(48) }],
    ['500 nodes', { maxNodes: 500 }],
  ])('no warning at %s', (_why, more) => {
    expect(normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.xlarge'], ...more }).warnings).toEqual([]);
  });
});

describe('normalizeGpuPools', () => {
  test('throws when two pools share a name', () => {
    const err = problemsOf(() =>
      normalizeGpuPools([
        { name: 'a', instanceTypes: ['g6.xlarge'] },
        { name: 'a', instanceTypes: ['g6e.xlarge'] },
      ]),
    );
    expect(err.problems).toEqual([expect.objectContaining({ path: 'pools[1].name', fix: 'give every pool a unique name' })]);
  });

  test('collects the problems of every pool', () => {
    const err = problemsOf(() =>
      normalizeGpuPools([
        { name: 'a', instanceTypes: ['nope'] },
        { name: 'b', instanceTypes: ['g6.xlarge'], maxNodes: -1 },
      ]),
    );
    expect(err.problems.map((p) => p.path)).toEqual(['pools[0].instanceTypes[0]', 'pools[1].maxNodes']);
  });
});

describe('properties', () => {
  const validSpec = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/),
    instanceTypes: fc.uniqueArray(
      fc.constantFrom(...GPU_INSTANCE_TYPE_NAMES.filter((n) => findInstanceType(n)!.architecture === 'amd64')),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    minNodes: fc.integer({ min: 0, max: 3 }),
    extra: fc.integer({ min: 0, max: 5 }),
    capacityType: fc.constantFrom('on-demand' as const, 'spot' as const),
    purpose: fc.constantFrom('training' as const, 'inference' as const, 'interactive' as const),
    amiFamily: fc.constantFrom('al2023' as const, 'bottlerocket' as const),
  });

  test('every valid spec normalizes, and its limit covers the largest node', () => {
    fc.assert(
      fc.property(validSpec, ({ extra, ...s }) => {
        const pool = normalizeGpuPool({ ...s, efa: false, maxNodes: s.minNodes + extra + 1 });
        expect(pool.gpuLimit).toBeGreaterThanOrEqual(pool.maxGpusPerNode);
        expect(pool.nodeLabels['aiready.dev/pool']).toBe(s.name);
        expect(pool.taints[0]).toEqual(GPU_TAINT);
      }),
    );
  });

  test('an unknown instance type always raises the validation error, never anything else', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !GPU_INSTANCE_TYPE_NAMES.includes(s)),
        (name) => {
          expect(() => normalizeGpuPool({ name: 'x', instanceTypes: [name] })).toThrow(AireadyValidationError);
        },
      ),
    );
  });
});
