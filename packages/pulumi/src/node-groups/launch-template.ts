import { EfaInterface, NODE_METADATA_OPTIONS, NodeVolume } from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';

/** What a node launch template holds beyond the secure defaults. */
export interface NodeLaunchOptions {
  readonly volumes: readonly Pick<NodeVolume, 'deviceName' | 'sizeGiB' | 'throughputMiBps'>[];
  readonly tags: Record<string, string>;
  /** EFA interfaces, one per network card (card 0 carries the primary ENA+EFA interface). */
  readonly efa?: {
    readonly interfaces: readonly EfaInterface[];
    readonly securityGroupIds: pulumi.Input<string>[];
    /** The cluster placement group; none for Capacity Blocks, whose instances are co-located already. */
    readonly placementGroup?: pulumi.Input<string>;
  };
  /** An On-Demand Capacity Reservation to launch into. */
  readonly capacityReservationId?: string;
  /** User data (Bottlerocket settings TOML), merged by EKS with its own bootstrap settings. */
  readonly userData?: string;
}

/**
 * A launch template for managed node groups: IMDSv2 required with hop limit 1 (pods cannot reach the
 * node's instance credentials), encrypted gp3 volumes, tags on instances and volumes, and, for EFA
 * pools, the EFA interfaces and the cluster placement group.
 */
export function nodeLaunchTemplate(
  name: string,
  options: NodeLaunchOptions,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.LaunchTemplate {
  const { efa } = options;
  return new aws.ec2.LaunchTemplate(
    name,
    {
      metadataOptions: {
        httpEndpoint: NODE_METADATA_OPTIONS.httpEndpoint,
        httpTokens: NODE_METADATA_OPTIONS.httpTokens,
        httpPutResponseHopLimit: NODE_METADATA_OPTIONS.httpPutResponseHopLimit,
        httpProtocolIpv6: NODE_METADATA_OPTIONS.httpProtocolIPv6,
      },
      blockDeviceMappings: options.volumes.map((v) => ({
        deviceName: v.deviceName,
        ebs: {
          volumeSize: v.sizeGiB,
          volumeType: 'gp3',
          encrypted: 'true',
          deleteOnTermination: 'true',
          ...(v.throughputMiBps === undefined ? {} : { throughput: v.throughputMiBps }),
        },
      })),
      ...(efa
        ? {
            // A launch template's EFA primary is type 'efa' (ENA and EFA on card 0, device 0); every
            // other card gets one EFA-only interface at device index 1.
            networkInterfaces: efa.interfaces
              .filter((i) => !(i.networkCardIndex === 0 && i.interfaceType === 'efa-only'))
              .map((i) => ({
                networkCardIndex: i.networkCardIndex,
                deviceIndex: i.networkCardIndex === 0 ? 0 : 1,
                interfaceType: i.networkCardIndex === 0 ? 'efa' : 'efa-only',
                securityGroups: efa.securityGroupIds,
                deleteOnTermination: 'true',
              })),
            ...(efa.placementGroup ? { placement: { groupName: efa.placementGroup } } : {}),
          }
        : {}),
      ...(options.capacityReservationId
        ? {
            capacityReservationSpecification: {
              capacityReservationTarget: { capacityReservationId: options.capacityReservationId },
            },
          }
        : {}),
      ...(options.userData ? { userData: Buffer.from(options.userData).toString('base64') } : {}),
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: options.tags })),
      tags: options.tags,
    },
    opts,
  );
}
