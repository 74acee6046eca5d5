import * as fc from 'fast-check';
import {
  AireadyValidationError,
  bottlerocketSettings,
  findInstanceTypes,
  GPU_INSTANCE_TYPES,
  GPU_MODELS,
  GpuPoolSpec,
  normalizeGpuPool,
  schedulableResources,
  Sharing,
} from '../src';

function problem(spec: GpuPoolSpec, path: string): { problem: string; fix: string } {
  try {
    normalizeGpuPool(spec);
  } catch (err) {
    if (!(err instanceof AireadyValidationError)) throw err;
    const p = err.problems.find((x) => x.path === path);
    if (!p) throw new Error(`no problem at ${path}; got ${err.message}`);
    return p;
  }
  throw new Error('expected an AireadyValidationError');
}

/** One instance type per MIG-capable GPU model. */
const MIG_TYPES = Object.values(GPU_MODELS)
  .filter((m) => m.mig)
  .map((m) => [m.id, Object.values(GPU_INSTANCE_TYPES).find((t) => t.gpuModel === m.id)!.name] as const);

describe('MIG layouts over the whole catalogue', () => {
  const cases = MIG_TYPES.flatMap(([model, type]) =>
    ['all-balanced', ...GPU_MODELS[model].mig!.profiles.map((p) => `all-${p.name}`)].map(
      (layout) => [model, type, layout] as const,
    ),
  );

  test.each(cases)('%s on %s: %s is a valid layout with the right resources', (model, type, layout) => {
    const pool = normalizeGpuPool({ name: 'm', instanceTypes: [type], efa: false, sharing: Sharing.mig(layout, 'mixed') });
    const mig = GPU_MODELS[model].mig!;
    const perGpu = pool.sharing.migLayout!.perGpu;
    let compute = 0;
    let memory = 0;
    for (const [name, n] of Object.entries(perGpu)) {
      const profile = mig.profiles.find((p) => p.name === name)!;
      compute += profile.computeSlices * n;
      memory += profile.memorySlices * n;
    }
    expect(compute).toBeLessThanOrEqual(mig.computeSlices);
    expect(memory).toBeLessThanOrEqual(mig.memorySlices);
    const gpus = GPU_INSTANCE_TYPES[type].gpuCount;
    const resources = schedulableResources(pool.sharing, GPU_INSTANCE_TYPES[type]);
    expect(resources).toEqual(Object.fromEntries(Object.entries(perGpu).map(([p, n]) => [`nvidia.com/mig-${p}`, n * gpus])));
    expect(pool.nodeLabels['nvidia.com/mig.config']).toBe(pool.sharing.migLayout!.name);
    expect(pool.nodeLabels['nvidia.com/mig.config']).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]$/);
  });

  test('56 x nvidia.com/mig-1g.10gb on a p5.48xlarge', () => {
    const pool = normalizeGpuPool({
      name: 'h',
      instanceTypes: ['p5.48xlarge'],
      efa: false,
      sharing: Sharing.mig('all-1g.10gb', 'mixed'),
    });
    expect(schedulableResources(pool.sharing, GPU_INSTANCE_TYPES['p5.48xlarge'])).toEqual({ 'nvidia.com/mig-1g.10gb': 56 });
  });

  test('the single strategy advertises MIG devices as nvidia.com/gpu, and is the default for one-profile layouts', () => {
    const pool = normalizeGpuPool({ name: 'h', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-1g.10gb') });
    expect(pool.sharing.migStrategy).toBe('single');
    expect(schedulableResources(pool.sharing, GPU_INSTANCE_TYPES['p5.48xlarge'])).toEqual({ 'nvidia.com/gpu': 56 });
  });

  test('mixed layouts default to the mixed strategy', () => {
    const pool = normalizeGpuPool({
      name: 'h',
      instanceTypes: ['p5.48xlarge'],
      efa: false,
      sharing: Sharing.mig('all-balanced'),
    });
    expect(pool.sharing.migStrategy).toBe('mixed');
    expect(schedulableResources(pool.sharing, GPU_INSTANCE_TYPES['p5.48xlarge'])).toEqual({
      'nvidia.com/mig-1g.10gb': 16,
      'nvidia.com/mig-2g.20gb': 8,
      'nvidia.com/mig-3g.40gb': 8,
    });
  });

  test('a custom layout is named after the pool', () => {
    const pool = normalizeGpuPool({
      name: 'h',
      instanceTypes: ['p5.48xlarge'],
      efa: false,
      sharing: Sharing.mig({ '3g.40gb': 1, '4g.40gb': 1 }),
    });
    expect(pool.sharing.migLayout).toEqual({ name: 'aiready-h', perGpu: { '3g.40gb': 1, '4g.40gb': 1 } });
  });

  test('random custom layouts within the slices are accepted, beyond them refused', () => {
    const mig = GPU_MODELS.h100.mig!;
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...mig.profiles.map((p) => p.name)), fc.integer({ min: 1, max: 7 }), { minKeys: 1 }),
        (layout) => {
          let compute = 0;
          let memory = 0;
          let withinMax = true;
          for (const [name, n] of Object.entries(layout)) {
            const p = mig.profiles.find((x) => x.name === name)!;
            compute += p.computeSlices * n;
            memory += p.memorySlices * n;
            withinMax &&= n <= p.maxInstances;
          }
          const fits = withinMax && compute <= 7 && memory <= 8;
          const run = () =>
            normalizeGpuPool({ name: 'h', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig(layout, 'mixed') });
          if (fits) expect(run).not.toThrow();
          else expect(run).toThrow(AireadyValidationError);
        },
      ),
    );
  });
});

