// AWS GPU instance types. Source: ../shared/reference/ai-stack-facts.md section E (Karpenter's
// generated instance-type reference, from EC2 API data) and versions-and-prices.md part 2 (on-demand
// prices, us-east-1, Linux, from Karpenter's generated Price List table of 2026-07-20).
import { GPU_MODELS, GpuModelId } from './gpu-models';

/** CPU architecture, spelled as Kubernetes' `kubernetes.io/arch` label. */
export type Architecture = 'amd64' | 'arm64';

/** An on-demand price with its provenance. */
export interface OnDemandPrice {
  /** US dollars per instance-hour. */
  readonly usdPerHour: number;
  readonly region: string;
  /** The date the figure was taken (ISO 8601). */
  readonly asOf: string;
}

/** A GPU instance type. */
export interface GpuInstanceType {
  /** EC2 instance type name (`p5.48xlarge`). */
  readonly name: string;
  /** Family (`p5`), as Karpenter's `karpenter.k8s.aws/instance-family` label. */
  readonly family: string;
  readonly gpuModel: GpuModelId;
  readonly gpuCount: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Maximum EFA interfaces (`vpc.amazonaws.com/efa`); 0 when the type has no EFA. */
  readonly efaInterfaces: number;
  /** Network bandwidth in Gbps (the "up to" figure for burstable sizes). */
  readonly networkGbps: number;
  readonly architecture: Architecture;
  /** On-demand price, where a verified figure exists. */
  readonly onDemandPrice?: OnDemandPrice;
}

const PRICE_REGION = 'us-east-1';
/** Families that are ARM (Graviton) hosts; everything else in the catalogue is x86_64. */
const ARM_FAMILIES = new Set(['g5g']);

/** The date of the price table the catalogue's prices come from. */
export const PRICES_AS_OF = '2026-07-20';

type Row = [
  name: string,
  gpu: GpuModelId,
  count: number,
  vcpu: number,
  memGiB: number,
  efa: number,
  gbps: number,
  price?: number,
];

