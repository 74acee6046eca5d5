// Normalisation of GPU pool specs: validate every field, report all problems at once, resolve defaults.
import { AMI_FAMILIES, AMI_FAMILY_IDS } from '../catalogue/ami-families';
import { GPU_MODELS } from '../catalogue/gpu-models';
import { AireadyValidationError, ProblemCollector, ValidationProblem, ValidationWarning } from '../errors';
import { POOL_FIELDS } from '../platform/platform-schema';
import { checkShape, S, unserializableName } from './schema';
import {
  DEVICE_PLUGIN_CONFIG_LABEL,
  GPU_TAINT,
  MIG_CONFIG_LABEL,
  MIG_DISABLED_LAYOUT,
  NVIDIA_GPU_PRESENT_LABEL,
  POOL_LABEL,
  PURPOSE_LABEL,
} from '../labels';
import { isDnsLabel } from '../util/kubernetes-names';
import { checkSharing, PLAUSIBLE_TIME_SLICES, PoolSharing } from './gpu-sharing';
import { CAPACITY_TYPES, GpuPool, GpuPoolSpec, POOL_PROVISIONERS, POOL_PURPOSES } from './gpu-pool-types';
import {
  checkAmiRelease,
  checkBudgets,
  checkCapacityReservation,
  checkEfa,
  checkInstanceTypes,
  checkLabels,
  checkTaints,
  oneOf,
  wholeNumber,
} from './pool-checks';

