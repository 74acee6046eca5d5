import * as aws from './aws';
import * as pulumi from '@pulumi/pulumi';

/** A trust policy letting an AWS service assume the role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
}

/** A role for an AWS service with AWS-managed policies attached; `roleName` fixes its IAM name. */
export function serviceRole(
  name: string,
  service: string,
  managedPolicies: readonly string[],
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  roleName?: string,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    { ...(roleName ? { name: roleName } : {}), assumeRolePolicy: serviceTrustPolicy(service), tags },
    opts,
  );
  managedPolicies.forEach((policy) => {
    const short = policy.slice(policy.lastIndexOf('/') + 1);
    new aws.iam.RolePolicyAttachment(`${name}-${short}`, { role: role.name, policyArn: policy }, opts);
  });
  return role;
}

/** ARN of an AWS-managed IAM policy. */
export function awsManagedPolicy(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}
