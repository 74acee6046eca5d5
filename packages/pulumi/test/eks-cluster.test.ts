import { captureResources, ofType, promiseOf, settle } from './mocks';
const captured = captureResources();
import { EksCluster } from '../src';

describe('EksCluster', () => {
  const cluster = new EksCluster('eks', {
    clusterName: 'ai-test',
    subnetIds: ['subnet-1', 'subnet-2'],
    region: 'us-east-1',
    adminPrincipalArns: ['arn:aws:iam::111122223333:role/admin'],
  });

  test('access entries only, envelope encryption, all control-plane logs, private endpoint', async () => {
    await settle();
    const [c] = ofType(captured, 'aws:eks/cluster:Cluster');
    expect(c.inputs.accessConfig).toEqual({ authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false });
    expect(c.inputs.encryptionConfig.resources).toEqual(['secrets']);
    expect(c.inputs.enabledClusterLogTypes).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(c.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(c.inputs.version).toBe('1.36');
    expect(ofType(captured, 'aws:kms/key:Key')[0].inputs.enableKeyRotation).toBe(true);
    expect(ofType(captured, 'aws:cloudwatch/logGroup:LogGroup')[0].inputs).toMatchObject({
      name: '/aws/eks/ai-test/cluster',
      retentionInDays: 90,
    });
  });

  test('admins get cluster-admin through access entries', async () => {
    await settle();
    const admin = ofType(captured, 'aws:eks/accessEntry:AccessEntry').find((e) => e.name === 'eks-admin-0')!;
    expect(admin.inputs.principalArn).toBe('arn:aws:iam::111122223333:role/admin');
    expect(
      ofType(captured, 'aws:eks/accessPolicyAssociation:AccessPolicyAssociation').find((a) => a.name === 'eks-admin-0')!.inputs,
    ).toMatchObject({
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    });
  });

  test('the identity running pulumi up gets admin: the role behind its session, not the session', async () => {
    await settle();
    const deployer = ofType(captured, 'aws:eks/accessEntry:AccessEntry').find((e) => e.name === 'eks-deployer-admin')!;
    expect(deployer.inputs.principalArn).toBe('arn:aws:iam::111122223333:role/deployer');
    expect(cluster.accessGrants).toHaveLength(2);
  });

  test('deployerAdmin: false grants the deployer nothing; principalGroups map principals to RBAC groups', async () => {
    // GIVEN a cluster whose deployer is listed as an admin, and a team principal
    new EksCluster('eks2', {
      clusterName: 'ai-test2',
      subnetIds: [],
      region: 'us-east-1',
      deployerAdmin: false,
      principalGroups: { 'arn:aws:iam::111122223333:role/research': ['aiready:research:edit'] },
    });
    await settle();
    // THEN no deployer entry, and one entry carrying the team's group
    const entries = ofType(captured, 'aws:eks/accessEntry:AccessEntry').filter((e) => e.name.startsWith('eks2-'));
    expect(entries.map((e) => e.name)).toEqual(['eks2-groups-role-research']);
    expect(entries[0].inputs).toMatchObject({
      principalArn: 'arn:aws:iam::111122223333:role/research',
      kubernetesGroups: ['aiready:research:edit'],
    });
  });

  test('the cluster security group is tagged for Karpenter discovery', async () => {
    await settle();
    expect(ofType(captured, 'aws:ec2/tag:Tag')[0].inputs).toMatchObject({ key: 'karpenter.sh/discovery', value: 'ai-test' });
  });

  test('the kubeconfig gets tokens from aws eks get-token and holds no credentials', async () => {
    const kubeconfig = JSON.parse(await promiseOf(cluster.kubeconfig));
    expect(kubeconfig.users[0].user.exec.args).toEqual([
      'eks',
      'get-token',
      '--cluster-name',
      'ai-test',
      '--region',
      'us-east-1',
      '--output',
      'json',
    ]);
    expect(kubeconfig.users[0].user).toEqual({ exec: expect.any(Object) }); // no token, password or client key
  });

  test.each([
    ['version', { version: '1.30' as never }],
    ['clusterName', { clusterName: 'Bad_Name' }],
    // KarpenterNodeRole-<name> must fit IAM's 64 characters.
    ['clusterName', { clusterName: 'a'.repeat(47) }],
    ['publicAccessCidrs[0]', { publicAccessCidrs: ['everyone'] }],
    ['logRetentionDays', { logRetentionDays: 0 }],
  ])('throws when %s is invalid', (field, args) => {
    expect(() => new EksCluster('bad', { clusterName: 'ok', subnetIds: [], region: 'us-east-1', ...args })).toThrow(
      new RegExp(`${field.replace(/[[\]]/g, '\\$&')} = .*Fix`),
    );
  });
});