/** The node labels that select a pool's sharing config and MIG layout. */
function sharingLabels(
  poolName: string,
  sharing: PoolSharing,
  migCapable: boolean,
  operatorDevicePlugin: boolean,
): Record<string, string> {
  const labels: Record<string, string> = {};
  // Only the operator's device plugin reads the config map; Bottlerocket's is set through user data.
  if (sharing.mode !== 'none' && operatorDevicePlugin) labels[DEVICE_PLUGIN_CONFIG_LABEL] = poolName;
  // MIG-capable GPUs are put in a known state either way, so a layout left from another use is undone.
  if (sharing.mode === 'mig') labels[MIG_CONFIG_LABEL] = sharing.migLayout!.name;
  else if (migCapable) labels[MIG_CONFIG_LABEL] = MIG_DISABLED_LAYOUT;
  return labels;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const POOL_SCHEMA = S.object('GPU pool', POOL_FIELDS);
/** Nodes per pool past which the account's GPU instance quota is unlikely to hold them (a warning). */
export const PLAUSIBLE_MAX_NODES = 500;
/** GPUs per pool past which the same holds. */
export const PLAUSIBLE_MAX_GPUS = 4096;

/**
 * Validates one pool spec and resolves its defaults. Collects every problem into `problems` (so a
 * platform reports all bad pools at once) and returns undefined when the spec is invalid.
 */
export function checkGpuPool(spec: GpuPoolSpec, path: string, problems: ProblemCollector): GpuPool | undefined {
  const before = problems.problems.length;
  const warnings: ValidationWarning[] = [];

  if (typeof spec?.name !== 'string' || !isDnsLabel(spec.name, 40)) {
    problems.add({
      path: `${path}.name`,
      value: spec?.name,
      problem:
        'a pool name must be a DNS label of at most 40 characters (it prefixes node pool, node class and node group names)',
      fix: "use lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. 'h100-training'",
    });
  }
  const unserializable = unserializableName(`${path}.name`, spec?.name);
  if (unserializable) problems.add(unserializable);
  const types = checkInstanceTypes(spec ?? {}, path, problems);
  const architectures = [...new Set(types.map((t) => t.architecture))];
  if (architectures.length > 1) {
    problems.add({
      path: `${path}.instanceTypes`,
      value: types.map((t) => t.name),
      problem: `mixes CPU architectures (${architectures.join(', ')}); one AMI cannot serve them`,
      fix: 'split the pool into one pool per architecture',
    });
  }
  const provisioner = oneOf(problems, `${path}.provisioner`, spec.provisioner, POOL_PROVISIONERS, 'karpenter');
  const capacityType = oneOf(problems, `${path}.capacityType`, spec.capacityType, CAPACITY_TYPES, 'on-demand');
  checkCapacityReservation(capacityType, spec.capacityReservation, path, problems);
  if (capacityType === 'reserved' && provisioner === 'managed-node-group' && (spec.capacityReservation?.ids ?? []).length !== 1) {
    problems.add({
      path: `${path}.capacityReservation.ids`,
      value: spec.capacityReservation?.ids,
      problem: 'a managed node group launches into exactly one reservation, named by id',
      fix: "give one id, e.g. ids: ['cr-0123456789abcdef0'], or let Karpenter provision the pool",
    });
  }
  const purpose = oneOf(problems, `${path}.purpose`, spec.purpose, POOL_PURPOSES, 'inference');
  const amiFamily = AMI_FAMILIES[oneOf(problems, `${path}.amiFamily`, spec.amiFamily, AMI_FAMILY_IDS, 'al2023')];
  const minNodes = wholeNumber(problems, `${path}.minNodes`, spec.minNodes, 0, Infinity, 0);
  const maxNodes = wholeNumber(problems, `${path}.maxNodes`, spec.maxNodes, 1, Infinity, 2);
  if (minNodes > maxNodes) {
    problems.add({
      path: `${path}.minNodes`,
      value: minNodes,
      problem: `is greater than maxNodes (${maxNodes})`,
      fix: `set minNodes <= maxNodes, e.g. minNodes: 0, maxNodes: ${Math.max(minNodes, 1)}`,
    });
  }
  if (minNodes > 0 && provisioner === 'karpenter') {
    warnings.push({
      path: `${path}.minNodes`,
      message: 'Karpenter keeps no minimum: nodes exist only while pods need them; minNodes applies to managed node groups',
    });
  }

  const gpuCounts = types.map((t) => t.gpuCount);
  const maxGpusPerNode = gpuCounts.length ? Math.max(...gpuCounts) : 0;
  const minGpusPerNode = gpuCounts.length ? Math.min(...gpuCounts) : 0;
  const gpuLimit = wholeNumber(problems, `${path}.gpuLimit`, spec.gpuLimit, 1, Infinity, maxNodes * maxGpusPerNode);
  if (spec.gpuLimit !== undefined && types.length > 0 && gpuLimit < maxGpusPerNode) {
    const largest = types.find((t) => t.gpuCount === maxGpusPerNode)!;
    problems.add({
      path: `${path}.gpuLimit`,
      value: spec.gpuLimit,
      problem: `is below the ${maxGpusPerNode} GPUs of one ${largest.name} node, so that type could never launch`,
      fix: `set gpuLimit to at least ${maxGpusPerNode}, or drop the larger instance types`,
    });
  }

  const zones = Array.isArray(spec.zones) ? spec.zones : [];
  zones.forEach((z, i) => {
    if (!/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(z)) {
      problems.add({
        path: `${path}.zones[${i}]`,
        value: z,
        problem: 'not an availability zone name',
        fix: "use e.g. 'us-east-1a'",
      });
    }
  });
  const gpuModels = Object.values(GPU_MODELS).filter((m) => types.some((t) => t.gpuModel === m.id));
  const sharing = checkSharing(spec.sharing, { poolName: spec.name, gpuModels, amiFamily, path: `${path}.sharing` }, problems);
  // EFA carries NCCL between whole GPUs. A pod on a MIG slice or a share cannot use it (aiready's
  // workloads refuse EFA there), so pools that share their GPUs get none unless asked, and a warning then.
  const shares = sharing !== undefined && sharing.mode !== 'none';
  const efaDefault =
    !shares && purpose === 'training' && types.length > 0 && types.every((t) => t.family.startsWith('p') && t.efaInterfaces > 0);
  const efaInterfaces = checkEfa(spec.efa ?? efaDefault, types, zones, path, problems);
  if (shares && efaInterfaces > 0) {
    warnings.push({
      path: `${path}.efa`,
      message: `the pool shares its GPUs (${sharing.mode}), and EFA devices are not shared: a pod on a slice or share that requests one takes it from every other pod on the node, and aiready's workloads request none there, so its ${efaInterfaces} EFA devices per node are paid for and idle`,
    });
  }
  const slices = sharing?.mode === 'time-slicing' ? (sharing.replicas ?? 0) : 0;
  if (slices > PLAUSIBLE_TIME_SLICES) {
    warnings.push({
      path: `${path}.sharing.replicas`,
      message: `${slices} time-slices per GPU give each pod under ${+(100 / slices).toFixed(1)}% of its time and an unisolated share of its memory; more than ${PLAUSIBLE_TIME_SLICES} is rarely what you want`,
    });
  }
  // Plausibility, not a limit: most accounts' GPU instance quotas hold far fewer nodes.
  if (maxNodes > PLAUSIBLE_MAX_NODES || gpuLimit > PLAUSIBLE_MAX_GPUS) {
    warnings.push({
      path: `${path}.${maxNodes > PLAUSIBLE_MAX_NODES ? 'maxNodes' : 'gpuLimit'}`,
      message: `${maxNodes} nodes (${gpuLimit} GPUs) is more than an AWS account's GPU instance quota plausibly holds (the default is far lower); check the quota (Service Quotas, 'Running On-Demand P/G instances') before relying on it`,
    });
  }
  const ami = checkAmiRelease(amiFamily, spec.amiRelease, purpose === 'training', path, problems, warnings);
  const imageVolumeGiB = wholeNumber(problems, `${path}.imageVolumeGiB`, spec.imageVolumeGiB, 50, 16384, 200);
  const volumeThroughputMiBps = wholeNumber(
    problems,
    `${path}.volumeThroughputMiBps`,
    spec.volumeThroughputMiBps,
    125,
    1000,
    250,
  );
  const weight =
    spec.weight === undefined
      ? capacityType === 'reserved'
        ? 50
        : undefined
      : wholeNumber(problems, `${path}.weight`, spec.weight, 1, 100, 1);
  for (const [type, price] of Object.entries(spec.pricePerHour ?? {})) {
    if (!types.some((t) => t.name === type)) {
      problems.add({
        path: `${path}.pricePerHour["${type}"]`,
        value: type,
        problem: 'not an instance type of this pool',
        fix: `use one of ${types.map((t) => t.name).join(', ')}`,
      });
    }
    if (!(typeof price === 'number' && price > 0 && Number.isFinite(price))) {
      problems.add({
        path: `${path}.pricePerHour["${type}"]`,
        value: price,
        problem: 'not a price',
        fix: 'give US dollars per instance-hour, e.g. 40.5',
      });
    }
  }
  const pricedTypes = types.map((t) =>
    spec.pricePerHour?.[t.name] === undefined
      ? t
      : { ...t, onDemandPrice: { usdPerHour: spec.pricePerHour[t.name], region: 'user', asOf: 'user-provided' } },
  );
  const disruptionBudgets = checkBudgets(spec.disruptionBudgets, spec.allowNoDisruption ?? false, path, problems, warnings);
  const userLabels = spec.labels ?? {};
  checkLabels(userLabels, path, problems, warnings);
  const extraTaints = spec.taints ?? [];
  checkTaints(extraTaints, path, problems);

  if (problems.problems.length > before || !sharing) return undefined;

  const nodeLabels = sortKeys({
    ...userLabels,
    ...amiFamily.operatorNodeLabels,
    ...sharingLabels(
      spec.name,
      sharing,
      gpuModels.every((m) => m.mig !== undefined),
      !amiFamily.preinstalled.devicePlugin,
    ),
    [POOL_LABEL]: spec.name,
    [PURPOSE_LABEL]: purpose,
    [NVIDIA_GPU_PRESENT_LABEL]: 'true',
  });
  return {
    name: spec.name,
    instanceTypes: pricedTypes,
    gpuModels,
    architecture: types[0].architecture,
    provisioner,
    capacityType,
    ...(spec.capacityReservation ? { capacityReservation: spec.capacityReservation } : {}),
    purpose,
    minNodes,
    maxNodes,
    gpuLimit,
    maxGpusPerNode,
    minGpusPerNode,
    sharing,
    efaInterfaces,
    zones,
    amiFamily,
    amiAlias: ami.alias,
    amiFloating: ami.floating,
    imageVolumeGiB,
    volumeThroughputMiBps,
    ...(weight === undefined ? {} : { weight }),
    disruptionBudgets,
    nodeLabels,
    taints: [GPU_TAINT, ...extraTaints],
    warnings,
  };
}

/** Validates one pool spec and resolves its defaults; throws `AireadyValidationError` listing every problem. */
export function normalizeGpuPool(spec: GpuPoolSpec, scope = `GpuPoolSpec '${String(spec?.name)}'`): GpuPool {
  const problems = new ProblemCollector(scope);
  // Shape first (types at every depth), so the rules never meet a null or a string where a list belongs.
  const shape: ValidationProblem[] = [];
  if (!checkShape(POOL_SCHEMA, spec, 'spec', shape)) throw new AireadyValidationError(scope, shape);
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
  const shape: ValidationProblem[] = [];
  if (!checkShape(S.list(POOL_SCHEMA), specs, 'pools', shape)) throw new AireadyValidationError(scope, shape);
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