describe('time-slicing and MPS', () => {
  test.each([
    ['time-slicing', Sharing.timeSlicing(4)],
    ['mps', Sharing.mps(4)],
  ])('%s advertises renamed shared GPUs by default and labels the nodes', (_mode, sharing) => {
    const pool = normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.12xlarge'], sharing });
    expect(schedulableResources(pool.sharing, GPU_INSTANCE_TYPES['g6.12xlarge'])).toEqual({ 'nvidia.com/gpu.shared': 16 });
    expect(pool.nodeLabels['nvidia.com/device-plugin.config']).toBe('l4');
    expect(pool.nodeLabels['nvidia.com/mig.config']).toBeUndefined();
  });

  test('Bottlerocket pools time-slice through their own device plugin settings, not the config map label', () => {
    const pool = normalizeGpuPool({
      name: 'br',
      instanceTypes: ['g6.xlarge'],
      amiFamily: 'bottlerocket',
      sharing: Sharing.timeSlicing(4),
    });
    expect(pool.nodeLabels['nvidia.com/device-plugin.config']).toBeUndefined();
    expect(bottlerocketSettings(pool)).toBe(
      [
        '[settings.kubelet-device-plugins.nvidia]',
        'device-sharing-strategy = "time-slicing"',
        '',
        '[settings.kubelet-device-plugins.nvidia.time-slicing]',
        'replicas = 4',
        'rename-by-default = true',
        'fail-requests-greater-than-one = true',
        '',
      ].join('\n'),
    );
    expect(
      bottlerocketSettings(normalizeGpuPool({ name: 'al', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) })),
    ).toBeUndefined();
  });

  test('renameByDefault false keeps nvidia.com/gpu', () => {
    const pool = normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(3, false) });
    expect(schedulableResources(pool.sharing, GPU_INSTANCE_TYPES['g6.xlarge'])).toEqual({ 'nvidia.com/gpu': 3 });
  });

  test('MIG-capable GPUs that do not use MIG are set to all-disabled', () => {
    expect(normalizeGpuPool({ name: 'a', instanceTypes: ['p4d.24xlarge'], efa: false }).nodeLabels['nvidia.com/mig.config']).toBe(
      'all-disabled',
    );
    expect(normalizeGpuPool({ name: 'a', instanceTypes: ['g6.xlarge'] }).nodeLabels['nvidia.com/mig.config']).toBeUndefined();
  });
});

