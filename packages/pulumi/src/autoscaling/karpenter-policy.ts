// The Karpenter controller's IAM policy as a pure function, scoped to one cluster the way Karpenter's
// reference CloudFormation template scopes it: no wildcard actions, resources limited by ARN pattern
// and by the cluster's ownership tags. Only the EC2 Describe calls (which support no resource-level
// permissions) and pricing use "*", and Describe is limited to the cluster's region.

export interface KarpenterPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly nodeRoleArn: string;
  readonly interruptionQueueArn: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function karpenterControllerPolicy(i: KarpenterPolicyInput): { Version: string; Statement: PolicyStatement[] } {
  const ec2 = (type: string) => `arn:${i.partition}:ec2:${i.region}:*:${type}/*`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${i.clusterName}`]: 'owned' };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${i.clusterName}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': i.clusterName,
  };
  const launched = ['fleet', 'instance', 'volume', 'network-interface', 'launch-template', 'spot-instances-request'].map(ec2);
  const instanceProfiles = `arn:${i.partition}:iam::${i.accountId}:instance-profile/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowScopedEC2InstanceAccessActions',
        Effect: 'Allow',
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Resource: [
          `arn:${i.partition}:ec2:${i.region}::image/*`,
          `arn:${i.partition}:ec2:${i.region}::snapshot/*`,
          ec2('security-group'),
          ec2('subnet'),
          ec2('capacity-reservation'),
        ],
      },
      {
        Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
        Effect: 'Allow',
        Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Resource: ec2('launch-template'),
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedEC2InstanceActionsWithTags',
        Effect: 'Allow',
        Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
        Resource: launched,
        Condition: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowScopedResourceCreationTagging',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: launched,
        Condition: {
          StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
          StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
        },
      },
      {
        Sid: 'AllowScopedResourceTagging',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: ec2('instance'),
        Condition: {
          StringEquals: owned,
          StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
        },
      },
      {
        Sid: 'AllowScopedDeletion',
        Effect: 'Allow',
        Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
        Resource: [ec2('instance'), ec2('launch-template')],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
      },
      {
        Sid: 'AllowRegionalReadActions',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeAvailabilityZones',
          'ec2:DescribeCapacityReservations',
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceTypeOfferings',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSpotPriceHistory',
          'ec2:DescribeSubnets',
        ],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': i.region } },
      },
      {
        Sid: 'AllowSSMReadActions',
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: `arn:${i.partition}:ssm:${i.region}::parameter/aws/service/*`,
      },
      { Sid: 'AllowPricingReadActions', Effect: 'Allow', Action: ['pricing:GetProducts'], Resource: '*' },
      {
        Sid: 'AllowInterruptionQueueActions',
        Effect: 'Allow',
        Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: i.interruptionQueueArn,
      },
      {
        Sid: 'AllowPassingInstanceRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: i.nodeRoleArn,
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com'] } },
      },
      {
        Sid: 'AllowScopedInstanceProfileCreationActions',
        Effect: 'Allow',
        Action: ['iam:CreateInstanceProfile'],
        Resource: instanceProfiles,
        Condition: {
          StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': i.region },
          StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileActions',
        Effect: 'Allow',
        Action: [
          'iam:AddRoleToInstanceProfile',
          'iam:RemoveRoleFromInstanceProfile',
          'iam:DeleteInstanceProfile',
          'iam:TagInstanceProfile',
        ],
        Resource: instanceProfiles,
        Condition: {
          StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': i.region },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      {
        Sid: 'AllowInstanceProfileReadActions',
        Effect: 'Allow',
        Action: ['iam:GetInstanceProfile', 'iam:ListInstanceProfiles'],
        Resource: instanceProfiles,
      },
      { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: i.clusterArn },
    ],
  };
}

/**
 * The EventBridge events Karpenter handles, with `detail-type` spelled exactly as AWS sends it.
 * (A typo here never matches and silently disables interruption handling.)
 */
export const INTERRUPTION_EVENTS = [
  { id: 'spot-interruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'instance-state-change', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { id: 'scheduled-change', source: 'aws.health', detailType: 'AWS Health Event' },
] as const;
