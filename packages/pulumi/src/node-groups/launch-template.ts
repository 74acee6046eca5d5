import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** One EBS volume of a node. */
export interface NodeVolume {
  readonly deviceName: string;
  readonly sizeGiB: number;
}

/**
 * A launch template for managed node groups: IMDSv2 required with hop limit 1 (pods cannot reach
 * the node's instance credentials), encrypted gp3 volumes, and tags on instances and volumes.
 */
export function nodeLaunchTemplate(
  name: string,
  volumes: readonly NodeVolume[],
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(
    name,
    {
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: volumes.map((v) => ({
        deviceName: v.deviceName,
        ebs: { volumeSize: v.sizeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      })),
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags })),
      tags,
    },
    opts,
  );
}
