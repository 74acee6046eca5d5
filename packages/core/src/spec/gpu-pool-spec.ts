import { AMI_FAMILIES, AMI_FAMILY_IDS, AmiFamily, AmiFamilyId } from '../catalogue/ami-families';
import { GPU_MODELS, GpuModel } from '../catalogue/gpu-models';
import { Architecture, findInstanceType, GPU_INSTANCE_TYPE_NAMES, GpuInstanceType } from '../catalogue/instance-types';
import { ProblemCollector, ValidationWarning } from '../errors';
import { AIREADY_PREFIX, GPU_TAINT, NVIDIA_GPU_PRESENT_LABEL, POOL_LABEL, PURPOSE_LABEL, Taint } from '../labels';
import { isDnsLabel, isLabelKey, isLabelValue } from '../util/kubernetes-names';
import { nearest } from '../util/suggest';

/** How a pool's nodes are bought. */
export type CapacityType = 'on-demand' | 'spot';
export const CAPACITY_TYPES: readonly CapacityType[] = ['on-demand', 'spot'];

/** What provisions a pool's nodes. */
export type PoolProvisioner = 'karpenter' | 'managed-node-group';
export const POOL_PROVISIONERS: readonly PoolProvisioner[] = ['karpenter', 'managed-node-group'];

/** What a pool's nodes are for; it sets the disruption defaults. */
export type PoolPurpose = 'training' | 'inference' | 'interactive';
export const POOL_PURPOSES: readonly PoolPurpose[] = ['training', 'inference', 'interactive'];

/**
 * A GPU node pool, described once and consumed by the Karpenter NodePool (cdk8s), the EKS managed
 * node group (Pulumi) and the workloads that target it.
 */
export interface GpuPoolSpec {
  /** Pool name: a DNS label, unique in the platform. It becomes the `aiready.dev/pool` node label. */
  readonly name: string;
  /** EC2 instance types the pool may launch, from the catalogue (`p5.48xlarge`). At least one. */
  readonly instanceTypes: readonly string[];
  /**
   * How nodes are bought.
   * @default 'on-demand'
   */
  readonly capacityType?: CapacityType;
  /**
   * What provisions the nodes: a Karpenter NodePool (scales from zero, picks among the instance
   * types) or an EKS managed node group (fixed min/max, scaled by the cluster autoscaler). A pool has
   * exactly one provisioner, so two autoscalers never fight over it.
   * @default 'karpenter'
   */
  readonly provisioner?: PoolProvisioner;
  /**
   * What the pool is for. Training pools are never consolidated while pods run; inference and
   * interactive pools consolidate when underutilized.
   * @default 'inference'
   */
  readonly purpose?: PoolPurpose;
  /**
   * Minimum number of nodes. Zero lets the pool scale to nothing when idle.
   * @default 0
   */
  readonly minNodes?: number;
  /**
   * Maximum number of nodes.
   * @default 2
   */
  readonly maxNodes?: number;
  /**
   * The most GPUs the pool may hold at once (Karpenter `limits["nvidia.com/gpu"]`).
   * @default - maxNodes × the largest GPU count among the instance types
   */
  readonly gpuLimit?: number;
  /**
   * AMI family of the nodes. Both ship the NVIDIA driver and container toolkit; Bottlerocket also
   * ships its own device plugin.
   * @default 'al2023'
   */
  readonly amiFamily?: AmiFamilyId;
  /**
   * AMI release: `'latest'` to float, or an explicit release (`v20260801` for AL2023, `v1.62.0` for
   * Bottlerocket). A floating AMI replaces nodes through drift when AWS publishes a new one.
   * @default - the release pinned in the catalogue (AL2023 v20260724, Bottlerocket v1.61.0)
   */
  readonly amiRelease?: string;
  /**
   * Extra node labels. Keys under aiready.dev/, karpenter.sh/ and kubernetes.io/ are reserved.
   * @default - none beyond the pool, purpose and GPU labels aiready sets
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Extra node taints, on top of `nvidia.com/gpu=true:NoSchedule`, which every GPU pool carries.
   * @default - only the GPU taint
   */
  readonly taints?: readonly Taint[];
}

