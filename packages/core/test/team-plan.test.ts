import { gpuQuotaResources, normalizeGpuPool, planTeam, ProblemCollector, Sharing, TeamContext, teamGpuCeiling } from '../src';

const h100 = normalizeGpuPool({ name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] });
const mig = normalizeGpuPool({ name: 'mig', instanceTypes: ['p4de.24xlarge'], efa: false, sharing: Sharing.mig('all-balanced') });
const ctx: TeamContext = { pools: [h100, mig], kueue: true, argoWorkflows: true, platformNamespaces: ['monitoring'] };

function plan(spec: Parameters<typeof planTeam>[0]) {
  const problems = new ProblemCollector('t');
  const team = planTeam(spec, ctx, 'teams[0]', problems);
  problems.throwIfAny();
  return team!;
}

describe('planTeam', () => {
  test('defaults: restricted, a queue, the compute its GPUs need, zero of every GPU resource it has none of', () => {
    const team = plan({ name: 'research', gpuQuota: { h100: 8 } });
    expect(team).toMatchObject({
      namespace: 'research',
      podSecurity: 'restricted',
      queue: true,
      cpu: 16 + 154,
      memoryGiB: 64 + 1638,
    });
    // It borrows up to its own quota, of the pools it has GPUs of (none of any other)
    expect(team.borrowGpus).toEqual({ h100: 8 });
    expect(teamGpuCeiling(team, 'mig')).toBe(0);
    // The namespace quota holds what its queue may admit: its own GPUs and compute, and what it may borrow
    expect(team.borrowCompute).toEqual({ cpu: 154, memoryGiB: 1638 });
    expect(team.namespaceQuota).toEqual({
      cpu: 16 + 154 + 154,
      memoryGiB: 64 + 1638 + 1638,
      gpuResources: {
        'nvidia.com/gpu': 16,
        'nvidia.com/mig-1g.10gb': 0,
        'nvidia.com/mig-2g.20gb': 0,
        'nvidia.com/mig-3g.40gb': 0,
      },
    });
  });

  test('without Kueue a team borrows nothing, and its namespace quota is its own', () => {
    const problems = new ProblemCollector('t');
    const team = planTeam({ name: 'research', gpuQuota: { h100: 8 } }, { ...ctx, kueue: false }, 'teams[0]', problems)!;
    expect(team.borrowGpus).toEqual({ h100: 0 });
    expect(team.namespaceQuota.gpuResources['nvidia.com/gpu']).toBe(8);
    expect(team.namespaceQuota.cpu).toBe(team.cpu);
  });

  test('MIG quotas cover the slices their GPUs provide', () => {
    expect(gpuQuotaResources(mig, 2)).toEqual({
      'nvidia.com/mig-1g.10gb': 4,
      'nvidia.com/mig-2g.20gb': 2,
      'nvidia.com/mig-3g.40gb': 2,
    });
  });

  test.each([
    ['the queue is turned off under Kueue', { name: 'a', queue: false }, /teams\[0\]\.queue = false/],
    [
      'a principal is an STS session',
      { name: 'a', editPrincipalArns: ['arn:aws:sts::1:assumed-role/x/y'] },
      /editPrincipalArns\[0\]/,
    ],
    [
      'HTTPS egress is off without the API server',
      { name: 'a', allowEgressHttps: false },
      /allowEgressHttps = false: blocks the Argo executor/,
    ],
    ['a borrow names no pool', { name: 'a', borrowGpus: { a100: 1 } }, /borrowGpus\["a100"\].*no such pool/],
  ])('throws when %s', (_why, spec, message) => {
    expect(() => plan(spec)).toThrow(message);
  });
});
