// What every node of a pool gets, whoever launches it (a Karpenter EC2NodeClass or a managed node
// group's launch template): its volumes and its instance metadata settings. One place, so the two
// provisioners of the same pool never differ.
import type { GpuPool } from '../spec/gpu-pool-types';

/** One encrypted gp3 EBS volume of a node. */
export interface NodeVolume {
  readonly deviceName: string;
  readonly sizeGiB: number;
  /** gp3 throughput, MiB/s. @default - gp3's baseline */
  readonly throughputMiBps?: number;
  /** The volume the OS boots from (Karpenter's `rootVolume`). */
  readonly root: boolean;
}

/**
 * IMDSv2 only, hop limit 1: a pod (one hop further than the node) cannot reach the node's instance
 * credentials; IPv6 endpoint off.
 */
export const NODE_METADATA_OPTIONS = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
  httpProtocolIPv6: 'disabled',
} as const;

/** Root volume of CPU nodes (system node group, the default CPU NodePool), GiB. */
export const CPU_NODE_ROOT_GIB = 50;

/**
 * The volumes of a GPU pool's nodes: Bottlerocket keeps its OS on a small /dev/xvda and container
 * images on /dev/xvdb; AL2023 has one root volume for both. The image volume is sized and tuned by the
 * pool (CUDA images are large).
 */
export function nodeVolumes(pool: GpuPool): NodeVolume[] {
  const images = { sizeGiB: pool.imageVolumeGiB, throughputMiBps: pool.volumeThroughputMiBps };
  return pool.amiFamily.id === 'bottlerocket'
    ? [
        { deviceName: '/dev/xvda', sizeGiB: 4, root: false },
        { deviceName: '/dev/xvdb', ...images, root: false },
      ]
    : [{ deviceName: '/dev/xvda', ...images, root: true }];
}
