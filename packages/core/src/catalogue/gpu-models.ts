// NVIDIA GPU models found in AWS instances, with the MIG profiles each supports.
// Source: ../shared/reference/ai-stack-facts.md sections B and E (NVIDIA mig-parted static config,
// Karpenter's generated instance-type reference).

/** Identifier of a GPU model in the aiready catalogue. */
export type GpuModelId =
  't4' | 't4g' | 'a10g' | 'l4' | 'l40s' | 'a100-40gb' | 'a100-80gb' | 'h100' | 'h200' | 'b200' | 'b300' | 'rtx-pro-6000';

/** One MIG profile of a GPU: how many compute and memory slices an instance takes, and how many fit. */
export interface MigProfile {
  /** Profile name exactly as NVIDIA spells it (`1g.10gb`, `1g.10gb+me`). */
  readonly name: string;
  /** Compute slices (the `Ng` part). */
  readonly computeSlices: number;
  /** Memory slices out of the GPU's {@link MigGeometry.memorySlices}. */
  readonly memorySlices: number;
  /** The maximum number of instances of this profile on one GPU. */
  readonly maxInstances: number;
}

/** The slice geometry of a MIG-capable GPU. */
export interface MigGeometry {
  readonly computeSlices: number;
  readonly memorySlices: number;
  readonly profiles: readonly MigProfile[];
  /** The profiles of mig-parted's `all-balanced` set for this GPU, with counts. */
  readonly balanced: Readonly<Record<string, number>>;
}

/** A GPU model. */
export interface GpuModel {
  readonly id: GpuModelId;
  /** Marketing name. */
  readonly displayName: string;
  /** Value of Karpenter's `karpenter.k8s.aws/instance-gpu-name` label for this model. */
  readonly karpenterName: string;
  /** Memory per GPU in MiB, as EC2 reports it (and Karpenter's `instance-gpu-memory`). */
  readonly memoryMiB: number;
  /** Memory per GPU in GB as NVIDIA markets it (the "24" of "24 GB"). */
  readonly memoryGB: number;
  readonly architecture: 'Turing' | 'Ampere' | 'Ada Lovelace' | 'Hopper' | 'Blackwell' | 'Blackwell Ultra';
  /** CUDA compute capability. */
  readonly computeCapability: string;
  /** MIG geometry, or undefined when the GPU cannot be partitioned with MIG. */
  readonly mig?: MigGeometry;
}

/**
 * The MIG profile family of the 7-compute / 8-memory-slice GPUs (A100, H100, H200, B200, B300).
 * `unit` is the memory of one memory slice as it appears in profile names, `full` the whole GPU.
 */
function sevenSliceProfiles(unit: number, double: number, quad: number, full: number): MigProfile[] {
  return [
    { name: `1g.${unit}gb`, computeSlices: 1, memorySlices: 1, maxInstances: 7 },
    { name: `1g.${unit}gb+me`, computeSlices: 1, memorySlices: 1, maxInstances: 1 },
    { name: `1g.${double}gb`, computeSlices: 1, memorySlices: 2, maxInstances: 4 },
    { name: `2g.${double}gb`, computeSlices: 2, memorySlices: 2, maxInstances: 3 },
    { name: `3g.${quad}gb`, computeSlices: 3, memorySlices: 4, maxInstances: 2 },
    { name: `4g.${quad}gb`, computeSlices: 4, memorySlices: 4, maxInstances: 1 },
    { name: `7g.${full}gb`, computeSlices: 7, memorySlices: 8, maxInstances: 1 },
  ];
}

function sevenSliceGeometry(unit: number, double: number, quad: number, full: number): MigGeometry {
  return {
    computeSlices: 7,
    memorySlices: 8,
    profiles: sevenSliceProfiles(unit, double, quad, full),
    balanced: { [`1g.${unit}gb`]: 2, [`2g.${double}gb`]: 1, [`3g.${quad}gb`]: 1 },
  };
}

