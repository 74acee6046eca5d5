import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import * as aws from '@pulumi/aws';
import { INTERRUPTION_EVENTS, KarpenterInfra, karpenterControllerPolicy } from '../src';

const input = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '111122223333',
  clusterName: 'c1',
  clusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/c1',
  nodeRoleArn: 'arn:aws:iam::111122223333:role/KarpenterNodeRole-c1',
  interruptionQueueArn: 'arn:aws:sqs:us-east-1:111122223333:c1',
};

describe('karpenterControllerPolicy', () => {
  const policy = karpenterControllerPolicy(input);

  test('no wildcard action anywhere', () => {
    for (const s of policy.Statement) for (const a of s.Action) expect(a).not.toContain('*');
  });

  test('"*" resources only for calls that support no resource-level permission', () => {
    const star = policy.Statement.filter((s) => s.Resource === '*').map((s) => s.Sid);
    expect(star).toEqual([
      'AllowRegionalReadActions',
      'AllowPricingReadActions',
      'AllowUnscopedInstanceProfileListAction',
      'AllowZonalShiftStatusReadOnly',
    ]);
    expect(policy.Statement.find((s) => s.Sid === 'AllowRegionalReadActions')!.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
    });
  });

  test('deletion and pass-role are scoped to this cluster', () => {
    const del = policy.Statement.find((s) => s.Sid === 'AllowScopedDeletion')!;
    expect(del.Condition!.StringEquals).toEqual({ 'aws:ResourceTag/kubernetes.io/cluster/c1': 'owned' });
    expect(policy.Statement.find((s) => s.Sid === 'AllowPassingInstanceRole')!.Resource).toBe(input.nodeRoleArn);
    expect(policy.Statement.find((s) => s.Sid === 'AllowInterruptionQueueActions')!.Resource).toBe(input.interruptionQueueArn);
  });

  // Upstream v1.14's reference policy (cloudformation.yaml), action by action: every action it grants.
  test.each([
    ['ec2:RunInstances', 'arn:aws:ec2:us-east-1:*:placement-group/*'],
    ['ec2:CreateFleet', 'arn:aws:ec2:us-east-1:*:placement-group/*'],
    ['ec2:RunInstances', 'arn:aws:ec2:us-east-1:*:capacity-reservation/*'],
    ['ec2:DescribePlacementGroups', '*'],
    ['ec2:DescribeInstanceStatus', '*'],
    ['ec2:DescribeCapacityReservations', '*'],
    ['iam:TagInstanceProfile', 'arn:aws:iam::111122223333:instance-profile/*'],
    ['iam:ListInstanceProfiles', '*'],
    ['iam:GetInstanceProfile', 'arn:aws:iam::111122223333:instance-profile/*'],
    ['arc-zonal-shift:GetManagedResource', '*'],
    ['eks:DescribeCluster', input.clusterArn],
    ['sqs:ReceiveMessage', input.interruptionQueueArn],
    ['ec2:TerminateInstances', 'arn:aws:ec2:us-east-1:*:instance/*'],
    ['ssm:GetParameter', 'arn:aws:ssm:us-east-1::parameter/aws/service/*'],
  ])('grants %s on %s, as upstream v1.14 does', (action, resource) => {
    const grants = policy.Statement.filter((s) => s.Action.includes(action)).flatMap((s) =>
      typeof s.Resource === 'string' ? [s.Resource] : [...s.Resource],
    );
    expect(grants).toContain(resource);
  });

  test('grants exactly the actions upstream v1.14 grants', () => {
    const actions = [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
    expect(actions).toEqual(
      [
        ...['RunInstances', 'CreateFleet', 'CreateLaunchTemplate', 'CreateTags', 'TerminateInstances', 'DeleteLaunchTemplate'],
        ...['DescribeCapacityReservations', 'DescribeImages', 'DescribeInstances', 'DescribeInstanceStatus'],
        ...['DescribeInstanceTypeOfferings', 'DescribeInstanceTypes', 'DescribeLaunchTemplates', 'DescribePlacementGroups'],
        ...['DescribeSecurityGroups', 'DescribeSpotPriceHistory', 'DescribeSubnets'],
      ]
        .map((a) => `ec2:${a}`)
        .concat(
          ['PassRole', 'CreateInstanceProfile', 'TagInstanceProfile', 'AddRoleToInstanceProfile'].map((a) => `iam:${a}`),
          ['RemoveRoleFromInstanceProfile', 'DeleteInstanceProfile', 'ListInstanceProfiles', 'GetInstanceProfile'].map(
            (a) => `iam:${a}`,
          ),
          ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'eks:DescribeCluster', 'ssm:GetParameter'],
          ['pricing:GetProducts', 'arc-zonal-shift:GetManagedResource'],
        )
        .sort(),
    );
  });
});

describe('interruption events', () => {
  test('detail-types are spelled exactly as AWS sends them', () => {
    expect(INTERRUPTION_EVENTS.map((e) => `${e.source}: ${e.detailType}`)).toEqual([
      'aws.ec2: EC2 Spot Instance Interruption Warning',
      'aws.ec2: EC2 Instance Rebalance Recommendation',
      'aws.ec2: EC2 Instance State-change Notification',
      'aws.health: AWS Health Event',
      'aws.ec2: EC2 Capacity Reservation Instance Interruption Warning',
    ]);
  });
});

describe('KarpenterInfra', () => {
  test('queue, rules, node role with access entry, controller role through Pod Identity', async () => {
    const cluster = new aws.eks.Cluster('c', { name: 'c1', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    const infra = new KarpenterInfra('karpenter', { clusterName: 'c1', cluster, region: 'us-east-1' });
    await settle();
    expect(infra.nodeRoleName).toBe('KarpenterNodeRole-c1');
    expect(ofType(captured, 'aws:sqs/queue:Queue')[0].inputs).toMatchObject({ name: 'c1', sqsManagedSseEnabled: true });
    const rules = ofType(captured, 'aws:cloudwatch/eventRule:EventRule').map(
      (r) => JSON.parse(r.inputs.eventPattern)['detail-type'][0],
    );
    expect(rules).toEqual(INTERRUPTION_EVENTS.map((e) => e.detailType));
    expect(ofType(captured, 'aws:cloudwatch/eventTarget:EventTarget')).toHaveLength(5);
    expect(ofType(captured, 'aws:eks/accessEntry:AccessEntry')[0].inputs.type).toBe('EC2_LINUX');
    expect(ofType(captured, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')[0].inputs).toMatchObject({
      namespace: 'kube-system',
      serviceAccount: 'karpenter',
    });
    const role = ofType(captured, 'aws:iam/role:Role').find((r) => r.name === 'karpenter-controller')!;
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    const policy = JSON.parse(ofType(captured, 'aws:iam/rolePolicy:RolePolicy')[0].inputs.policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'AllowScopedInstanceProfileCreationActions').Resource).toBe(
      'arn:aws:iam::111122223333:instance-profile/*',
    );
    const nodeRole = ofType(captured, 'aws:iam/role:Role').find((r) => r.name === 'karpenter-node-role')!;
    expect(nodeRole.inputs.name).toBe('KarpenterNodeRole-c1');
  });
});
