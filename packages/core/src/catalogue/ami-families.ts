// EKS-optimized accelerated AMI families and what each ships on the node.
// Source: ../shared/reference/ai-stack-facts.md section B ("EKS with pre-installed drivers") and D (AMI types).
import { gpuOperatorDeployLabel } from '../labels';
import { Architecture } from './instance-types';

/** The AMI families aiready supports for GPU nodes. */
export type AmiFamilyId = 'al2023' | 'bottlerocket';

/** Which parts of the NVIDIA stack an AMI already installs. */
export interface PreinstalledGpuStack {
  readonly driver: boolean;
  readonly containerToolkit: boolean;
  readonly devicePlugin: boolean;
}

/** An EKS-optimized NVIDIA AMI family. */
export interface AmiFamily {
  readonly id: AmiFamilyId;
  readonly displayName: string;
  /** Karpenter `EC2NodeClass.spec.amiFamily`. */
  readonly karpenterAmiFamily: 'AL2023' | 'Bottlerocket';
  /**
   * The pinned Karpenter alias (`al2023@v20260724`). GPU nodes never float to `@latest` by default:
   * a new AMI silently bumps the driver and, through drift, restarts nodes mid-training.
   */
  readonly pinnedAlias: string;
  /** The alias prefix for this family (`al2023`), for `@latest` opt-in. */
  readonly aliasName: string;
  /** EKS managed node group `amiType` per architecture, for NVIDIA GPUs. */
  readonly nvidiaAmiType: Readonly<Record<Architecture, string>>;
  readonly preinstalled: PreinstalledGpuStack;
  /** MIG strategies the family supports (Bottlerocket only supports `single`). */
  readonly migStrategies: readonly ('single' | 'mixed')[];
  /**
   * Node labels that keep GPU operator operands off nodes where the AMI already provides them, so
   * a node never has two device plugins.
   */
  readonly operatorNodeLabels: Readonly<Record<string, string>>;
}

/** The AMI release the catalogue pins for AL2023 (awslabs/amazon-eks-ami release v20260724). */
export const AL2023_AMI_RELEASE = 'v20260724';
/** The Bottlerocket release the catalogue pins (v1.61.0, the first with aws-k8s-1.36-nvidia). */
export const BOTTLEROCKET_RELEASE = 'v1.61.0';

/** The GPU node AMI families aiready supports, by id: Karpenter AMI family, pinned alias, NVIDIA AMI types, preinstalled GPU stack. */
export const AMI_FAMILIES: Readonly<Record<AmiFamilyId, AmiFamily>> = Object.freeze({
  al2023: {
    id: 'al2023',
    displayName: 'Amazon Linux 2023 (NVIDIA)',
    karpenterAmiFamily: 'AL2023',
    aliasName: 'al2023',
    pinnedAlias: `al2023@${AL2023_AMI_RELEASE}`,
    nvidiaAmiType: { amd64: 'AL2023_x86_64_NVIDIA', arm64: 'AL2023_ARM_64_NVIDIA' },
    // The AL2023 NVIDIA AMI ships the kernel driver and the container toolkit, not the device plugin.
    preinstalled: { driver: true, containerToolkit: true, devicePlugin: false },
    migStrategies: ['single', 'mixed'],
    // Driver and toolkit are switched off operator-wide when every pool's AMI ships them.
    operatorNodeLabels: {},
  },
  bottlerocket: {
    id: 'bottlerocket',
    displayName: 'Bottlerocket (aws-k8s-nvidia)',
    karpenterAmiFamily: 'Bottlerocket',
    aliasName: 'bottlerocket',
    pinnedAlias: `bottlerocket@${BOTTLEROCKET_RELEASE}`,
    nvidiaAmiType: { amd64: 'BOTTLEROCKET_x86_64_NVIDIA', arm64: 'BOTTLEROCKET_ARM_64_NVIDIA' },
    // Bottlerocket's NVIDIA variants bundle the driver, toolkit and their own device plugin.
    preinstalled: { driver: true, containerToolkit: true, devicePlugin: true },
    migStrategies: ['single'],
    operatorNodeLabels: {
      [gpuOperatorDeployLabel('driver')]: 'false',
      [gpuOperatorDeployLabel('container-toolkit')]: 'false',
      [gpuOperatorDeployLabel('device-plugin')]: 'false',
      [gpuOperatorDeployLabel('mig-manager')]: 'false',
    },
  },
});

/** The ids of `AMI_FAMILIES`, in catalogue order. */
export const AMI_FAMILY_IDS: readonly AmiFamilyId[] = Object.keys(AMI_FAMILIES) as AmiFamilyId[];