/** A validated pool with every default resolved. Every layer consumes this, never the raw spec. */
export interface GpuPool {
  readonly name: string;
  readonly instanceTypes: readonly GpuInstanceType[];
  /** The distinct GPU models of the instance types, in catalogue order. */
  readonly gpuModels: readonly GpuModel[];
  readonly architecture: Architecture;
  readonly provisioner: PoolProvisioner;
  readonly capacityType: CapacityType;
  readonly purpose: PoolPurpose;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly gpuLimit: number;
  /** GPUs on the largest instance type of the pool. */
  readonly maxGpusPerNode: number;
  /** GPUs on the smallest instance type of the pool. */
  readonly minGpusPerNode: number;
  readonly amiFamily: AmiFamily;
  /** Karpenter AMI alias (`al2023@v20260724`). */
  readonly amiAlias: string;
  /** True when the AMI floats to the newest release. */
  readonly amiFloating: boolean;
  /** Every label the pool's nodes carry, sorted by key. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** Every taint the pool's nodes carry; the GPU taint first. */
  readonly taints: readonly Taint[];
  /** Soft issues found while normalising. */
  readonly warnings: readonly ValidationWarning[];
}

const RESERVED_LABEL_DOMAINS = [AIREADY_PREFIX, 'karpenter.sh', 'karpenter.k8s.aws', 'kubernetes.io', 'k8s.io'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const AMI_RELEASE_FORMAT: Record<AmiFamilyId, { pattern: RegExp; example: string }> = {
  al2023: { pattern: /^v\d{8}$/, example: 'v20260724' },
  bottlerocket: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v1.61.0' },
};

function isReservedLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return RESERVED_LABEL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

function oneOf<T extends string>(
  problems: ProblemCollector,
  path: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    problems.add({ path, value, problem: 'not a known value', fix: `use one of ${allowed.map((a) => `'${a}'`).join(', ')}` });
    return fallback;
  }
  return value;
}

function wholeNumber(problems: ProblemCollector, path: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    problems.add({ path, value, problem: `must be a whole number of at least ${min}`, fix: `set a whole number >= ${min}` });
    return fallback;
  }
  return value;
}

/**
 * Validates one pool spec and resolves its defaults. Collects every problem into `problems` (so a
 * platform reports all bad pools at once) and returns undefined when the spec is invalid.
 */
