import * as fc from 'fast-check';
import {
  KUEUE_ACCOUNTING,
  KUEUE_CPU_FLAVOR,
  planPlatform,
  planTeamQueue,
  Sharing,
  TeamPlan,
  WORKLOAD_PRIORITY_CLASSES,
} from '../src';

const POOLS = [
  { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training' as const, zones: ['us-east-1a'], maxNodes: 4 },
  { name: 'mig', instanceTypes: ['p4de.24xlarge'], maxNodes: 2, sharing: Sharing.mig('all-balanced') },
  { name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 4, sharing: Sharing.timeSlicing(4) },
];

function plan(teams: Parameters<typeof planPlatform>[0]['teams'], kueue = true) {
  return planPlatform({ clusterName: 'c1', pools: POOLS, kueue, teams });
}

type Group = ReturnType<typeof planTeamQueue>['resourceGroups'][number];
const num = (q: string | number) => (typeof q === 'number' ? q : parseInt(q, 10));
const total = (groups: readonly Group[], resource: string, key: 'nominalQuota' | 'borrowingLimit') =>
  groups
    .flatMap((g) => g.flavors.flatMap((f) => f.resources.filter((r) => r.name === resource)))
    .reduce((s, r) => s + num(r[key]), 0);

describe('a team ClusterQueue', () => {
  test('two resource groups: CPU and memory in the cpu flavor, GPUs in one flavor per pool the team uses', () => {
    // GIVEN a team with H100s and L4 shares
    const p = plan([{ name: 'research', gpuQuota: { h100: 16, l4: 2 } }]);
    const team = p.teams[0];
    // WHEN its queue is planned
    const q = planTeamQueue(team, p.pools);
    // THEN CPU and memory are counted once, in a flavor of their own
    expect(q.resourceGroups[0]).toEqual({
      coveredResources: ['cpu', 'memory'],
      flavors: [
        {
          name: KUEUE_CPU_FLAVOR,
          resources: [
            { name: 'cpu', nominalQuota: String(team.cpu), borrowingLimit: String(team.borrowCompute.cpu) },
            { name: 'memory', nominalQuota: `${team.memoryGiB}Gi`, borrowingLimit: `${team.borrowCompute.memoryGiB}Gi` },
          ],
        },
      ],
    });
    // AND every GPU resource of every pool is covered, in the pools the team has quota in
    expect(q.resourceGroups[1].coveredResources).toEqual([
      'nvidia.com/gpu',
      'nvidia.com/gpu.shared',
      'nvidia.com/mig-1g.10gb',
      'nvidia.com/mig-2g.20gb',
      'nvidia.com/mig-3g.40gb',
    ]);
    expect(q.resourceGroups[1].flavors.map((f) => f.name)).toEqual(['h100', 'l4']);
    expect(q.resourceGroups[1].flavors[1].resources.find((r) => r.name === 'nvidia.com/gpu.shared')).toEqual({
      name: 'nvidia.com/gpu.shared',
      nominalQuota: 8,
      borrowingLimit: 8,
    });
  });

  test("the GPU borrowing limit is the team's borrowGpus, and CPU and memory follow the GPUs it may borrow", () => {
    const p = plan([
      { name: 'a', gpuQuota: { h100: 8 }, borrowGpus: { h100: 4 } },
      { name: 'b', gpuQuota: { h100: 8 } },
    ]);
    const a = p.teams.find((t) => t.namespace === 'a')!;
    const q = planTeamQueue(a, p.pools);
    expect(q.resourceGroups[1].flavors[0].resources.find((r) => r.name === 'nvidia.com/gpu')).toEqual({
      name: 'nvidia.com/gpu',
      nominalQuota: 8,
      borrowingLimit: 4,
    });
    // 4 H100s of a p5.48xlarge need 76.8 cores and 819 GiB at the default pod size: 77 and 819 borrowed
    expect(a.borrowCompute).toEqual({ cpu: 77, memoryGiB: 819 });
  });

  test('a team without GPUs keeps the first pool at zero, so a GPU pod is refused for quota, not as unknown', () => {
    const p = plan([{ name: 'data', computeQuota: { cpu: 8, memoryGiB: 32 } }]);
    const gpus = planTeamQueue(p.teams[0], p.pools).resourceGroups[1];
    expect(gpus.flavors.map((f) => f.name)).toEqual(['h100']);
    expect(gpus.flavors[0].resources.every((r) => r.nominalQuota === 0 && r.borrowingLimit === 0)).toBe(true);
  });

  test('nominal plus borrowing limit is the namespace quota, for every resource and any quotas', () => {
    fc.assert(
      fc.property(
        fc.record({
          h100: fc.integer({ min: 0, max: 16 }),
          mig: fc.integer({ min: 0, max: 8 }),
          l4: fc.integer({ min: 0, max: 2 }),
        }),
        fc.record({
          h100: fc.integer({ min: 0, max: 16 }),
          mig: fc.integer({ min: 0, max: 8 }),
          l4: fc.integer({ min: 0, max: 2 }),
        }),
        (mine, lent) => {
          // GIVEN a borrower and a lender holding what the borrower may borrow
          const p = plan([
            { name: 'lender', gpuQuota: lent, borrowGpus: { h100: 0, mig: 0, l4: 0 } },
            { name: 'borrower', gpuQuota: mine, borrowGpus: lent },
          ]);
          for (const team of p.teams) {
            const groups = planTeamQueue(team, p.pools).resourceGroups;
            const quota = team.namespaceQuota;
            // THEN what Kueue may admit at most never exceeds what the namespace quota allows, nor falls short
            expect(total(groups, 'cpu', 'nominalQuota') + total(groups, 'cpu', 'borrowingLimit')).toBe(quota.cpu);
            expect(total(groups, 'memory', 'nominalQuota') + total(groups, 'memory', 'borrowingLimit')).toBe(quota.memoryGiB);
            for (const [r, n] of Object.entries(quota.gpuResources))
              expect(total(groups, r, 'nominalQuota') + total(groups, r, 'borrowingLimit')).toBe(n);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('without Kueue nothing is borrowed: the namespace quota is the team quota', () => {
    const team: TeamPlan = plan([{ name: 'research', gpuQuota: { h100: 8 } }], false).teams[0];
    expect(team.borrowGpus).toEqual({ h100: 0 });
    expect(team.namespaceQuota).toEqual({
      cpu: team.cpu,
      memoryGiB: team.memoryGiB,
      gpuResources: expect.objectContaining({ 'nvidia.com/gpu': 8, 'nvidia.com/gpu.shared': 0 }),
    });
  });

  test("Kueue's accounting is stated: EFA is no quota, jobs without a queue are held", () => {
    expect(KUEUE_ACCOUNTING).toEqual({ excludeResourcePrefixes: ['vpc.amazonaws.com/efa'], manageJobsWithoutQueueName: true });
    expect(Object.values(WORKLOAD_PRIORITY_CLASSES).map((c) => c.value)).toEqual([1000, 100, 10]);
  });

  test('throws when a pool takes the name of the CPU flavor on a Kueue platform', () => {
    const pools = [{ name: 'cpu', instanceTypes: ['g6.xlarge'] }];
    expect(() => planPlatform({ clusterName: 'c1', pools, kueue: true })).toThrow(
      /pools\[0\]\.name = "cpu": is the name of the Kueue flavor that counts CPU and memory/,
    );
    expect(() => planPlatform({ clusterName: 'c1', pools })).not.toThrow();
  });
});