// prettier-ignore
const ROWS: readonly Row[] = [
  ['g4dn.xlarge', 't4', 1, 4, 16, 0, 5, 0.526],
  ['g4dn.2xlarge', 't4', 1, 8, 32, 0, 10],
  ['g4dn.4xlarge', 't4', 1, 16, 64, 0, 20],
  ['g4dn.8xlarge', 't4', 1, 32, 128, 1, 50],
  ['g4dn.16xlarge', 't4', 1, 64, 256, 1, 50],
  ['g4dn.12xlarge', 't4', 4, 48, 192, 1, 50, 3.912],
  ['g4dn.metal', 't4', 8, 96, 384, 1, 100],
  ['g5.xlarge', 'a10g', 1, 4, 16, 0, 2.5, 1.006],
  ['g5.2xlarge', 'a10g', 1, 8, 32, 0, 5],
  ['g5.4xlarge', 'a10g', 1, 16, 64, 0, 10],
  ['g5.8xlarge', 'a10g', 1, 32, 128, 1, 25],
  ['g5.16xlarge', 'a10g', 1, 64, 256, 1, 25],
  ['g5.12xlarge', 'a10g', 4, 48, 192, 1, 40, 5.672],
  ['g5.24xlarge', 'a10g', 4, 96, 384, 1, 50],
  ['g5.48xlarge', 'a10g', 8, 192, 768, 1, 100, 16.288],
  ['g6.xlarge', 'l4', 1, 4, 16, 0, 2.5, 0.8048],
  ['g6.2xlarge', 'l4', 1, 8, 32, 0, 5],
  ['g6.4xlarge', 'l4', 1, 16, 64, 0, 10],
  ['g6.8xlarge', 'l4', 1, 32, 128, 1, 25],
  ['g6.16xlarge', 'l4', 1, 64, 256, 1, 25],
  ['g6.12xlarge', 'l4', 4, 48, 192, 1, 40, 4.6016],
  ['g6.24xlarge', 'l4', 4, 96, 384, 1, 50],
  ['g6.48xlarge', 'l4', 8, 192, 768, 1, 100, 13.3504],
  ['g6e.xlarge', 'l40s', 1, 4, 32, 0, 2.5, 1.861],
  ['g6e.2xlarge', 'l40s', 1, 8, 64, 0, 5],
  ['g6e.4xlarge', 'l40s', 1, 16, 128, 0, 20],
  ['g6e.8xlarge', 'l40s', 1, 32, 256, 1, 25],
  ['g6e.16xlarge', 'l40s', 1, 64, 512, 1, 35],
  ['g6e.12xlarge', 'l40s', 4, 48, 384, 1, 100, 10.49264],
  ['g6e.24xlarge', 'l40s', 4, 96, 768, 2, 200],
  ['g6e.48xlarge', 'l40s', 8, 192, 1536, 4, 400, 30.13118],
  ['p4d.24xlarge', 'a100-40gb', 8, 96, 1152, 4, 400, 21.957642],
  ['p4de.24xlarge', 'a100-80gb', 8, 96, 1152, 4, 400, 27.44705],
  ['p5.4xlarge', 'h100', 1, 16, 256, 1, 100, 6.88],
  ['p5.48xlarge', 'h100', 8, 192, 2048, 32, 3200, 55.04],
  // p5e has no on-demand price in the AWS Price List (sold as Capacity Blocks / reservations).
  ['p5e.48xlarge', 'h200', 8, 192, 2048, 32, 3200],
  ['p5en.48xlarge', 'h200', 8, 192, 2048, 16, 3200, 63.296],
  ['p6-b200.48xlarge', 'b200', 8, 192, 2048, 8, 3200, 113.9328],
  ['p6-b300.48xlarge', 'b300', 8, 192, 4096, 16, 6400, 142.416],
  // gr6: graphics-optimized L4 sizes; EFA counts not verified (none assumed).
  ['gr6.4xlarge', 'l4', 1, 16, 128, 0, 25],
  ['gr6.8xlarge', 'l4', 1, 32, 256, 0, 25],
  // g7e: RTX PRO 6000 (96 GB). The reference gives "EFA up to 4" for the family; per-size EFA counts
  // below the 48xlarge are not verified.
  ['g7e.2xlarge', 'rtx-pro-6000', 1, 8, 64, 0, 50, 3.36312],
  ['g7e.4xlarge', 'rtx-pro-6000', 1, 16, 128, 0, 50, 3.99816],
  ['g7e.8xlarge', 'rtx-pro-6000', 1, 32, 256, 1, 100, 5.26824],
  ['g7e.12xlarge', 'rtx-pro-6000', 2, 48, 512, 1, 400, 8.28608],
  ['g7e.24xlarge', 'rtx-pro-6000', 4, 96, 1024, 2, 800, 16.57216],
  ['g7e.48xlarge', 'rtx-pro-6000', 8, 192, 2048, 4, 1600, 33.14432],
  // g5g: Graviton2 with T4G; sizes from the EC2 family table, prices not verified.
  ['g5g.xlarge', 't4g', 1, 4, 8, 0, 10],
  ['g5g.2xlarge', 't4g', 1, 8, 16, 0, 10],
  ['g5g.4xlarge', 't4g', 1, 16, 32, 0, 10],
  ['g5g.8xlarge', 't4g', 1, 32, 64, 0, 12],
  ['g5g.16xlarge', 't4g', 2, 64, 128, 0, 25],
  ['g5g.metal', 't4g', 2, 64, 128, 0, 25],
];

/**
 * Accelerated families aiready refuses, with the reason: the error names it instead of only
 * "not in the catalogue".
 */
