// The stack config and the TypeScript API are one input shape: the same platform written either way
// gives byte-identical manifests.
import { PlatformSpec, Sharing } from '@aiready/core';
import { AiPlatform, layoutManifests, ReleaseMaterializer } from '@aiready/k8s';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { readPlatformConfig } from '../src';

const SPEC: PlatformSpec = {
  clusterName: 'ai-prod',
  kubernetesVersion: '1.35',
  pools: [
    {
      name: 'h100',
      instanceTypes: ['p5.48xlarge'],
      purpose: 'training',
      zones: ['us-east-1a'],
      maxNodes: 2,
      sharing: Sharing.mig('all-balanced'),
    },
    {
      name: 'l4',
      instanceTypes: ['g6.xlarge'],
      provisioner: 'managed-node-group',
      capacityType: 'spot',
      maxNodes: 4,
      sharing: Sharing.timeSlicing(4),
    },
  ],
  teams: [
    { name: 'research', gpuQuota: { h100: 8 }, editGroups: ['research-engineers'] },
    { name: 'serving', gpuQuota: { l4: 2 }, borrowGpus: { l4: 0 } },
  ],
  kueue: true,
  kubeflowTrainer: true,
  monitoring: { prometheus: { retention: '30d' } },
};

/** The spec as Pulumi hands a stack its config: one key per field, structured values as JSON. */
function asStackConfig(spec: PlatformSpec): Record<string, string> {
  const config: Record<string, string> = { 'aws:region': 'us-east-1', 'ai-platform:deployFromVpc': 'true' };
  for (const [key, value] of Object.entries(spec))
    config[`ai-platform:${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  return config;
}

function manifests(platform: AiPlatform): string {
  return layoutManifests(platform.toJson() as never)
    .map((m) => `${m.path}\n${m.content}`)
    .join('\n');
}

describe('the stack config and the TypeScript API', () => {
  test('property: the same platform, written either way and with its lists in any order, gives byte-identical manifests', () => {
    const expected = manifests(
      new AiPlatform(new App(), 'platform', {
        ...SPEC,
        region: 'us-east-1',
        controllerNodeSelector: { 'aiready.dev/pool': 'system' },
        releaseMaterializer: ReleaseMaterializer.external(),
      }),
    );
    fc.assert(
      fc.property(
        fc.shuffledSubarray(SPEC.pools, { minLength: 2 }),
        fc.shuffledSubarray(SPEC.teams!, { minLength: 2 }),
        (pools, teams) => {
          const config = readPlatformConfig('ai-platform', asStackConfig({ ...SPEC, pools, teams }));
          const fromStack = new AiPlatform(new App(), 'platform', {
            ...config.platform,
            plan: config.plan,
            releaseMaterializer: ReleaseMaterializer.external(),
          });
          expect(manifests(fromStack)).toBe(expected);
        },
      ),
      { numRuns: 10 },
    );
  });
});