describe('capacity rules', () => {
  const p5 = { name: 'p5', instanceTypes: ['p5.48xlarge'] };
  const bad: [string, GpuPoolSpec, string, string][] = [
    [
      'MIG is asked of a GPU without MIG',
      { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.mig('all-balanced') },
      'spec.sharing.mode',
      'cannot be partitioned',
    ],
    [
      'the profile does not exist on that GPU (2g.40gb on B200)',
      { name: 'b', instanceTypes: ['p6-b200.48xlarge'], efa: false, sharing: Sharing.mig({ '2g.40gb': 1 }) },
      'spec.sharing.layout["2g.40gb"]',
      '2g.45gb',
    ],
    [
      'a named layout does not exist',
      { ...p5, efa: false, sharing: Sharing.mig('all-2g.40gb') },
      'spec.sharing.layout',
      "'all-2g.20gb'",
    ],
    [
      'a custom layout exceeds the compute slices',
      { ...p5, efa: false, sharing: Sharing.mig({ '4g.40gb': 1, '3g.40gb': 1, '1g.10gb': 1 }, 'mixed') },
      'spec.sharing.layout',
      '8 compute',
    ],
    [
      'a custom layout exceeds the memory slices',
      { ...p5, efa: false, sharing: Sharing.mig({ '1g.20gb': 4, '1g.10gb': 1 }, 'mixed') },
      'spec.sharing.layout',
      '9 memory',
    ],
    [
      'a profile is asked more often than it fits',
      { ...p5, efa: false, sharing: Sharing.mig({ '3g.40gb': 3 }) },
      'spec.sharing.layout["3g.40gb"]',
      '1 to 2',
    ],
    [
      'MIG is combined with time-slicing',
      { ...p5, efa: false, sharing: { mode: 'mig', layout: 'all-balanced', replicas: 4 } as never },
      'spec.sharing.replicas',
      "belongs to mode 'time-slicing' or 'mps'; mode 'mig' cannot be combined with it",
    ],
    [
      'MPS is combined with MIG',
      { ...p5, efa: false, sharing: { mode: 'mps', replicas: 2, layout: 'all-balanced' } as never },
      'spec.sharing.layout',
      'one mode per GPU sharing',
    ],
    [
      'time-slicing replicas are below 2',
      { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(1) },
      'spec.sharing.replicas',
      'replicas >= 2',
    ],
    [
      'MPS serves more than 48 clients per GPU',
      { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.mps(64) },
      'spec.sharing.replicas',
      'set replicas from 2 to 48',
    ],
    [
      'MPS replicas are not whole',
      { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.mps(2.5) },
      'spec.sharing.replicas',
      'must be a whole number',
    ],
    [
      'the sharing mode is unknown',
      { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: { mode: 'vgpu' } as never },
      'spec.sharing.mode',
      "'time-slicing'",
    ],
    [
      'a MIG pool mixes GPU models',
      { name: 'm', instanceTypes: ['p4d.24xlarge', 'p4de.24xlarge'], efa: false, sharing: Sharing.mig('all-balanced') },
      'spec.sharing.layout',
      'one GPU model',
    ],
    [
      'the single strategy is asked of a mixed layout',
      { ...p5, efa: false, sharing: Sharing.mig('all-balanced', 'single') },
      'spec.sharing.strategy',
      "'mixed'",
    ],
    [
      'MIG is asked on Bottlerocket',
      { ...p5, efa: false, amiFamily: 'bottlerocket', sharing: Sharing.mig('all-1g.10gb') },
      'spec.sharing.mode',
      "'al2023'",
    ],
    [
      'MPS is asked on Bottlerocket',
      { name: 'l4', instanceTypes: ['g6.xlarge'], amiFamily: 'bottlerocket', sharing: Sharing.mps(2) },
      'spec.sharing.mode',
      'time-slicing on Bottlerocket',
    ],
    [
      'EFA is asked of an instance without EFA',
      { name: 'g', instanceTypes: ['g6.xlarge'], efa: true, zones: ['us-east-1a'] },
      'spec.efa',
      'g6.xlarge has no EFA',
    ],
    [
      'EFA instance types differ in interface count',
      { name: 'p', instanceTypes: ['p5.48xlarge', 'p5en.48xlarge'], efa: true, zones: ['us-east-1a'] },
      'spec.instanceTypes',
      'split the pool',
    ],
    [
      'an EFA pool spans zones',
      { name: 'p', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a', 'us-east-1b'] },
      'spec.zones',
      'exactly one zone',
    ],
    ['a zone name is malformed', { name: 'g', instanceTypes: ['g6.xlarge'], zones: ['east'] }, 'spec.zones[0]', 'us-east-1a'],
    [
      'reserved capacity has no reservation',
      { name: 'g', instanceTypes: ['g6.xlarge'], capacityType: 'reserved' },
      'spec.capacityReservation',
      'ids',
    ],
    [
      'spot capacity is given a Capacity Block',
      {
        name: 'g',
        instanceTypes: ['g6.xlarge'],
        capacityType: 'spot',
        capacityReservation: { ids: ['cr-0123456789abcdef0'], capacityBlock: true },
      },
      'spec.capacityReservation',
      "capacityType: 'reserved'",
    ],
    [
      'a reservation id is malformed',
      { name: 'g', instanceTypes: ['g6.xlarge'], capacityType: 'reserved', capacityReservation: { ids: ['res-1'] } },
      'spec.capacityReservation.ids[0]',
      'cr-',
    ],
    [
      'a managed node group gets reservations by tag',
      {
        name: 'g',
        instanceTypes: ['g6.xlarge'],
        provisioner: 'managed-node-group',
        capacityType: 'reserved',
        capacityReservation: { tags: { team: 'ml' } },
      },
      'spec.capacityReservation.ids',
      'one id',
    ],
    [
      'the selector matches nothing',
      { name: 'g', instanceSelector: { gpuModels: ['h100'], minGpus: 16 } },
      'spec.instanceSelector',
      'never launch',
    ],
    [
      'both instanceTypes and a selector are given',
      { name: 'g', instanceTypes: ['g6.xlarge'], instanceSelector: { gpuModels: ['l4'] } },
      'spec.instanceSelector',
      'either',
    ],
    [
      'the selector has an unknown criterion',
      { name: 'g', instanceSelector: { gpu: 'h100' } as never },
      'spec.instanceSelector.gpu',
      'gpuModels',
    ],
    ['an AMD GPU instance is asked for', { name: 'g', instanceTypes: ['g4ad.xlarge'] }, 'spec.instanceTypes[0]', 'AMD Radeon'],
    ['a Neuron instance is asked for', { name: 'g', instanceTypes: ['trn1.32xlarge'] }, 'spec.instanceTypes[0]', 'Trainium'],
    [
      'x86 and ARM instances are mixed',
      { name: 'g', instanceTypes: ['g6.xlarge', 'g5g.xlarge'] },
      'spec.instanceTypes',
      'one pool per architecture',
    ],
    [
      'a budget schedule has no duration',
      { name: 'g', instanceTypes: ['g6.xlarge'], disruptionBudgets: [{ nodes: '1', schedule: '0 22 * * *' }] },
      'spec.disruptionBudgets[0]',
      'go together',
    ],
    [
      'a budget schedule is not cron',
      { name: 'g', instanceTypes: ['g6.xlarge'], disruptionBudgets: [{ nodes: '1', schedule: 'nightly', duration: '8h' }] },
      'spec.disruptionBudgets[0].schedule',
      '5-field',
    ],
    [
      'a budget reason is unknown',
      { name: 'g', instanceTypes: ['g6.xlarge'], disruptionBudgets: [{ nodes: '1', reasons: ['Expired' as never] }] },
      'spec.disruptionBudgets[0].reasons[0]',
      'Drifted',
    ],
    [
      'a budget node count is malformed',
      { name: 'g', instanceTypes: ['g6.xlarge'], disruptionBudgets: [{ nodes: 'ten' }] },
      'spec.disruptionBudgets[0].nodes',
      '10%',
    ],
    ['the weight is out of range', { name: 'g', instanceTypes: ['g6.xlarge'], weight: 101 }, 'spec.weight', 'from 1 to 100'],
    [
      'the image volume is too small',
      { name: 'g', instanceTypes: ['g6.xlarge'], imageVolumeGiB: 20 },
      'spec.imageVolumeGiB',
      'from 50',
    ],
    [
      'the volume throughput is beyond gp3',
      { name: 'g', instanceTypes: ['g6.xlarge'], volumeThroughputMiBps: 2000 },
      'spec.volumeThroughputMiBps',
      'to 1000',
    ],
  ];

  test.each(bad)('throws when %s', (_why, spec, path, fix) => {
    const p = problem(spec, path);
    expect(`${p.problem}. Fix: ${p.fix}`).toContain(fix);
  });

  test('p-family training pools get EFA by default, in their one zone', () => {
    const pool = normalizeGpuPool({ name: 'p', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] });
    expect(pool.efaInterfaces).toBe(32);
    expect(normalizeGpuPool({ name: 'p', instanceTypes: ['p5.48xlarge'] }).efaInterfaces).toBe(0);
  });

  test('budgets: drift only at night; a full freeze only when allowed', () => {
    const night = normalizeGpuPool({
      name: 'g',
      instanceTypes: ['g6.xlarge'],
      disruptionBudgets: [
        { nodes: '0', reasons: ['Drifted'] },
        { nodes: '1', reasons: ['Drifted'], schedule: '0 22 * * *', duration: '8h' },
      ],
    });
    expect(night.disruptionBudgets).toHaveLength(2);
    expect(normalizeGpuPool({ name: 'g', instanceTypes: ['g6.xlarge'] }).disruptionBudgets).toEqual([{ nodes: '10%' }]);
    expect(() =>
      normalizeGpuPool({ name: 'g', instanceTypes: ['g6.xlarge'], disruptionBudgets: [{ nodes: '0' }], allowNoDisruption: true }),
    ).not.toThrow();
  });

  test('reserved pools are preferred by default (weight 50)', () => {
    const pool = normalizeGpuPool({
      name: 'g',
      instanceTypes: ['g6.xlarge'],
      capacityType: 'reserved',
      capacityReservation: { tags: { team: 'ml' } },
    });
    expect(pool.weight).toBe(50);
  });

  test('an instance selector resolves through the catalogue', () => {
    const pool = normalizeGpuPool({ name: 'g', instanceSelector: { gpuModels: ['l40s'], maxGpus: 1, efa: true } });
    expect(pool.instanceTypes.map((t) => t.name)).toEqual(['g6e.8xlarge', 'g6e.16xlarge']);
  });

  test('selecting on GFD labels is a warning', () => {
    const pool = normalizeGpuPool({ name: 'g', instanceTypes: ['g6.xlarge'], labels: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } });
    expect(pool.warnings[0].message).toContain('karpenter.k8s.aws/instance-gpu-name');
  });
});

describe('findInstanceTypes', () => {
  test.each([
    [{ gpuModels: ['h100' as const], minGpus: 8 }, ['p5.48xlarge']],
    [{ minGpuMemoryGB: 141, minGpus: 8, efa: true }, ['p5en.48xlarge', 'p6-b200.48xlarge', 'p6-b300.48xlarge', 'p5e.48xlarge']],
    [
      { gpuModels: ['l4' as const], maxGpus: 1, efa: false },
      ['g6.xlarge', 'g6.2xlarge', 'g6.4xlarge', 'gr6.4xlarge', 'gr6.8xlarge'],
    ],
  ])('%j', (query, names) => {
    expect(findInstanceTypes(query).map((t) => t.name)).toEqual(names);
  });
});
