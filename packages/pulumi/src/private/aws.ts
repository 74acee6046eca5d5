// The AWS services aiready uses, each loaded from its own module. `import * as aws from '@pulumi/aws'`
// loads the index, which requires all of the provider's ~300 service modules: about 0.3 s in every
// stack process (measured with @pulumi/pulumi already loaded), for the 8 used here.
export * as autoscaling from '@pulumi/aws/autoscaling';
export * as cloudwatch from '@pulumi/aws/cloudwatch';
export * as ec2 from '@pulumi/aws/ec2';
export * as eks from '@pulumi/aws/eks';
export * as iam from '@pulumi/aws/iam';
export * as kms from '@pulumi/aws/kms';
export * as s3 from '@pulumi/aws/s3';
export * as sqs from '@pulumi/aws/sqs';
export { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
export { getPartitionOutput } from '@pulumi/aws/getPartition';
