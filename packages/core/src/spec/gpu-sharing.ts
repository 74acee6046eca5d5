// GPU sharing per pool: none, MIG, time-slicing or MPS. Plain data (it arrives from YAML stack
// config too), validated against the catalogue's MIG geometry, with factories for typed code.
import { AmiFamily } from '../catalogue/ami-families';
import { GpuModel, migProfile } from '../catalogue/gpu-models';
import { GpuInstanceType } from '../catalogue/instance-types';
import { ProblemCollector, show } from '../errors';
import { NVIDIA_GPU_RESOURCE } from '../labels';

/** How MIG devices are advertised: `single` as `nvidia.com/gpu`, `mixed` as `nvidia.com/mig-<profile>`. */
export type MigStrategy = 'single' | 'mixed';

/**
 * A MIG layout per GPU: `'all-balanced'` (NVIDIA's balanced set for the GPU), `'all-<profile>'` (as
 * many instances of one profile as fit, e.g. `'all-1g.10gb'`), or a custom map of profile → count.
 */
export type MigLayoutSpec = string | Readonly<Record<string, number>>;

/** GPU sharing of a pool. Exactly one mode per pool. */
export type GpuSharingSpec =
  | { readonly mode: 'none' }
  | {
      readonly mode: 'mig';
      /** The layout applied to every GPU of the pool's nodes. */
      readonly layout: MigLayoutSpec;
      /**
       * How MIG devices are advertised.
       * @default - 'single' when the layout uses one profile, else 'mixed'
       */
      readonly strategy?: MigStrategy;
    }
  | {
      /**
       * Time-slicing: each GPU is advertised `replicas` times and pods take turns on it. There is NO
       * memory or fault isolation between them: one pod can exhaust the GPU's memory or crash the
       * others' contexts. Use MIG where isolation matters.
       */
      readonly mode: 'time-slicing';
      /** Pods per GPU, at least 2. */
      readonly replicas: number;
      /**
       * Advertise the shared GPUs as `nvidia.com/gpu.shared`, so a pod that asks for `nvidia.com/gpu`
       * never receives a slice by surprise.
       * @default true
       */
      readonly renameByDefault?: boolean;
    }
  | {
      /**
       * MPS: each GPU is split into `replicas` equal parts of memory and compute by the MPS daemon.
       * Memory is capped per client but there is no fault isolation: an error in one client can
       * affect the others. Full GPUs only (not on MIG devices).
       */
      readonly mode: 'mps';
      /** Clients per GPU, at least 2. */
      readonly replicas: number;
      /**
       * Advertise the shared GPUs as `nvidia.com/gpu.shared`.
       * @default true
       */
      readonly renameByDefault?: boolean;
    };

/** Factories for {@link GpuSharingSpec}, for typed code. */
export const Sharing = {
  /** Whole GPUs, no sharing. */
  none: (): GpuSharingSpec => ({ mode: 'none' }),
  /** MIG partitions with `layout`, advertised with `strategy`. */
  mig: (layout: MigLayoutSpec, strategy?: MigStrategy): GpuSharingSpec => ({
    mode: 'mig',
    layout,
    ...(strategy ? { strategy } : {}),
  }),
  /** Time-slicing: each GPU advertised `replicas` times. */
  timeSlicing: (replicas: number, renameByDefault = true): GpuSharingSpec => ({
    mode: 'time-slicing',
    replicas,
    renameByDefault,
  }),
  /** MPS: each GPU shared by `replicas` clients through the MPS control daemon. */
  mps: (replicas: number, renameByDefault = true): GpuSharingSpec => ({ mode: 'mps', replicas, renameByDefault }),
} as const;

/** A validated MIG layout. */
export interface MigLayout {
  /** Name of the layout in the mig-parted config and the `nvidia.com/mig.config` node label. */
  readonly name: string;
  /** Profile → instances, per GPU. */
  readonly perGpu: Readonly<Record<string, number>>;
}

/** A pool's validated sharing. */
export interface PoolSharing {
  readonly mode: 'none' | 'mig' | 'time-slicing' | 'mps';
  readonly migStrategy?: MigStrategy;
  readonly migLayout?: MigLayout;
  readonly replicas?: number;
  readonly renameByDefault?: boolean;
}

const NO_SHARING: PoolSharing = { mode: 'none' };
/** Client CUDA contexts one MPS server serves per GPU. */
export const MAX_MPS_CLIENTS = 48;
/** Time-slicing replicas per GPU past which each pod's share is implausibly small (a warning). */
export const PLAUSIBLE_TIME_SLICES = 48;
const MODES = ['none', 'mig', 'time-slicing', 'mps'];
const KEYS: Record<string, readonly string[]> = {
  none: ['mode'],
  mig: ['mode', 'layout', 'strategy'],
  'time-slicing': ['mode', 'replicas', 'renameByDefault'],
  mps: ['mode', 'replicas', 'renameByDefault'],
};

function labelSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '-');
}

function resolveLayout(
  layout: MigLayoutSpec,
  model: GpuModel,
  poolName: string,
  path: string,
  problems: ProblemCollector,
): MigLayout | undefined {
  const mig = model.mig!;
  const profiles = mig.profiles.map((p) => p.name);
  if (layout === 'all-balanced') return { name: `aiready-${model.id}-balanced`, perGpu: { ...mig.balanced } };
  if (typeof layout === 'string') {
    const profile = layout.startsWith('all-') ? migProfile(model, layout.slice(4)) : undefined;
    if (!profile) {
      problems.add({
        path,
        value: layout,
        problem: `not a MIG layout of the ${model.displayName}`,
        fix: `use 'all-balanced', one of ${profiles.map((p) => `'all-${p}'`).join(', ')}, or a map of profile to count`,
      });
      return undefined;
    }
    return { name: labelSafe(`aiready-${model.id}-all-${profile.name}`), perGpu: { [profile.name]: profile.maxInstances } };
  }
  if (typeof layout !== 'object' || layout === null || Object.keys(layout).length === 0) {
    problems.add({ path, value: layout, problem: 'an empty MIG layout', fix: "use e.g. { '1g.10gb': 7 } or 'all-balanced'" });
    return undefined;
  }
  const before = problems.problems.length;
  let compute = 0;
  let memory = 0;
  for (const [name, count] of Object.entries(layout)) {
    const profile = migProfile(model, name);
    if (!profile) {
      problems.add({
        path: `${path}["${name}"]`,
        value: name,
        problem: `not a MIG profile of the ${model.displayName}`,
        fix: `use one of ${profiles.join(', ')}`,
      });
      continue;
    }
    if (!Number.isInteger(count) || count < 1 || count > profile.maxInstances) {
      problems.add({
        path: `${path}["${name}"]`,
        value: count,
        problem: `${name} fits 1 to ${profile.maxInstances} times on one GPU`,
        fix: `use a whole number from 1 to ${profile.maxInstances}`,
      });
      continue;
    }
    compute += profile.computeSlices * count;
    memory += profile.memorySlices * count;
  }
  if (problems.problems.length > before) return undefined;
  if (compute > mig.computeSlices || memory > mig.memorySlices) {
    problems.add({
      path,
      value: layout,
      problem: `needs ${compute} compute and ${memory} memory slices; the ${model.displayName} has ${mig.computeSlices} and ${mig.memorySlices}`,
      fix: 'remove instances, or use smaller profiles',
    });
    return undefined;
  }
  return { name: `aiready-${poolName}`, perGpu: { ...layout } };
}

/**
 * Validates a pool's sharing against its GPUs and AMI. Returns undefined (with problems recorded)
 * when invalid.
 */
