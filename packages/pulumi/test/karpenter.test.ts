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
    expect(star).toEqual(['AllowRegionalReadActions', 'AllowPricingReadActions']);
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
});

describe('interruption events', () => {
  test('detail-types are spelled exactly as AWS sends them', () => {
    expect(INTERRUPTION_EVENTS.map((e) => `${e.source}: ${e.detailType}`)).toEqual([
      'aws.ec2: EC2 Spot Instance Interruption Warning',
      'aws.ec2: EC2 Instance Rebalance Recommendation',
      'aws.ec2: EC2 Instance State-change Notification',
      'aws.health: AWS Health Event',
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
    expect(ofType(captured, 'aws:cloudwatch/eventTarget:EventTarget')).toHaveLength(4);
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
