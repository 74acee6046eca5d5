import { readPlatformConfig } from '../src';

const base = {
  'aws:region': 'us-east-1',
  'ai-platform:clusterName': 'ai-dev',
  'ai-platform:pools': JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'] }]),
};

describe('readPlatformConfig', () => {
  test('defaults', () => {
    expect(readPlatformConfig('ai-platform', base)).toEqual({
      clusterName: 'ai-dev',
      environment: 'dev',
      region: 'us-east-1',
      kubernetesVersion: '1.36',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      vpcCidr: '10.0.0.0/16',
      natGateways: 'one-per-az',
      adminPrincipalArns: [],
      publicAccessCidrs: [],
      pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }],
      teams: [],
      workflows: 'argo-workflows',
      monitoring: true,
      kueue: false,
      kubeflowTrainer: false,
      warnings: [],
    });
  });

  test('throws when a key is misspelled, suggesting the right one', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:natGateway': 'single' })).toThrow(
      /ai-platform:natGateway = "single".*did you mean ai-platform:natGateways\?/,
    );
  });

  test.each([
    ['ai-platform:kubernetesVersion', '1.29', '1.34, 1.35, 1.36'],
    ['ai-platform:environment', 'staging', 'dev, prod'],
    ['ai-platform:pools', '[]', 'at least one GPU pool'],
    ['ai-platform:monitoring', 'yes', 'true or false'],
    ['ai-platform:adminPrincipalArns', '"arn"', 'list of strings'],
    ['ai-platform:teams', '"research"', 'list of team objects'],
    ['ai-platform:kueue', '"yes"', 'true or false'],
  ])('throws when %s is %s', (key, value, fix) => {
    expect(() => readPlatformConfig('ai-platform', { ...base, [key]: value })).toThrow(
      new RegExp(`${key}.*${fix.replace(/[.]/g, '\\.')}`),
    );
  });

  test('throws when the cluster name or region is missing', () => {
    const { 'ai-platform:clusterName': _c, 'aws:region': _r, ...rest } = base;
    expect(() => readPlatformConfig('ai-platform', rest)).toThrow(/2 problems/);
  });

  test('0.0.0.0/0 is an error in prod and a warning in dev', () => {
    const open = { ...base, 'ai-platform:publicAccessCidrs': '["0.0.0.0/0"]' };
    expect(() => readPlatformConfig('ai-platform', { ...open, 'ai-platform:environment': 'prod' })).toThrow(/whole internet/);
    expect(readPlatformConfig('ai-platform', open).warnings).toHaveLength(1);
  });

  test('an artifact bucket needs Argo Workflows', () => {
    const withBucket = { ...base, 'ai-platform:artifactBucket': 'acme-artifacts' };
    expect(readPlatformConfig('ai-platform', withBucket).artifactBucket).toBe('acme-artifacts');
    expect(() => readPlatformConfig('ai-platform', { ...withBucket, 'ai-platform:workflows': 'none' })).toThrow(
      /ai-platform:artifactBucket.*workflows is 'none'/,
    );
  });

  test('workflows: kubeflow switches Argo Workflows for Kubeflow Trainer in one value', () => {
    const kubeflow = { ...base, 'ai-platform:workflows': 'kubeflow' };
    expect(readPlatformConfig('ai-platform', kubeflow)).toMatchObject({ workflows: 'kubeflow', kubeflowTrainer: true });
    expect(() => readPlatformConfig('ai-platform', { ...kubeflow, 'ai-platform:kubeflowTrainer': 'false' })).toThrow(
      /ai-platform:kubeflowTrainer.*contradicts workflows: kubeflow/,
    );
  });

  test('an existing VPC sets the zones, and refuses the settings of a new VPC', () => {
    const existingVpc = JSON.stringify({
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      privateSubnetIds: { 'us-east-1b': 'subnet-0000000000000000b', 'us-east-1a': 'subnet-0000000000000000a' },
    });
    const adopt = { ...base, 'ai-platform:existingVpc': existingVpc };
    expect(readPlatformConfig('ai-platform', adopt).availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(() => readPlatformConfig('ai-platform', { ...adopt, 'ai-platform:vpcCidr': '10.1.0.0/16' })).toThrow(
      /ai-platform:vpcCidr = "10.1.0.0\/16".*no effect with existingVpc/,
    );
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:existingVpc': '"vpc-1"' })).toThrow(
      /ai-platform:existingVpc.*not a VPC description/,
    );
  });

  test('other namespaces are ignored', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'kubernetes:context': 'x' })).not.toThrow();
  });
});