export function checkSharing(
  spec: GpuSharingSpec | undefined,
  ctx: { poolName: string; gpuModels: readonly GpuModel[]; amiFamily: AmiFamily; path: string },
  problems: ProblemCollector,
): PoolSharing | undefined {
  if (spec === undefined) return NO_SHARING;
  const { path } = ctx;
  if (typeof spec !== 'object' || spec === null || !MODES.includes((spec as { mode: string }).mode)) {
    problems.add({
      path: `${path}.mode`,
      value: (spec as { mode?: unknown })?.mode,
      problem: 'not a sharing mode',
      fix: "use 'none', 'mig', 'time-slicing' or 'mps'",
    });
    return undefined;
  }
  const before = problems.problems.length;
  for (const key of Object.keys(spec)) {
    if (!KEYS[spec.mode].includes(key)) {
      const other = spec.mode === 'mig' ? 'time-slicing or MPS' : 'MIG';
      problems.add({
        path: `${path}.${key}`,
        value: (spec as unknown as Record<string, unknown>)[key],
        problem:
          key === 'replicas' || key === 'layout' || key === 'strategy'
            ? `${spec.mode} cannot be combined with ${other} on one pool`
            : `not a setting of ${spec.mode} sharing`,
        fix: `keep only ${KEYS[spec.mode].join(', ')}; one sharing mode per pool`,
      });
    }
  }
  if (problems.problems.length > before) return undefined;

  if (spec.mode === 'none') return NO_SHARING;
  if (spec.mode === 'time-slicing' || spec.mode === 'mps') {
    if (!Number.isInteger(spec.replicas) || spec.replicas < 2) {
      problems.add({
        path: `${path}.replicas`,
        value: spec.replicas,
        problem: 'sharing needs at least 2 replicas per GPU',
        fix: "set replicas >= 2, or use mode 'none' for whole GPUs",
      });
    }
    if (spec.mode === 'mps' && Number.isInteger(spec.replicas) && spec.replicas > MAX_MPS_CLIENTS) {
      problems.add({
        path: `${path}.replicas`,
        value: spec.replicas,
        problem: `MPS serves at most ${MAX_MPS_CLIENTS} clients per GPU; the clients past that would fail to start`,
        fix: `set replicas from 2 to ${MAX_MPS_CLIENTS}`,
      });
    }
    // Bottlerocket's own device plugin does time-slicing through its settings API (aiready writes the
    // settings into the node user data), but has no MPS setting.
    if (ctx.amiFamily.preinstalled.devicePlugin && spec.mode === 'mps') {
      problems.add({
        path: `${path}.mode`,
        value: spec.mode,
        problem: `${ctx.amiFamily.displayName} runs its own device plugin, which has no MPS setting`,
        fix: "use time-slicing on Bottlerocket, or amiFamily 'al2023' for MPS",
      });
    }
    if (problems.problems.length > before) return undefined;
    return { mode: spec.mode, replicas: spec.replicas, renameByDefault: spec.renameByDefault ?? true };
  }

  // MIG
  // No catalogued GPU (an instance type typo): its problem, with the nearest type, is reported already.
  if (ctx.gpuModels.length === 0) return undefined;
  const nonMig = ctx.gpuModels.filter((m) => !m.mig);
  if (nonMig.length) {
    problems.add({
      path: `${path}.mode`,
      value: 'mig',
      problem: `${nonMig.map((m) => m.displayName).join(', ')} cannot be partitioned with MIG`,
      fix: 'use time-slicing or MPS on these GPUs, or A100/H100/H200/B200/B300/RTX PRO 6000 instances for MIG',
    });
    return undefined;
  }
  if (ctx.gpuModels.length > 1) {
    problems.add({
      path: `${path}.layout`,
      value: ctx.gpuModels.map((m) => m.id),
      problem: 'a MIG pool mixes GPU models, whose MIG profiles differ',
      fix: 'use instance types of one GPU model in a MIG pool',
    });
    return undefined;
  }
  if (spec.strategy !== undefined && spec.strategy !== 'single' && spec.strategy !== 'mixed') {
    problems.add({
      path: `${path}.strategy`,
      value: spec.strategy,
      problem: 'not a MIG strategy',
      fix: "use 'single' or 'mixed'",
    });
    return undefined;
  }
  if (!ctx.amiFamily.migStrategies.length || ctx.amiFamily.operatorNodeLabels['nvidia.com/gpu.deploy.mig-manager'] === 'false') {
    problems.add({
      path: `${path}.mode`,
      value: 'mig',
      problem: `aiready configures MIG through the GPU operator's MIG manager, which does not run on ${ctx.amiFamily.displayName} nodes`,
      fix: "use amiFamily 'al2023' for MIG pools",
    });
    return undefined;
  }
  const layout = resolveLayout(spec.layout, ctx.gpuModels[0], ctx.poolName, `${path}.layout`, problems);
  if (!layout) return undefined;
  const uniform = Object.keys(layout.perGpu).length === 1;
  const strategy = spec.strategy ?? (uniform ? 'single' : 'mixed');
  if (strategy === 'single' && !uniform) {
    problems.add({
      path: `${path}.strategy`,
      value: strategy,
      problem: `the single strategy advertises every MIG device as nvidia.com/gpu, but the layout mixes ${show(Object.keys(layout.perGpu))}`,
      fix: "use strategy 'mixed', or a layout of one profile",
    });
    return undefined;
  }
  if (!ctx.amiFamily.migStrategies.includes(strategy)) {
    problems.add({
      path: `${path}.strategy`,
      value: strategy,
      problem: `${ctx.amiFamily.displayName} supports only the ${ctx.amiFamily.migStrategies.join(', ')} MIG strategy`,
      fix: "use strategy 'single' with a one-profile layout",
    });
    return undefined;
  }
  return { mode: 'mig', migStrategy: strategy, migLayout: layout };
}

/** What one node of `instanceType` advertises to the scheduler under `sharing`. */
export function schedulableResources(sharing: PoolSharing, instanceType: GpuInstanceType): Record<string, number> {
  const gpus = instanceType.gpuCount;
  switch (sharing.mode) {
    case 'none':
      return { [NVIDIA_GPU_RESOURCE]: gpus };
    case 'time-slicing':
    case 'mps':
      return { [sharing.renameByDefault ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE]: gpus * sharing.replicas! };
    case 'mig': {
      const perGpu = sharing.migLayout!.perGpu;
      if (sharing.migStrategy === 'single') {
        return { [NVIDIA_GPU_RESOURCE]: gpus * Object.values(perGpu).reduce((a, b) => a + b, 0) };
      }
      return Object.fromEntries(Object.entries(perGpu).map(([profile, n]) => [`nvidia.com/mig-${profile}`, gpus * n]));
    }
  }
}
