import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import { GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { planNodePool } from '@aiready/k8s';
import { GpuNodeGroup, SystemNodeGroup } from '../src';

const spec: GpuPoolSpec = {
  name: 'l40s',
  instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
  provisioner: 'managed-node-group',
  capacityType: 'spot',
  minNodes: 0,
  maxNodes: 3,
  taints: [{ key: 'example.com/team', value: 'ml', effect: 'NoExecute' }],
};

describe('GpuNodeGroup', () => {
  new GpuNodeGroup('gpu', { pool: spec, clusterName: 'c1', nodeRoleArn: 'arn:role', subnetIds: ['s1'] });

  test('NVIDIA AMI, spot, scaling from the pool, launch template with IMDSv2 hop limit 1', async () => {
    await settle();
    const ng = ofType(captured, 'aws:eks/nodeGroup:NodeGroup').find((n) => n.name === 'gpu-ng')!;
    expect(ng.inputs).toMatchObject({
      amiType: 'AL2023_x86_64_NVIDIA',
      capacityType: 'SPOT',
      instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
      scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 0 },
    });
    const lt = ofType(captured, 'aws:ec2/launchTemplate:LaunchTemplate').find((n) => n.name === 'gpu-lt')!;
    expect(lt.inputs.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(lt.inputs.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: 'true', volumeType: 'gp3', volumeSize: 200 });
  });

  test('taints and labels equal the Kubernetes side, plus the accelerator label', async () => {
    await settle();
    const ng = ofType(captured, 'aws:eks/nodeGroup:NodeGroup').find((n) => n.name === 'gpu-ng')!;
    const karpenterSide = planNodePool(normalizeGpuPool({ ...spec, provisioner: 'karpenter' })).template.spec;
    expect(ng.inputs.taints).toEqual(
      karpenterSide.taints!.map((t) => ({
        key: t.key,
        value: t.value,
        effect: t.effect === 'NoSchedule' ? 'NO_SCHEDULE' : 'NO_EXECUTE',
      })),
    );
    const { 'k8s.amazonaws.com/accelerator': accelerator, ...labels } = ng.inputs.labels;
    expect(accelerator).toBe('nvidia-l40s');
    expect(labels).toEqual(planNodePool(normalizeGpuPool({ ...spec, provisioner: 'karpenter' })).template.metadata!.labels);
  });

  test('throws when the pool is provisioned by Karpenter', () => {
    expect(
      () =>
        new GpuNodeGroup('dup', {
          pool: { ...spec, provisioner: 'karpenter' },
          clusterName: 'c1',
          nodeRoleArn: 'r',
          subnetIds: [],
        }),
    ).toThrow(/pool\.provisioner.*twice/);
  });

  test('throws when the pool spec is invalid', () => {
    expect(
      () =>
        new GpuNodeGroup('bad', {
          pool: { ...spec, instanceTypes: ['g6e.xlarg'] },
          clusterName: 'c1',
          nodeRoleArn: 'r',
          subnetIds: [],
        }),
    ).toThrow(/did you mean g6e\.xlarge/);
  });
});

describe('SystemNodeGroup', () => {
  test('defaults: two on-demand AL2023 nodes labelled as the system pool', async () => {
    new SystemNodeGroup('sys', { clusterName: 'c1', nodeRoleArn: 'arn:role', subnetIds: ['s1'] });
    await settle();
    const ng = ofType(captured, 'aws:eks/nodeGroup:NodeGroup').find((n) => n.name === 'sys-ng')!;
    expect(ng.inputs).toMatchObject({
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'ON_DEMAND',
      instanceTypes: ['m7i.large'],
      scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 2 },
      labels: { 'aiready.dev/pool': 'system' },
    });
    expect(ng.inputs.taints).toBeUndefined();
  });

  test.each([
    ['minNodes', { minNodes: 0 }],
    ['maxNodes', { minNodes: 3, maxNodes: 2 }],
  ])('throws when %s is invalid', (field, args) => {
    expect(() => new SystemNodeGroup('bad', { clusterName: 'c1', nodeRoleArn: 'r', subnetIds: [], ...args })).toThrow(
      new RegExp(`${field} = `),
    );
  });
});
