import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import * as aws from '@pulumi/aws';
import { ClusterAutoscalerInfra, clusterAutoscalerPolicy } from '../src';

describe('cluster autoscaler IAM', () => {
  const policy = clusterAutoscalerPolicy({ partition: 'aws', region: 'us-east-1', accountId: '111122223333', clusterName: 'c1' });

  test('writes only to groups owned by this cluster; no wildcard action', () => {
    const write = policy.Statement.find((s) => s.Sid === 'ScaleOwnedGroups')!;
    expect(write.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/c1': 'owned' } });
    for (const s of policy.Statement) for (const a of s.Action) expect(a).not.toContain('*');
    expect(policy.Statement.find((s) => s.Sid === 'ReadNodegroups')!.Resource).toBe(
      'arn:aws:eks:us-east-1:111122223333:nodegroup/c1/*',
    );
  });

  test('the role is bound to the chart service account through Pod Identity', async () => {
    const cluster = new aws.eks.Cluster('c', { name: 'c1', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    new ClusterAutoscalerInfra('ca', { clusterName: 'c1', cluster, region: 'us-east-1' });
    await settle();
    expect(ofType(captured, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')[0].inputs).toMatchObject({
      namespace: 'kube-system',
      serviceAccount: 'cluster-autoscaler',
    });
    const attached = JSON.parse(ofType(captured, 'aws:iam/rolePolicy:RolePolicy')[0].inputs.policy);
    expect(attached.Statement[0].Resource).toBe(
      'arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*',
    );
  });
});
