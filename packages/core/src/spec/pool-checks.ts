// Field checks of a GPU pool spec, each recording problems with the field, the value and the fix.
import { AmiFamily, AmiFamilyId } from '../catalogue/ami-families';
import { GPU_MODELS } from '../catalogue/gpu-models';
import {
  findInstanceType,
  findInstanceTypes,
  GPU_INSTANCE_TYPE_NAMES,
  GpuInstanceType,
  InstanceQuery,
  UNSUPPORTED_FAMILIES,
} from '../catalogue/instance-types';
import { ProblemCollector, ValidationWarning } from '../errors';
import { AIREADY_PREFIX, GPU_TAINT, Taint } from '../labels';
import { isLabelKey, isLabelValue } from '../util/kubernetes-names';
import { nearest } from '../util/suggest';
import { CapacityReservationSpec, CapacityType, DisruptionBudget } from './gpu-pool-types';

const RESERVED_LABEL_DOMAINS = [AIREADY_PREFIX, 'karpenter.sh', 'karpenter.k8s.aws', 'kubernetes.io', 'k8s.io'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const AMI_RELEASE_FORMAT: Record<AmiFamilyId, { pattern: RegExp; example: string }> = {
  al2023: { pattern: /^v\d{8}$/, example: 'v20260724' },
  bottlerocket: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v1.61.0' },
};
const QUERY_KEYS = ['gpuModels', 'minGpus', 'maxGpus', 'minGpuMemoryGB', 'efa', 'architecture'];

export function oneOf<T extends string>(
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

export function wholeNumber(
  problems: ProblemCollector,
  path: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    problems.add({ path, value, problem: `must be a whole number ${range}`, fix: `set a whole number ${range}` });
    return fallback;
  }
  return value;
}

/** Resolves `instanceTypes` or `instanceSelector` to catalogue entries. */
export function checkInstanceTypes(
  spec: { instanceTypes?: readonly string[]; instanceSelector?: InstanceQuery },
  path: string,
  problems: ProblemCollector,
): GpuInstanceType[] {
  if (spec.instanceTypes !== undefined && spec.instanceSelector !== undefined) {
    problems.add({
      path: `${path}.instanceSelector`,
      value: spec.instanceSelector,
      problem: 'given together with instanceTypes',
      fix: 'give either instanceTypes or instanceSelector',
    });
    return [];
  }
  if (spec.instanceSelector !== undefined) {
    const q = spec.instanceSelector;
    const unknown = Object.keys(q ?? {}).filter((k) => !QUERY_KEYS.includes(k));
    if (!q || typeof q !== 'object' || unknown.length) {
      problems.add({
        path: `${path}.instanceSelector`,
        value: q,
        problem: `unknown criteria ${unknown.join(', ')}`,
        fix: `use ${QUERY_KEYS.join(', ')}`,
      });
      return [];
    }
    // A misspelt GPU model empties the query; name it, with the nearest catalogued model.
    const models = Object.keys(GPU_MODELS);
    const unknownModels = (q.gpuModels ?? []).flatMap((m, i) => (models.includes(m) ? [] : [{ m, i }]));
    for (const { m, i } of unknownModels) {
      problems.add({
        path: `${path}.instanceSelector.gpuModels[${i}]`,
        value: m,
        problem: 'not a GPU model in the catalogue',
        fix: `did you mean '${nearest(m, models, 1)[0]}'? (known: ${models.join(', ')})`,
      });
    }
    if (unknownModels.length) return [];
    const found = findInstanceTypes(q);
    if (found.length === 0) {
      problems.add({
        path: `${path}.instanceSelector`,
        value: q,
        problem: 'matches no instance type in the catalogue, so the pool could never launch a node',
        fix: 'loosen the criteria (GPU model, count, memory, EFA)',
      });
    }
    return found;
  }
  const names = Array.isArray(spec.instanceTypes) ? spec.instanceTypes : [];
  if (names.length === 0) {
    problems.add({
      path: `${path}.instanceTypes`,
      value: spec.instanceTypes,
      problem: 'a pool needs at least one instance type',
      fix: "list catalogued GPU instance types, e.g. ['g6e.xlarge'], or give an instanceSelector",
    });
  }
  const types: GpuInstanceType[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const where = `${path}.instanceTypes[${i}]`;
    if (seen.has(name)) {
      problems.add({ path: where, value: name, problem: 'listed twice', fix: 'list each instance type once' });
      return;
    }
    seen.add(name);
    const found = findInstanceType(name);
    const unsupported = UNSUPPORTED_FAMILIES[String(name).split('.')[0]];
    if (!found && unsupported) {
      problems.add({
        path: where,
        value: name,
        problem: unsupported,
        fix: 'use an NVIDIA GPU instance type, e.g. g6.xlarge or p5.48xlarge',
      });
      return;
    }
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
  return types;
}

/** A `reserved` pool needs reservations; other pools must not carry any (it would be silently dropped). */
export function checkCapacityReservation(
  capacityType: CapacityType,
  reservation: CapacityReservationSpec | undefined,
  path: string,
  problems: ProblemCollector,
): void {
  if (capacityType !== 'reserved') {
    if (reservation !== undefined) {
      const block = reservation.capacityBlock ? 'a Capacity Block' : 'capacity reservations';
      problems.add({
        path: `${path}.capacityReservation`,
        value: reservation,
        problem: `${block} given to a ${capacityType} pool, which would never use it`,
        fix: "set capacityType: 'reserved', or remove capacityReservation",
      });
    }
    return;
  }
  const ids = reservation?.ids ?? [];
  const tags = reservation?.tags ?? {};
  if (!reservation || (ids.length === 0 && Object.keys(tags).length === 0)) {
    problems.add({
      path: `${path}.capacityReservation`,
      value: reservation,
      problem: 'a reserved pool needs reservations to launch into',
      fix: "give capacityReservation: { ids: ['cr-0123456789abcdef0'] } or { tags: { ... } }",
    });
    return;
  }
  ids.forEach((id, i) => {
    if (!/^cr-[0-9a-f]{8,17}$/.test(id)) {
      problems.add({
        path: `${path}.capacityReservation.ids[${i}]`,
        value: id,
        problem: 'not a capacity reservation id',
        fix: "use the id EC2 shows, e.g. 'cr-0123456789abcdef0'",
      });
    }
  });
}

/** EFA: every instance type has it, with the same number of interfaces, and the pool sits in one zone. */
export function checkEfa(
  efa: boolean,
  types: readonly GpuInstanceType[],
  zones: readonly string[],
  path: string,
  problems: ProblemCollector,
): number {
  if (!efa || types.length === 0) return 0;
  const without = types.filter((t) => t.efaInterfaces === 0).map((t) => t.name);
  if (without.length) {
    problems.add({
      path: `${path}.efa`,
      value: true,
      problem: `${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no EFA`,
      fix: 'use EFA instance types (p4d, p5, p5en, p6, g6e.8xlarge and larger...) or set efa: false',
    });
    return 0;
  }
  const counts = [...new Set(types.map((t) => t.efaInterfaces))];
  if (counts.length > 1) {
    problems.add({
      path: `${path}.instanceTypes`,
      value: types.map((t) => `${t.name} (${t.efaInterfaces} EFA)`),
      problem: 'EFA instance types with different numbers of EFA interfaces cannot share one launch configuration',
      fix: 'split the pool by EFA interface count',
    });
    return 0;
  }
  if (zones.length !== 1) {
    problems.add({
      path: `${path}.zones`,
      value: zones,
      problem: 'EFA nodes must share one cluster placement group, which lives in a single availability zone',
      fix: "set zones to exactly one zone, e.g. zones: ['us-east-1a']",
    });
    return 0;
  }
  return counts[0];
}

export function checkAmiRelease(
  family: AmiFamily,
  release: string | undefined,
  training: boolean,
  path: string,
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): { alias: string; floating: boolean } {
  if (release === undefined) return { alias: family.pinnedAlias, floating: false };
  if (release === 'latest') {
    if (training) {
      warnings.push({
        path: `${path}.amiRelease`,
        message: 'a floating AMI on a training pool replaces nodes through drift whenever AWS publishes an AMI; pin a release',
      });
    }
    return { alias: `${family.aliasName}@latest`, floating: true };
  }
  const format = AMI_RELEASE_FORMAT[family.id];
  if (!format.pattern.test(release)) {
    problems.add({
      path: `${path}.amiRelease`,
      value: release,
      problem: `not a ${family.displayName} release`,
      fix: `use 'latest' or a release such as '${format.example}'`,
    });
  }
  return { alias: `${family.aliasName}@${release}`, floating: false };
}

function isReservedLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return RESERVED_LABEL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function checkLabels(
  labels: Readonly<Record<string, string>>,
  path: string,
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): void {
  for (const [key, value] of Object.entries(labels)) {
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
    } else if (key.startsWith('nvidia.com/')) {
      warnings.push({
        path: where,
        message:
          'nvidia.com/ labels belong to GPU feature discovery, which rewrites them after boot; workloads should select on aiready.dev/pool or karpenter.k8s.aws/instance-gpu-name',
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
}

export function checkTaints(taints: readonly Taint[], path: string, problems: ProblemCollector): void {
  taints.forEach((t, i) => {
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
}

const REASONS = ['Underutilized', 'Empty', 'Drifted'];
const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
const DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;

/** Karpenter disruption budgets: valid fields, schedule with duration; a permanent freeze is a warning unless opted into. */
export function checkBudgets(
  budgets: readonly DisruptionBudget[] | undefined,
  allowNoDisruption: boolean,
  path: string,
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): readonly DisruptionBudget[] {
  if (budgets === undefined) return [{ nodes: '10%' }];
  budgets.forEach((b, i) => {
    const where = `${path}.disruptionBudgets[${i}]`;
    if (typeof b?.nodes !== 'string' || !BUDGET_NODES.test(b.nodes)) {
      problems.add({
        path: `${where}.nodes`,
        value: b?.nodes,
        problem: 'not a node count or percentage',
        fix: "use e.g. '1' or '10%'",
      });
    }
    (b?.reasons ?? []).forEach((r, j) => {
      if (!REASONS.includes(r))
        problems.add({
          path: `${where}.reasons[${j}]`,
          value: r,
          problem: 'not a disruption reason',
          fix: `use ${REASONS.join(', ')}`,
        });
    });
    if ((b?.schedule === undefined) !== (b?.duration === undefined)) {
      problems.add({
        path: where,
        value: b,
        problem: 'schedule and duration go together',
        fix: "give both, e.g. schedule: '0 22 * * *', duration: '8h'",
      });
    }
    if (b?.schedule !== undefined && b.schedule.trim().split(/\s+/).length !== 5) {
      problems.add({
        path: `${where}.schedule`,
        value: b.schedule,
        problem: 'not a 5-field cron schedule',
        fix: "use e.g. '0 22 * * mon-fri'",
      });
    }
    if (b?.duration !== undefined && !DURATION.test(b.duration)) {
      problems.add({
        path: `${where}.duration`,
        value: b.duration,
        problem: 'not a duration in hours and minutes',
        fix: "use e.g. '8h' or '1h30m'",
      });
    }
  });
  const freezesForever = budgets.length > 0 && budgets.some((b) => b.nodes === '0' && !b.schedule && !b.reasons?.length);
  if (freezesForever && !allowNoDisruption) {
    warnings.push({
      path: `${path}.disruptionBudgets`,
      message:
        "a '0' budget for every reason, always, blocks every disruption: the pool never frees idle GPUs or takes new AMIs; limit it to some reasons or a schedule, or set allowNoDisruption: true to say it is meant",
    });
  }
  return budgets;
}