const MODELS: readonly GpuModel[] = [
  {
    id: 't4',
    displayName: 'NVIDIA T4',
    karpenterName: 't4',
    memoryMiB: 16384,
    memoryGB: 16,
    architecture: 'Turing',
    computeCapability: '7.5',
  },
  {
    // g5g: ARM (Graviton2) hosts with T4G GPUs; served by the AL2023 and Bottlerocket ARM NVIDIA AMIs.
    id: 't4g',
    displayName: 'NVIDIA T4G',
    karpenterName: 't4g',
    memoryMiB: 16384,
    memoryGB: 16,
    architecture: 'Turing',
    computeCapability: '7.5',
  },
  {
    id: 'a10g',
    displayName: 'NVIDIA A10G',
    karpenterName: 'a10g',
    memoryMiB: 22888,
    memoryGB: 24,
    architecture: 'Ampere',
    computeCapability: '8.6',
  },
  {
    id: 'l4',
    displayName: 'NVIDIA L4',
    karpenterName: 'l4',
    memoryMiB: 22888,
    memoryGB: 24,
    architecture: 'Ada Lovelace',
    computeCapability: '8.9',
  },
  {
    id: 'l40s',
    displayName: 'NVIDIA L40S',
    karpenterName: 'l40s',
    memoryMiB: 45776,
    memoryGB: 48,
    architecture: 'Ada Lovelace',
    computeCapability: '8.9',
  },
  {
    id: 'a100-40gb',
    displayName: 'NVIDIA A100 40GB',
    karpenterName: 'a100',
    memoryMiB: 40960,
    memoryGB: 40,
    architecture: 'Ampere',
    computeCapability: '8.0',
    mig: sevenSliceGeometry(5, 10, 20, 40),
  },
  {
    id: 'a100-80gb',
    displayName: 'NVIDIA A100 80GB',
    karpenterName: 'a100',
    memoryMiB: 81920,
    memoryGB: 80,
    architecture: 'Ampere',
    computeCapability: '8.0',
    mig: sevenSliceGeometry(10, 20, 40, 80),
  },
  {
    id: 'h100',
    displayName: 'NVIDIA H100 80GB',
    karpenterName: 'h100',
    memoryMiB: 81920,
    memoryGB: 80,
    architecture: 'Hopper',
    computeCapability: '9.0',
    mig: sevenSliceGeometry(10, 20, 40, 80),
  },
  {
    id: 'h200',
    displayName: 'NVIDIA H200 141GB',
    karpenterName: 'h200',
    memoryMiB: 144384,
    memoryGB: 141,
    architecture: 'Hopper',
    computeCapability: '9.0',
    mig: sevenSliceGeometry(18, 35, 71, 141),
  },
  {
    id: 'b200',
    displayName: 'NVIDIA B200',
    karpenterName: 'b200',
    memoryMiB: 183359,
    memoryGB: 180,
    architecture: 'Blackwell',
    computeCapability: '10.0',
    mig: sevenSliceGeometry(23, 45, 90, 180),
  },
  {
    id: 'b300',
    displayName: 'NVIDIA B300',
    karpenterName: 'b300',
    memoryMiB: 275040,
    memoryGB: 288,
    architecture: 'Blackwell Ultra',
    computeCapability: '10.3',
    mig: sevenSliceGeometry(34, 67, 135, 269),
  },
  {
    // RTX PRO 6000 Blackwell Server Edition (g7e): 4 compute and 4 memory slices of 24 GB. Its
    // graphics/media variants (+gfx, -me, +me.all) are not modelled. Karpenter label value unverified.
    id: 'rtx-pro-6000',
    displayName: 'NVIDIA RTX PRO 6000 Blackwell',
    karpenterName: 'rtx-pro-6000',
    memoryMiB: 98304,
    memoryGB: 96,
    architecture: 'Blackwell',
    computeCapability: '12.0',
    mig: {
      computeSlices: 4,
      memorySlices: 4,
      profiles: [
        { name: '1g.24gb', computeSlices: 1, memorySlices: 1, maxInstances: 4 },
        { name: '2g.48gb', computeSlices: 2, memorySlices: 2, maxInstances: 2 },
        { name: '4g.96gb', computeSlices: 4, memorySlices: 4, maxInstances: 1 },
      ],
      balanced: { '1g.24gb': 2, '2g.48gb': 1 },
    },
  },
];

/** Every GPU model in the catalogue, keyed by id. */
export const GPU_MODELS: Readonly<Record<GpuModelId, GpuModel>> = Object.freeze(
  Object.fromEntries(MODELS.map((m) => [m.id, m])) as Record<GpuModelId, GpuModel>,
);

/** The MIG profile `name` of a GPU model, if the model has it. */
export function migProfile(model: GpuModel, name: string): MigProfile | undefined {
  return model.mig?.profiles.find((p) => p.name === name);
}

/** The GPU model with this id. */
export function gpuModel(id: GpuModelId): GpuModel {
  return GPU_MODELS[id];
}
