import { AireadyValidationError, GpuPool, NVIDIA_GPU_RESOURCE, schedulableResources } from '@aiready/core';

/**
 * A typed GPU request, checked against the sharing mode of the pool it targets, so a pod never asks
 * for a resource its pool does not advertise (and stays Pending forever).
 */
export class Gpu {
  /** `count` whole GPUs (`nvidia.com/gpu`), on a pool without sharing. */
  public static whole(count: number): Gpu {
    return new Gpu('whole', count);
  }

  /** `count` MIG slices of `profile` (`1g.10gb`), on a MIG pool whose layout has that profile. */
  public static mig(profile: string, count = 1): Gpu {
    return new Gpu('mig', count, profile);
  }

  /** `count` shares of a time-sliced or MPS GPU (no memory or fault isolation). */
  public static shared(count = 1): Gpu {
    return new Gpu('shared', count);
  }

  private constructor(
    public readonly kind: 'whole' | 'mig' | 'shared',
    public readonly count: number,
    public readonly profile?: string,
  ) {}

  /** The extended resource and count this request takes on `pool`; throws on a mismatch. */
  public resourceOn(pool: GpuPool, scope: string): { resource: string; count: number } {
    const s = pool.sharing;
    const fail = (problem: string, fix: string): never => {
      throw new AireadyValidationError(scope, [{ path: 'gpu', value: this.describe(), problem, fix }]);
    };
    if (!Number.isInteger(this.count) || this.count < 1)
      fail('a GPU request needs a whole count of at least 1', 'use e.g. Gpu.whole(1)');
    let resource: string;
    if (this.kind === 'whole') {
      if (s.mode !== 'none')
        fail(`pool '${pool.name}' shares its GPUs (${s.mode}); it has no whole GPUs to give`, this.hint(pool));
      resource = NVIDIA_GPU_RESOURCE;
    } else if (this.kind === 'mig') {
      if (s.mode !== 'mig') fail(`pool '${pool.name}' does not use MIG`, this.hint(pool));
      if (!(this.profile! in s.migLayout!.perGpu))
        fail(`pool '${pool.name}' has no ${this.profile} slices`, `use one of ${Object.keys(s.migLayout!.perGpu).join(', ')}`);
      resource = s.migStrategy === 'single' ? NVIDIA_GPU_RESOURCE : `nvidia.com/mig-${this.profile}`;
    } else {
      if (s.mode !== 'time-slicing' && s.mode !== 'mps')
        fail(`pool '${pool.name}' does not share GPUs by time-slicing or MPS`, this.hint(pool));
      resource = s.renameByDefault ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE;
    }
    const perNode = Math.max(...pool.instanceTypes.map((t) => schedulableResources(s, t)[resource!] ?? 0));
    if (this.count > perNode) {
      fail(
        `one node of pool '${pool.name}' offers at most ${perNode} x ${resource!}, so the pod could never be scheduled`,
        `ask for at most ${perNode}, or spread the work over several pods`,
      );
    }
    return { resource: resource!, count: this.count };
  }

  private describe(): string {
    return this.kind === 'mig' ? `Gpu.mig('${this.profile}', ${this.count})` : `Gpu.${this.kind}(${this.count})`;
  }

  private hint(pool: GpuPool): string {
    const s = pool.sharing;
    if (s.mode === 'mig') return `request Gpu.mig('<profile>') with one of ${Object.keys(s.migLayout!.perGpu).join(', ')}`;
    if (s.mode === 'none') return 'request Gpu.whole(n)';
    return 'request Gpu.shared(n)';
  }
}