export const UNSUPPORTED_FAMILIES: Readonly<Record<string, string>> = {
  g4ad: 'g4ad instances carry AMD Radeon Pro V520 GPUs; aiready supports NVIDIA GPUs',
  inf1: 'inf1 instances carry AWS Inferentia (Neuron) accelerators, not NVIDIA GPUs',
  inf2: 'inf2 instances carry AWS Inferentia2 (Neuron) accelerators, not NVIDIA GPUs',
  trn1: 'trn1 instances carry AWS Trainium (Neuron) accelerators, not NVIDIA GPUs',
  trn2: 'trn2 instances carry AWS Trainium2 (Neuron) accelerators, not NVIDIA GPUs',
  dl1: 'dl1 instances carry Habana Gaudi accelerators, not NVIDIA GPUs',
};

function toInstanceType([name, gpuModel, gpuCount, vcpu, memoryGiB, efaInterfaces, networkGbps, price]: Row): GpuInstanceType {
  return {
    name,
    family: name.slice(0, name.indexOf('.')),
    gpuModel,
    gpuCount,
    vcpu,
    memoryGiB,
    efaInterfaces,
    networkGbps,
    architecture: ARM_FAMILIES.has(name.slice(0, name.indexOf('.'))) ? 'arm64' : 'amd64',
    ...(price === undefined ? {} : { onDemandPrice: { usdPerHour: price, region: PRICE_REGION, asOf: PRICES_AS_OF } }),
  };
}

/** Every GPU instance type in the catalogue, keyed by name. */
export const GPU_INSTANCE_TYPES: Readonly<Record<string, GpuInstanceType>> = Object.freeze(
  Object.fromEntries(ROWS.map((r) => [r[0], toInstanceType(r)])),
);

/** Names of every catalogued GPU instance type, sorted. */
export const GPU_INSTANCE_TYPE_NAMES: readonly string[] = Object.keys(GPU_INSTANCE_TYPES).sort();

/** Instance families that carry GPUs. A CPU node pool excludes these. */
export const GPU_INSTANCE_FAMILIES: readonly string[] = [...new Set(ROWS.map((r) => r[0].slice(0, r[0].indexOf('.'))))].sort();

/** What to look for in the catalogue. Every given criterion must hold. */
export interface InstanceQuery {
  /** GPU models (`'h100'`). */
  readonly gpuModels?: readonly GpuModelId[];
  /** At least this many GPUs per instance. */
  readonly minGpus?: number;
  /** At most this many GPUs per instance. */
  readonly maxGpus?: number;
  /** At least this much memory per GPU, in GB as marketed (24 matches the 24 GB L4 and A10G). */
  readonly minGpuMemoryGB?: number;
  /** Only instances with (true) or without (false) EFA. */
  readonly efa?: boolean;
  readonly architecture?: Architecture;
}

/** Catalogued instance types matching `query`, sorted by GPU count, then price (unpriced last), then vCPUs. */
export function findInstanceTypes(query: InstanceQuery): GpuInstanceType[] {
  return Object.values(GPU_INSTANCE_TYPES)
    .filter((t) => !query.gpuModels || query.gpuModels.includes(t.gpuModel))
    .filter((t) => query.minGpus === undefined || t.gpuCount >= query.minGpus)
    .filter((t) => query.maxGpus === undefined || t.gpuCount <= query.maxGpus)
    .filter((t) => query.minGpuMemoryGB === undefined || GPU_MODELS[t.gpuModel].memoryGB >= query.minGpuMemoryGB)
    .filter((t) => query.efa === undefined || t.efaInterfaces > 0 === query.efa)
    .filter((t) => !query.architecture || t.architecture === query.architecture)
    .sort(
      (a, b) =>
        a.gpuCount - b.gpuCount ||
        (a.onDemandPrice?.usdPerHour ?? Infinity) - (b.onDemandPrice?.usdPerHour ?? Infinity) ||
        a.vcpu - b.vcpu ||
        a.name.localeCompare(b.name),
    );
}

/** The catalogue entry for an instance type, or undefined when it is not a catalogued GPU type. */
export function findInstanceType(name: string): GpuInstanceType | undefined {
  return Object.prototype.hasOwnProperty.call(GPU_INSTANCE_TYPES, name) ? GPU_INSTANCE_TYPES[name] : undefined;
}
