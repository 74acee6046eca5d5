import { gpuQuotaResources, normalizeGpuPool, planTeam, planTeamQueue, ProblemCollector, Sharing, TeamContext } from '../src';

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
    expect(team.gpuQuotaResources).toEqual({
      'nvidia.com/gpu': 8,
      'nvidia.com/mig-1g.10gb': 0,
      'nvidia.com/mig-2g.20gb': 0,
      'nvidia.com/mig-3g.40gb': 0,
    });
    expect(team.borrowGpus).toEqual({ h100: 8, mig: 0 });
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

describe('planTeamQueue', () => {
  test('a flavor per pool the team has quota in, GPUs nominal with the borrowing limit', () => {
    const queue = planTeamQueue(plan({ name: 'a', gpuQuota: { h100: 8 }, borrowGpus: { h100: 4 } }), [h100, mig]);
    expect(queue.flavors.map((f) => f.name)).toEqual(['h100']);
    expect(queue.flavors[0].resources.find((r) => r.name === 'nvidia.com/gpu')).toEqual({
      name: 'nvidia.com/gpu',
      nominalQuota: 8,
      borrowingLimit: 4,
    });
  });
});
