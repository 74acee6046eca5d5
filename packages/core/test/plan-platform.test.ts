import fc from 'fast-check';
import { AireadyValidationError, PlatformSpec, planPlatform, Sharing } from '../src';

const POOLS = [
  { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training' as const, zones: ['us-east-1a'], maxNodes: 2 },
  { name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 4, sharing: Sharing.timeSlicing(4) },
  { name: 'l40s', instanceTypes: ['g6e.xlarge'], provisioner: 'managed-node-group' as const, maxNodes: 4 },
];

describe('planPlatform', () => {
  test('defaults: pools split by provisioner, the components a platform runs, node facts', () => {
    // GIVEN a spec with pools of both provisioners and a region
    const plan = planPlatform({ clusterName: 'c1', pools: POOLS, region: 'us-east-1' });
    // THEN each pool is normalised once and the autoscalers follow the pools
    expect(plan.karpenterPools.map((p) => p.name)).toEqual(['h100', 'l4']);
    expect(plan.managedNodeGroupPools.map((p) => p.name)).toEqual(['l40s']);
    expect(plan.nodeRole).toBe('KarpenterNodeRole-c1');
    expect(plan.components).toMatchObject({
      karpenter: true,
      // the time-sliced Karpenter pool scales from zero through a NodeOverlay
      nodeOverlayGate: true,
      efaDevicePlugin: true,
      storageClass: true,
      clusterAutoscaler: { region: 'us-east-1', kubernetesVersion: '1.36' },
      kueue: false,
      kubeflowTrainer: false,
      kubeflowPipelines: false,
      monitoring: {},
    });
    // Argo's workflow pods tolerate no GPU taint unless told otherwise: GPU steps tolerate their own pool.
    expect(plan.components.argoWorkflows!.defaultTolerations).toEqual([]);
    const gpu = [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }];
    const opted = planPlatform({
      clusterName: 'c1',
      pools: POOLS,
      region: 'us-east-1',
      argoWorkflows: { defaultTolerations: gpu },
    });
    expect(opted.components.argoWorkflows!.defaultTolerations).toEqual(gpu);
    // Without a Karpenter pool that shares its GPUs, Karpenter needs no NodeOverlay
    expect(planPlatform({ clusterName: 'c1', pools: POOLS.slice(0, 1) }).components.nodeOverlayGate).toBe(false);
  });

  test('managed node groups without a region get no autoscaler, and a warning', () => {
    const plan = planPlatform({ clusterName: 'c1', pools: POOLS });
    expect(plan.components.clusterAutoscaler).toBeUndefined();
    expect(plan.warnings.map((w) => w.path)).toContain('clusterAutoscaler');
  });

  test("workflows: 'kubeflow' is Kubeflow Pipelines and Trainer, and no platform Argo", () => {
    const plan = planPlatform({ clusterName: 'c1', pools: POOLS, workflows: 'kubeflow' });
    expect(plan.components).toMatchObject({ kubeflowPipelines: true, kubeflowTrainer: true });
    expect(plan.components.argoWorkflows).toBeUndefined();
  });

  test.each<[string, Partial<PlatformSpec>, RegExp]>([
    ['a pool list is empty', { pools: [] }, /pools = \[\]: an AI platform needs at least one GPU pool/],
    ['two pools share a name', { pools: [POOLS[0], POOLS[0]] }, /pools\[1\]\.name = "h100": the same name as pools\[0\]/],
    [
      'the shape is wrong at depth',
      { pools: [{ ...POOLS[0], maxNodes: 'two' as never }] },
      /pools\[0\]\.maxNodes = "two": must be a whole number/,
    ],
    [
      'KFP runs next to an unscoped Argo',
      { kubeflowPipelines: true },
      /argoWorkflows = \{\}: is a second cluster-wide Argo Workflows controller/,
    ],
    [
      'monitoring and the operator both scrape DCGM',
      { gpuOperator: { dcgmServiceMonitor: true } },
      /gpuOperator\.dcgmServiceMonitor = true/,
    ],
    [
      'Argo is configured but not installed',
      { workflows: 'none', argoWorkflows: { instanceId: 'x' } },
      /argoWorkflows = .*workflows: 'none' does not install/,
    ],
    ['YAML read 1.30 as 1.3', { kubernetesVersion: 1.3 as never }, /kubernetesVersion = 1.3: outside the supported/],
    [
      'a team takes kube-system',
      { teams: [{ name: 'kube-system' }] },
      /teams\[0\]\.name = "kube-system": is a namespace Kubernetes owns/,
    ],
    [
      'a team takes a platform namespace',
      { teams: [{ name: 'monitoring' }] },
      /teams\[0\]\.name = "monitoring": is a namespace the platform's own components install into/,
    ],
    ['two teams share a name', { teams: [{ name: 'a' }, { name: 'a' }] }, /teams\[1\]\.name = "a": the same name as teams\[0\]/],
    [
      'teams are promised more than a pool holds',
      {
        teams: [
          { name: 'a', gpuQuota: { h100: 10 } },
          { name: 'b', gpuQuota: { h100: 7 } },
        ],
      },
      /promised 17 GPUs of pool 'h100', which can hold at most 16/,
    ],
  ])('throws when %s', (_why, change, message) => {
    expect(() => planPlatform({ clusterName: 'c1', pools: POOLS, ...change })).toThrow(message);
  });

  test('every problem at once', () => {
    try {
      planPlatform({ clusterName: 'C_1', pools: [{ name: 'x', instanceTypes: ['g6.xlarg'] }], teams: [{ name: 'default' }] });
      throw new Error('not refused');
    } catch (e) {
      expect((e as AireadyValidationError).problems.map((p) => p.path)).toEqual(
        expect.arrayContaining(['clusterName', 'pools[0].instanceTypes[0]']),
      );
    }
  });

  // Random order of the same pools and teams: the same plan, pool for pool and team for team.
  const teams = [
    { name: 'a', gpuQuota: { h100: 6 } },
    { name: 'b', gpuQuota: { h100: 2 }, borrowGpus: { h100: 6 } },
    { name: 'c', gpuQuota: { l4: 2 } },
  ];
  test('property: the plan does not depend on the order of pools or teams, and planning is idempotent', () => {
    const base = planPlatform({ clusterName: 'c1', pools: POOLS, teams, kueue: true, region: 'us-east-1' });
    const byName = <T extends { name?: string; namespace?: string }>(xs: readonly T[]) =>
      Object.fromEntries(xs.map((x) => [x.name ?? x.namespace, x]));
    fc.assert(
      fc.property(fc.shuffledSubarray(POOLS, { minLength: 3 }), fc.shuffledSubarray(teams, { minLength: 3 }), (pools, ts) => {
        const plan = planPlatform({ clusterName: 'c1', pools, teams: ts, kueue: true, region: 'us-east-1' });
        expect(byName(plan.pools)).toEqual(byName(base.pools));
        expect(byName(plan.teams)).toEqual(byName(base.teams));
        expect(plan.components).toEqual(base.components);
        expect(planPlatform({ clusterName: 'c1', pools, teams: ts, kueue: true, region: 'us-east-1' })).toEqual(plan);
      }),
    );
  });
});
