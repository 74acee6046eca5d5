// Upstream IAM policies the controllers' roles are checked against, kept as data with their sources.
// Only effect, actions and resources are kept: conditions scope to the cluster's tags and region, and
// aiready's policies are compared action by action and resource type by resource type.

/** One Allow statement. `${...}` placeholders are kept as upstream writes them. */
export interface UpstreamStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * Karpenter v1.14.1's controller policy: the five managed policies of
 * aws/karpenter-provider-aws @ v1.14.1 (commit bde00654cd316fddb3dccfba3f5ac07039865429),
 * website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml
 * (blob 2c2ca72301a002c68185979fc4d2c8dab0f9c13a): NodeLifecyclePolicy, IAMIntegrationPolicy,
 * EKSIntegrationPolicy, InterruptionPolicy, ZonalShiftPolicy, ResourceDiscoveryPolicy.
 */
export const KARPENTER_V1_14_1_CONTROLLER_POLICY: readonly UpstreamStatement[] = [
  {
    sid: 'AllowScopedEC2InstanceAccessActions',
    actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
    resources: [
      'arn:${AWS::Partition}:ec2:${AWS::Region}::image/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:security-group/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:subnet/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:capacity-reservation/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:placement-group/*',
    ],
  },
  {
    sid: 'AllowScopedEC2LaunchTemplateAccessActions',
    actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
    resources: ['arn:${AWS::Partition}:ec2:${AWS::Region}:*:launch-template/*'],
  },
  {
    sid: 'AllowScopedEC2InstanceActionsWithTags',
    actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
    resources: [
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:fleet/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:instance/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:volume/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:network-interface/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:launch-template/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:spot-instances-request/*',
    ],
  },
  {
    sid: 'AllowScopedResourceCreationTagging',
    actions: ['ec2:CreateTags'],
    resources: [
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:fleet/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:instance/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:volume/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:network-interface/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:launch-template/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:spot-instances-request/*',
    ],
  },
  {
    sid: 'AllowScopedResourceTagging',
    actions: ['ec2:CreateTags'],
    resources: ['arn:${AWS::Partition}:ec2:${AWS::Region}:*:instance/*'],
  },
  {
    sid: 'AllowScopedDeletion',
    actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
    resources: [
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:instance/*',
      'arn:${AWS::Partition}:ec2:${AWS::Region}:*:launch-template/*',
    ],
  },
  { sid: 'AllowPassingInstanceRole', actions: ['iam:PassRole'], resources: ['${KarpenterNodeRole.Arn}'] },
  {
    sid: 'AllowScopedInstanceProfileCreationActions',
    actions: ['iam:CreateInstanceProfile'],
    resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/*'],
  },
  {
    sid: 'AllowScopedInstanceProfileTagActions',
    actions: ['iam:TagInstanceProfile'],
    resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/*'],
  },
  {
    sid: 'AllowScopedInstanceProfileActions',
    actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
    resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/*'],
  },
  {
    sid: 'AllowAPIServerEndpointDiscovery',
    actions: ['eks:DescribeCluster'],
    resources: ['arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}'],
  },
  {
    sid: 'AllowInterruptionQueueActions',
    actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
    resources: ['${KarpenterInterruptionQueue.Arn}'],
  },
  { sid: 'AllowZonalShiftStatusReadOnly', actions: ['arc-zonal-shift:GetManagedResource'], resources: ['*'] },
  {
    sid: 'AllowRegionalReadActions',
    actions: [
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
    resources: ['*'],
  },
  {
    sid: 'AllowSSMReadActions',
    actions: ['ssm:GetParameter'],
    resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}::parameter/aws/service/*'],
  },
  { sid: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] },
  { sid: 'AllowUnscopedInstanceProfileListAction', actions: ['iam:ListInstanceProfiles'], resources: ['*'] },
  {
    sid: 'AllowInstanceProfileReadActions',
    actions: ['iam:GetInstanceProfile'],
    resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/*'],
  },
];

/**
 * The cluster autoscaler's "Full Cluster Autoscaler Features Policy (Recommended)": kubernetes/autoscaler
 * @ cluster-autoscaler-1.35.2, cluster-autoscaler/cloudprovider/aws/README.md, section "IAM Policy".
 */
export const CLUSTER_AUTOSCALER_1_35_POLICY: readonly UpstreamStatement[] = [
  {
    sid: 'Discovery',
    actions: [
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeLaunchConfigurations',
      'autoscaling:DescribeScalingActivities',
      'ec2:DescribeImages',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:GetInstanceTypesFromInstanceRequirements',
      'eks:DescribeNodegroup',
    ],
    resources: ['*'],
  },
  {
    sid: 'Scaling',
    actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
    resources: ['*'],
  },
];

/**
 * The AWS EBS CSI driver (kubernetes-sigs/aws-ebs-csi-driver @ v1.63.1): the AWS-managed policies that
 * carry its baseline permissions (docs/install.md), the core actions of docs/example-iam-policy.json,
 * and the extra statement docs/install.md gives for volumes encrypted with a customer KMS key.
 */
export const EBS_CSI_V1_63_1 = {
  managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy', 'service-role/AmazonEBSCSIDriverPolicyV2'],
  core: {
    sid: 'Volumes',
    actions: [
      'ec2:CreateVolume',
      'ec2:DeleteVolume',
      'ec2:AttachVolume',
      'ec2:DetachVolume',
      'ec2:DescribeVolumes',
      'ec2:DescribeInstances',
      'ec2:CreateTags',
    ],
    resources: ['arn:aws:ec2:*:*:volume/*'],
  } satisfies UpstreamStatement,
  kms: {
    sid: 'EncryptedVolumesKms',
    actions: ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:CreateGrant'],
    resources: ['arn:aws:kms:*:*:key/*'],
  } satisfies UpstreamStatement,
} as const;
