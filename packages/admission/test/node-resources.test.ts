import { nodeResources, untolerated } from '../src/model/node-resources';
import { ObjectIndex } from '../src/model/object-index';
import { PlanIndex } from '../src/model/plan';
import { poolsOf } from '../src/model/pools';
import { validTarget } from './fixtures/target';

const GPU = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' as const };

describe('what nodes advertise', () => {
  test.each<[string, string, number]>([
    ['h100', 'nvidia.com/gpu', 8],
    ['l4', 'nvidia.com/gpu.shared', 4],
    ['h100', 'vpc.amazonaws.com/efa', 32],
  ])('%s advertises %s x %d', (pool, resource, count) => {
    // GIVEN the valid target's pools and device plugins
    const t = validTarget();
    const index = new ObjectIndex(t.objects.map((object) => ({ object, origin: {}, namespace: object.metadata?.namespace })));
    const plan = new PlanIndex(t.plan);
    const p = poolsOf(index, plan).find((x) => x.name === pool)!;
    const plugins = [
      {
        plugin: 'nvidia' as const,
        source: 'op',
        operator: true,
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' as const }],
        configMap: { name: 'device-plugin-config', namespace: 'gpu-operator', defaultEntry: 'default' },
      },
      { plugin: 'efa' as const, source: 'efa', tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' as const }] },
    ];
    expect(nodeResources(p, plugins, index).resources[resource]).toBe(count);
  });

  test.each([
    [[{ key: 'nvidia.com/gpu', operator: 'Exists' as const }], 0],
    [[{ key: 'nvidia.com/gpu', operator: 'Equal' as const, value: 'present' }], 1],
    [[{ operator: 'Exists' as const }], 0],
    [[{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoExecute' as const }], 1],
  ])('tolerations %j leave %d GPU taints untolerated', (tolerations, n) =>
    expect(untolerated([GPU], tolerations)).toHaveLength(n),
  );
});