export function checkGpuPool(spec: GpuPoolSpec, path: string, problems: ProblemCollector): GpuPool | undefined {
  const before = problems.problems.length;
  const warnings: ValidationWarning[] = [];

  if (typeof spec.name !== 'string' || !isDnsLabel(spec.name, 40)) {
    problems.add({
      path: `${path}.name`,
      value: spec.name,
      problem:
        'a pool name must be a DNS label of at most 40 characters (it prefixes node pool, node class and node group names)',
      fix: "use lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. 'h100-training'",
    });
  }

  const types: GpuInstanceType[] = [];
  const instanceTypes = Array.isArray(spec.instanceTypes) ? spec.instanceTypes : [];
  if (instanceTypes.length === 0) {
    problems.add({
      path: `${path}.instanceTypes`,
      value: spec.instanceTypes,
      problem: 'a pool needs at least one instance type',
      fix: "list catalogued GPU instance types, e.g. ['g6e.xlarge']",
    });
  }
  const seenTypes = new Set<string>();
  instanceTypes.forEach((name, i) => {
    const where = `${path}.instanceTypes[${i}]`;
    if (seenTypes.has(name)) {
      problems.add({ path: where, value: name, problem: 'listed twice', fix: 'list each instance type once' });
      return;
    }
    seenTypes.add(name);
    const found = findInstanceType(name);
    if (!found) {
      problems.add({
        path: where,
        value: name,
        problem: 'not a GPU instance type in the aiready catalogue',
        fix: `did you mean ${nearest(String(name), GPU_INSTANCE_TYPE_NAMES).join(', ')}?`,
      });
      return;
    }
    types.push(found);
  });

  const architectures = [...new Set(types.map((t) => t.architecture))];
  if (architectures.length > 1) {
    problems.add({
      path: `${path}.instanceTypes`,
      value: spec.instanceTypes,
      problem: `mixes CPU architectures (${architectures.join(', ')}); one AMI cannot serve them`,
      fix: 'split the pool into one pool per architecture',
    });
  }

  const provisioner = oneOf(problems, `${path}.provisioner`, spec.provisioner, POOL_PROVISIONERS, 'karpenter');
  const capacityType = oneOf(problems, `${path}.capacityType`, spec.capacityType, CAPACITY_TYPES, 'on-demand');
  const purpose = oneOf(problems, `${path}.purpose`, spec.purpose, POOL_PURPOSES, 'inference');
  const amiFamilyId = oneOf(problems, `${path}.amiFamily`, spec.amiFamily, AMI_FAMILY_IDS, 'al2023');
  const amiFamily = AMI_FAMILIES[amiFamilyId];
  const minNodes = wholeNumber(problems, `${path}.minNodes`, spec.minNodes, 0, 0);
  const maxNodes = wholeNumber(problems, `${path}.maxNodes`, spec.maxNodes, 1, 2);
  if (minNodes > maxNodes) {
    problems.add({
      path: `${path}.minNodes`,
      value: minNodes,
      problem: `is greater than maxNodes (${maxNodes})`,
      fix: `set minNodes <= maxNodes, e.g. minNodes: 0, maxNodes: ${Math.max(minNodes, 1)}`,
    });
  }

  const gpuCounts = types.map((t) => t.gpuCount);
  const maxGpusPerNode = gpuCounts.length ? Math.max(...gpuCounts) : 0;
  const minGpusPerNode = gpuCounts.length ? Math.min(...gpuCounts) : 0;
  const gpuLimit = wholeNumber(problems, `${path}.gpuLimit`, spec.gpuLimit, 1, maxNodes * maxGpusPerNode);
  if (spec.gpuLimit !== undefined && types.length > 0 && gpuLimit < maxGpusPerNode) {
    const largest = types.find((t) => t.gpuCount === maxGpusPerNode)!;
    problems.add({
      path: `${path}.gpuLimit`,
      value: spec.gpuLimit,
      problem: `is below the ${maxGpusPerNode} GPUs of one ${largest.name} node, so that type could never launch`,
      fix: `set gpuLimit to at least ${maxGpusPerNode}, or drop the larger instance types`,
    });
  }

  let amiAlias = amiFamily.pinnedAlias;
  let amiFloating = false;
  if (spec.amiRelease !== undefined) {
    const format = AMI_RELEASE_FORMAT[amiFamilyId];
    if (spec.amiRelease === 'latest') {
      amiAlias = `${amiFamily.aliasName}@latest`;
      amiFloating = true;
      if (purpose === 'training') {
        warnings.push({
          path: `${path}.amiRelease`,
          message: 'a floating AMI on a training pool replaces nodes through drift whenever AWS publishes an AMI; pin a release',
        });
      }
    } else if (!format.pattern.test(spec.amiRelease)) {
      problems.add({
        path: `${path}.amiRelease`,
        value: spec.amiRelease,
        problem: `not a ${amiFamily.displayName} release`,
        fix: `use 'latest' or a release such as '${format.example}'`,
      });
    } else {
      amiAlias = `${amiFamily.aliasName}@${spec.amiRelease}`;
    }
  }

  const userLabels = spec.labels ?? {};
  for (const [key, value] of Object.entries(userLabels)) {
    const where = `${path}.labels["${key}"]`;
    if (!isLabelKey(key)) {
      problems.add({
        path: where,
        value: key,
        problem: 'not a valid Kubernetes label key',
        fix: "use an optional DNS-subdomain prefix and a name of at most 63 alphanumerics, '-', '_' or '.', e.g. 'team.example.com/tier'",
      });
    } else if (isReservedLabel(key)) {
      problems.add({
        path: where,
        value: key,
        problem: 'uses a reserved domain (aiready.dev, karpenter.sh, karpenter.k8s.aws, kubernetes.io, k8s.io)',
        fix: 'use your own domain as the prefix, e.g. example.com/tier',
      });
    }
    if (typeof value !== 'string' || !isLabelValue(value)) {
      problems.add({
        path: where,
        value,
        problem: 'not a valid Kubernetes label value',
        fix: "use at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
      });
    }
  }

  const extraTaints = spec.taints ?? [];
  extraTaints.forEach((t, i) => {
    const where = `${path}.taints[${i}]`;
    if (!t || typeof t.key !== 'string' || !isLabelKey(t.key)) {
      problems.add({
        path: `${where}.key`,
        value: t?.key,
        problem: 'not a valid taint key',
        fix: 'use a label-key-shaped key, e.g. example.com/dedicated',
      });
    }
    if (t?.value !== undefined && !isLabelValue(t.value)) {
      problems.add({
        path: `${where}.value`,
        value: t.value,
        problem: 'not a valid taint value',
        fix: 'use a label-value-shaped string',
      });
    }
    if (!TAINT_EFFECTS.includes(t?.effect)) {
      problems.add({
        path: `${where}.effect`,
        value: t?.effect,
        problem: 'not a taint effect',
        fix: `use one of ${TAINT_EFFECTS.join(', ')}`,
      });
    }
    if (t?.key === GPU_TAINT.key) {
      problems.add({
        path: `${where}.key`,
        value: t.key,
        problem: 'the GPU taint is set on every GPU pool already',
        fix: 'remove it from taints',
      });
    }
  });

  if (problems.problems.length > before) return undefined;

  const gpuModels = Object.values(GPU_MODELS).filter((m) => types.some((t) => t.gpuModel === m.id));
  const nodeLabels = sortKeys({
    ...userLabels,
    ...amiFamily.operatorNodeLabels,
    [POOL_LABEL]: spec.name,
    [PURPOSE_LABEL]: purpose,
    [NVIDIA_GPU_PRESENT_LABEL]: 'true',
  });

  return {
    name: spec.name,
    instanceTypes: types,
    gpuModels,
    architecture: types[0].architecture,
    provisioner,
    capacityType,
    purpose,
    minNodes,
    maxNodes,
    gpuLimit,
    maxGpusPerNode,
    minGpusPerNode,
    amiFamily,
    amiAlias,
    amiFloating,
    nodeLabels,
    taints: [GPU_TAINT, ...extraTaints],
    warnings,
  };
}

