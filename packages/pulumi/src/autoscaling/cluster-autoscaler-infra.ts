import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '@aiready/k8s';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { PolicyStatement } from './karpenter-policy';
import { serviceTrustPolicy } from '../private/iam';

/**
 * The cluster autoscaler's IAM policy: it may resize and terminate only Auto Scaling groups tagged as
 * owned by this cluster; reads are region-wide (they support no resource-level permission), and
 * DescribeNodegroup is limited to this cluster's node groups.
 */
export function clusterAutoscalerPolicy(i: { partition: string; region: string; accountId: string; clusterName: string }): {
  Version: string;
  Statement: PolicyStatement[];
} {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ScaleOwnedGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: `arn:${i.partition}:autoscaling:${i.region}:${i.accountId}:autoScalingGroup:*:autoScalingGroupName/*`,
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${i.clusterName}`]: 'owned' } },
      },
      {
        Sid: 'Discover',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': i.region } },
      },
      {
        Sid: 'ReadNodegroups',
        Effect: 'Allow',
        Action: ['eks:DescribeNodegroup'],
        Resource: `arn:${i.partition}:eks:${i.region}:${i.accountId}:nodegroup/${i.clusterName}/*`,
      },
    ],
  };
}

/** Arguments of `ClusterAutoscalerInfra`. */
export interface ClusterAutoscalerInfraArgs {
  readonly clusterName: string;
  readonly cluster: aws.eks.Cluster;
  readonly region: string;
  /**
   * Tags on every resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** The cluster autoscaler's IAM role, bound to its service account in kube-system through Pod Identity. */
export class ClusterAutoscalerInfra extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterAutoscalerInfraArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:autoscaling:ClusterAutoscalerInfra', name, {}, opts);
    const child = { parent: this };
    const tags = args.tags ?? {};
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child);
    this.role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com'), tags }, child);
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi
          .all([partition.partition, identity.accountId])
          .apply(([p, accountId]) =>
            JSON.stringify(
              clusterAutoscalerPolicy({ partition: p, region: args.region, accountId, clusterName: args.clusterName }),
            ),
          ),
      },
      child,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-pod-identity`,
      {
        clusterName: args.cluster.name,
        namespace: 'kube-system',
        serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
        roleArn: this.role.arn,
        tags,
      },
      child,
    );
    // The controller starts with this identity: the association and the policy it carries.
    this.ready = [association, policy];
    this.registerOutputs({});
  }
}
