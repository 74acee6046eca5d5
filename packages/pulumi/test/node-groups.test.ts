import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import { GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { planNodePool } from '@aiready/k8s';
import * as aws from '@pulumi/aws';
import { GpuNodeGroup, SystemNodeGroup } from '../src';

const cluster = new aws.eks.Cluster('c', { name: 'c1', roleArn: 'r', vpcConfig: { subnetIds: [] } });
const subnetIdsByZone = { 'us-east-1a': 'subnet-a', 'us-east-1b': 'subnet-b' };

const spec: GpuPoolSpec = {
  name: 'l40s',
  instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
  provisioner: 'managed-node-group',
  capacityType: 'spot',
  minNodes: 0,
  maxNodes: 3,
  taints: [{ key: 'example.com/team', value: 'ml', effect: 'NoExecute' }],
};

function group(name: string, pool: GpuPoolSpec, extra: Partial<ConstructorParameters<typeof GpuNodeGroup>[1]> = {}) {
  return new GpuNodeGroup(name, { pool, cluster, clusterName: 'c1', nodeRoleArn: 'arn:role', subnetIdsByZone, ...extra });
}

function byName(type: string, name: string) {
  return ofType(captured, type).find((r) => r.name === name)!;
}

describe('GpuNodeGroup', () => {
  group('gpu', spec);

  test('NVIDIA AMI, spot, scaling from the pool, launch template with IMDSv2 hop limit 1', async () => {
    await settle();
    const ng = byName('aws:eks/nodeGroup:NodeGroup', 'gpu-ng');
    expect(ng.inputs).toMatchObject({
      amiType: 'AL2023_x86_64_NVIDIA',
      capacityType: 'SPOT',
      instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
      scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 0 },
      subnetIds: ['subnet-a', 'subnet-b'],
    });
    const lt = byName('aws:ec2/launchTemplate:LaunchTemplate', 'gpu-lt');
    expect(lt.inputs.metadataOptions).toEqual({
      httpEndpoint: 'enabled',
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
      httpProtocolIpv6: 'disabled',
    });
    expect(lt.inputs.blockDeviceMappings[0].ebs).toMatchObject({
      encrypted: 'true',
      volumeType: 'gp3',
      volumeSize: 200,
      throughput: 250,
    });
    expect(lt.inputs.networkInterfaces).toBeUndefined();
  });

  test('taints and labels equal the Kubernetes side, plus the accelerator label', async () => {
    await settle();
    const ng = byName('aws:eks/nodeGroup:NodeGroup', 'gpu-ng');
    const karpenterSide = planNodePool(normalizeGpuPool({ ...spec, provisioner: 'karpenter' }));
    expect(ng.inputs.taints).toEqual(
      karpenterSide.template.spec.taints!.map((t) => ({
        key: t.key,
        value: t.value,
        effect: t.effect === 'NoSchedule' ? 'NO_SCHEDULE' : 'NO_EXECUTE',
      })),
    );
    const { 'k8s.amazonaws.com/accelerator': accelerator, ...labels } = ng.inputs.labels;
    expect(accelerator).toBe('nvidia-l40s');
    expect(labels).toEqual(karpenterSide.template.metadata!.labels);
  });

  test('the cluster autoscaler can scale it from zero: node-template tags on the ASG', async () => {
    await settle();
    const tags = Object.fromEntries(
      ofType(captured, 'aws:autoscaling/tag:Tag')
        .filter((t) => t.name.startsWith('gpu-ca-'))
        .map((t) => [t.inputs.tag.key, t.inputs.tag.value]),
    );
    expect(tags).toMatchObject({
      'k8s.io/cluster-autoscaler/enabled': 'true',
      'k8s.io/cluster-autoscaler/c1': 'owned',
      'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu': '1',
      'k8s.io/cluster-autoscaler/node-template/label/aiready.dev/pool': 'l40s',
      'k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator': 'nvidia-l40s',
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu': 'true:NoSchedule',
      'k8s.io/cluster-autoscaler/node-template/taint/example.com/team': 'ml:NoExecute',
    });
    const tag = ofType(captured, 'aws:autoscaling/tag:Tag').find((t) => t.name.startsWith('gpu-ca-'))!;
    expect(tag.inputs.autoscalingGroupName).toBe('asg-gpu-ng');
  });

  test('EFA pools: one zone, a cluster placement group, EFA interfaces on every card', async () => {
    group(
      'efa',
      {
        name: 'p5',
        instanceTypes: ['p5.48xlarge'],
        provisioner: 'managed-node-group',
        purpose: 'training',
        zones: ['us-east-1b'],
      },
      { securityGroupIds: ['sg-1'] },
    );
    await settle();
    expect(byName('aws:ec2/placementGroup:PlacementGroup', 'efa-pg').inputs).toMatchObject({
      name: 'c1-p5',
      strategy: 'cluster',
    });
    const lt = byName('aws:ec2/launchTemplate:LaunchTemplate', 'efa-lt');
    expect(lt.inputs.placement).toEqual({ groupName: 'c1-p5' });
    expect(lt.inputs.networkInterfaces).toHaveLength(32);
    expect(lt.inputs.networkInterfaces[0]).toMatchObject({
      networkCardIndex: 0,
      deviceIndex: 0,
      interfaceType: 'efa',
      securityGroups: ['sg-1'],
    });
    expect(lt.inputs.networkInterfaces[31]).toMatchObject({ networkCardIndex: 31, deviceIndex: 1, interfaceType: 'efa-only' });
    expect(byName('aws:eks/nodeGroup:NodeGroup', 'efa-ng').inputs.subnetIds).toEqual(['subnet-b']);
    const efaTag = ofType(captured, 'aws:autoscaling/tag:Tag').find((t) =>
      t.inputs.tag.key.endsWith('resources/vpc.amazonaws.com/efa'),
    );
    expect(efaTag!.inputs.tag.value).toBe('32');
  });

  test('EFA in a Capacity Block: EFA interfaces, no placement group', async () => {
    // GIVEN an EFA managed node group in a Capacity Block
    group(
      'cb-efa',
      {
        name: 'p5-block',
        instanceTypes: ['p5.48xlarge'],
        provisioner: 'managed-node-group',
        purpose: 'training',
        zones: ['us-east-1b'],
        capacityType: 'reserved',
        capacityReservation: { ids: ['cr-0a1b2c3d4e5f60718'], capacityBlock: true },
      },
      { securityGroupIds: ['sg-1'] },
    );
    await settle();
    // THEN the launch template has the interfaces and no placement, and no group is created
    const lt = byName('aws:ec2/launchTemplate:LaunchTemplate', 'cb-efa-lt');
    expect(lt.inputs.networkInterfaces).toHaveLength(32);
    expect(lt.inputs.placement).toBeUndefined();
    expect(ofType(captured, 'aws:ec2/placementGroup:PlacementGroup').map((g) => g.name)).not.toContain('cb-efa-pg');
  });

  test('reserved pools launch into their reservation; Capacity Blocks use the CAPACITY_BLOCK type', async () => {
    group('odcr', {
      ...spec,
      instanceTypes: ['g6e.xlarge'],
      capacityType: 'reserved',
      capacityReservation: { ids: ['cr-0123456789abcdef0'] },
    });
    group('block', {
      ...spec,
      instanceTypes: ['g6e.xlarge'],
      capacityType: 'reserved',
      capacityReservation: { ids: ['cr-0123456789abcdef1'], capacityBlock: true },
    });
    await settle();
    expect(byName('aws:ec2/launchTemplate:LaunchTemplate', 'odcr-lt').inputs.capacityReservationSpecification).toEqual({
      capacityReservationTarget: { capacityReservationId: 'cr-0123456789abcdef0' },
    });
    expect(byName('aws:eks/nodeGroup:NodeGroup', 'odcr-ng').inputs.capacityType).toBe('ON_DEMAND');
    expect(byName('aws:eks/nodeGroup:NodeGroup', 'block-ng').inputs.capacityType).toBe('CAPACITY_BLOCK');
  });

  test.each([
    ['the pool is provisioned by Karpenter', { ...spec, provisioner: 'karpenter' as const }, {}, /pool\.provisioner.*twice/],
    ['the pool spec is invalid', { ...spec, instanceTypes: ['g6e.xlarg'] }, {}, /did you mean g6e\.xlarge/],
    [
      'a zone has no subnet',
      { ...spec, zones: ['us-east-1c'] },
      {},
      /pool\.zones.*us-east-1c.*use zones of the network: us-east-1a, us-east-1b/,
    ],
    [
      'an EFA pool has no security groups',
      {
        name: 'p5',
        instanceTypes: ['p5.48xlarge'],
        provisioner: 'managed-node-group' as const,
        purpose: 'training' as const,
        zones: ['us-east-1a'],
      },
      {},
      /securityGroupIds/,
    ],
  ])('throws when %s', (_why, pool, extra, message) => {
    expect(() => group(`bad-${Math.random()}`, pool, extra)).toThrow(message);
  });
});

describe('SystemNodeGroup', () => {
  test('defaults: two on-demand AL2023 nodes labelled as the system pool', async () => {
    new SystemNodeGroup('sys', { cluster, nodeRoleArn: 'arn:role', subnetIds: ['s1'] });
    await settle();
    const ng = byName('aws:eks/nodeGroup:NodeGroup', 'sys-ng');
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
    expect(() => new SystemNodeGroup('bad', { cluster, nodeRoleArn: 'r', subnetIds: [], ...args })).toThrow(
      new RegExp(`${field} = `),
    );
  });
});