/** Validates one pool spec and resolves its defaults; throws `AireadyValidationError` listing every problem. */
export function normalizeGpuPool(spec: GpuPoolSpec, scope = `GpuPoolSpec '${String(spec?.name)}'`): GpuPool {
  const problems = new ProblemCollector(scope);
  const pool = checkGpuPool(spec, 'spec', problems);
  problems.throwIfAny();
  return pool!;
}

/**
 * Validates a platform's pool specs together: each spec, plus rules across pools (unique names).
 * Throws one `AireadyValidationError` listing every problem of every pool.
 */
export function normalizeGpuPools(specs: readonly GpuPoolSpec[], scope = 'pools'): GpuPool[] {
  const problems = new ProblemCollector(scope);
  const seen = new Map<string, number>();
  const pools: GpuPool[] = [];
  specs.forEach((spec, i) => {
    const first = seen.get(spec?.name);
    if (first !== undefined) {
      problems.add({
        path: `pools[${i}].name`,
        value: spec.name,
        problem: `the same name as pools[${first}]`,
        fix: 'give every pool a unique name',
      });
    } else {
      seen.set(spec?.name, i);
    }
    const pool = checkGpuPool(spec, `pools[${i}]`, problems);
    if (pool) pools.push(pool);
  });
  problems.throwIfAny();
  return pools;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
