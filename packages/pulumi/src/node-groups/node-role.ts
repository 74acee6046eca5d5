import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { awsManagedPolicy, serviceRole } from '../private/iam';

/**
 * The AWS-managed policies an EKS worker node needs: join the cluster and pull images. The VPC CNI
 * policy is included because the vpc-cni add-on runs with the node's identity by default.
 */
export const NODE_POLICIES = [
  awsManagedPolicy('AmazonEKSWorkerNodePolicy'),
  awsManagedPolicy('AmazonEC2ContainerRegistryPullOnly'),
  awsManagedPolicy('AmazonEKS_CNI_Policy'),
] as const;

/**
 * The IAM role of worker nodes, with exactly the policies in {@link NODE_POLICIES}. `roleName` fixes
 * the IAM name so the Kubernetes side (EC2NodeClass `role`) can reference it at synth.
 */
export function nodeRole(
  name: string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  roleName?: string,
): aws.iam.Role {
  return serviceRole(name, 'ec2.amazonaws.com', NODE_POLICIES, tags, opts, roleName);
}
