// The Karpenter controller's IAM policy as a pure function, aligned action by action with Karpenter
// v1.14's reference CloudFormation template (aws/karpenter-provider-aws,
// website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml @ e0834c2):
// no wildcard actions, resources limited by ARN pattern and by the cluster's ownership tags. Only calls
// that support no resource-level permission (EC2 Describe, pricing, ListInstanceProfiles, zonal shift
// status) use "*", and the Describe calls are limited to the cluster's region. The one place we are
// tighter than upstream: ARNs carry the cluster's region (upstream does the same) and PassRole names
// the one node role.

/** What the Karpenter controller policy is scoped to: partition, region, account, cluster, node role, interruption queue. */
export interface KarpenterPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly nodeRoleArn: string;
  readonly interruptionQueueArn: string;
}

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The Karpenter controller's IAM policy document for one cluster. */
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
          // EFA pools launch into a cluster placement group (EC2NodeClass placementGroupSelector).
          ec2('placement-group'),
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
          StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': i.clusterName },
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
          'ec2:DescribeCapacityReservations',
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'ec2:DescribeInstanceTypeOfferings',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribePlacementGroups',
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
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
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
        Sid: 'AllowScopedInstanceProfileTagActions',
        Effect: 'Allow',
        Action: ['iam:TagInstanceProfile'],
        Resource: instanceProfiles,
        Condition: {
          StringEquals: {
            ...owned,
            'aws:ResourceTag/topology.kubernetes.io/region': i.region,
            ...requestOwned,
            'aws:RequestTag/topology.kubernetes.io/region': i.region,
          },
          StringLike: {
            'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*',
            'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*',
          },
        },
      },
      {
        Sid: 'AllowScopedInstanceProfileActions',
        Effect: 'Allow',
        Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
        Resource: instanceProfiles,
        Condition: {
          StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': i.region },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        },
      },
      // ListInstanceProfiles supports no resource-level permission.
      { Sid: 'AllowUnscopedInstanceProfileListAction', Effect: 'Allow', Action: ['iam:ListInstanceProfiles'], Resource: '*' },
      { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Action: ['iam:GetInstanceProfile'], Resource: instanceProfiles },
      { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: i.clusterArn },
      {
        Sid: 'AllowZonalShiftStatusReadOnly',
        Effect: 'Allow',
        Action: ['arc-zonal-shift:GetManagedResource'],
        Resource: '*',
        Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': i.clusterArn } },
      },
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
  // Reserved pools (ODCRs, Capacity Blocks): AWS reclaims the instances when the reservation ends.
  {
    id: 'capacity-reservation-interruption',
    source: 'aws.ec2',
    detailType: 'EC2 Capacity Reservation Instance Interruption Warning',
  },
] as const;
