import { GpuPool, karpenterNodeRoleName, placementGroupName } from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { nodeRole } from '../node-groups/node-role';
import { serviceTrustPolicy } from '../private/iam';
import { INTERRUPTION_EVENTS, karpenterControllerPolicy } from './karpenter-policy';

/** Arguments of `KarpenterInfra`. */
export interface KarpenterInfraArgs {
  /** Name of the cluster Karpenter manages (names the queue and the node role). */
  readonly clusterName: string;
  /** The cluster itself: access entries and the Pod Identity association wait for it. */
  readonly cluster: aws.eks.Cluster;
  readonly region: string;
  /**
   * The pools Karpenter provisions; EFA pools get their cluster placement group here.
   * @default - none
   */
  readonly pools?: readonly GpuPool[];
  /**
   * Namespace and service account of the controller, for the Pod Identity association.
   * @default - namespace 'kube-system', service account 'karpenter' (the chart's defaults)
   */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
  /**
   * Tags on every resource.
   * @default - none beyond the aiready tags
   */
  readonly tags?: Record<string, string>;
}

/**
 * What Karpenter needs in AWS: a node role (with an EKS access entry so its nodes can join), the
 * interruption queue and the EventBridge rules that feed it, and a least-privilege controller role
 * bound to the controller's service account through EKS Pod Identity.
 */
export class KarpenterInfra extends pulumi.ComponentResource {
  public readonly nodeRole: aws.iam.Role;
  public readonly nodeRoleName: string;
  public readonly controllerRole: aws.iam.Role;
  public readonly queue: aws.sqs.Queue;
  /** Resources that must exist before the Karpenter release is installed. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: KarpenterInfraArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:autoscaling:KarpenterInfra', name, {}, opts);
    const tags = { ...args.tags, 'aiready.dev/cluster': args.clusterName };
    const child = { parent: this };
    const sa = args.serviceAccount ?? { namespace: 'kube-system', name: 'karpenter' };

    this.nodeRoleName = karpenterNodeRoleName(args.clusterName);
    this.nodeRole = nodeRole(`${name}-node-role`, tags, child, this.nodeRoleName);
    const nodeAccess = new aws.eks.AccessEntry(
      `${name}-node-access`,
      { clusterName: args.cluster.name, principalArn: this.nodeRole.arn, type: 'EC2_LINUX', tags },
      child,
    );

    this.queue = new aws.sqs.Queue(
      `${name}-interruptions`,
      { name: args.clusterName, messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags },
      child,
    );
    new aws.sqs.QueuePolicy(
      `${name}-interruptions`,
      {
        queueUrl: this.queue.url,
        policy: this.queue.arn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'EventBridgeSendMessage',
                Effect: 'Allow',
                Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
                Action: 'sqs:SendMessage',
                Resource: arn,
              },
              {
                Sid: 'DenyHTTP',
                Effect: 'Deny',
                Principal: '*',
                Action: 'sqs:*',
                Resource: arn,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        ),
      },
      child,
    );
    for (const event of INTERRUPTION_EVENTS) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${event.id}`,
        { eventPattern: JSON.stringify({ source: [event.source], 'detail-type': [event.detailType] }), tags },
        child,
      );
      new aws.cloudwatch.EventTarget(`${name}-${event.id}`, { rule: rule.name, arn: this.queue.arn }, child);
    }

    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child);
    this.controllerRole = new aws.iam.Role(
      `${name}-controller`,
      { assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com'), tags },
      child,
    );
    const controllerPolicy = new aws.iam.RolePolicy(
      `${name}-controller`,
      {
        role: this.controllerRole.id,
        policy: pulumi
          .all([partition.partition, identity.accountId, args.cluster.arn, this.nodeRole.arn, this.queue.arn])
          .apply(([p, accountId, clusterArn, nodeRoleArn, queueArn]) =>
            JSON.stringify(
              karpenterControllerPolicy({
                partition: p,
                region: args.region,
                accountId,
                clusterName: args.clusterName,
                clusterArn,
                nodeRoleArn,
                interruptionQueueArn: queueArn,
              }),
            ),
          ),
      },
      child,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-controller`,
      {
        clusterName: args.cluster.name,
        namespace: sa.namespace,
        serviceAccount: sa.name,
        roleArn: this.controllerRole.arn,
        tags,
      },
      child,
    );
    const placementGroups = (args.pools ?? [])
      .filter((p) => p.provisioner === 'karpenter')
      .flatMap((p) => {
        const groupName = placementGroupName(args.clusterName, p);
        return groupName
          ? [new aws.ec2.PlacementGroup(`${name}-pg-${p.name}`, { name: groupName, strategy: 'cluster', tags }, child)]
          : [];
      });
    // The controller must start with its policy in place: a launch it is not yet allowed fails.
    this.ready = [nodeAccess, association, controllerPolicy, ...placementGroups];
    this.registerOutputs({});
  }
}
