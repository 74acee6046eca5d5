import { AireadyValidationError, describeGpuAsk, GpuPool, gpuAskResource } from '@aiready/core';

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
    const found = gpuAskResource(pool, this);
    if ('problem' in found) {
      throw new AireadyValidationError(scope, [
        { path: 'gpu', value: describeGpuAsk(this), problem: found.problem, fix: found.fix },
      ]);
    }
    return { resource: found.resource, count: found.count };
  }
}
