// Which GPU instance types a region offers. aiready ships no per-region table it could not verify:
// the only offline evidence is the us-east-1 on-demand price table (an instance type with a us-east-1
// Linux on-demand price is offered there). For any other region, or for a type without a price, the
// stack's `offeredInstanceTypes` (the output of `aws ec2 describe-instance-type-offerings`) decides.
import { ValidationProblem, ValidationWarning } from '../errors';
import type { GpuPool } from '../spec/gpu-pool-types';
import { GPU_INSTANCE_TYPES } from './instance-types';

/** The AWS CLI command whose output is the `offered` list for `region`. */
export function offeringsCommand(region: string): string {
  return (
    `aws ec2 describe-instance-type-offerings --region ${region} --location-type region ` +
    `--filters Name=instance-type,Values=g*,p* --query 'InstanceTypeOfferings[].InstanceType' --output json`
  );
}

/** Catalogued types the offline data shows as offered in `region`: those with an on-demand price there. */
export function knownOfferedInstanceTypes(region: string): ReadonlySet<string> {
  return new Set(
    Object.values(GPU_INSTANCE_TYPES)
      .filter((t) => t.onDemandPrice?.region === region)
      .map((t) => t.name),
  );
}

/** The result of checking pools against a region's offerings. */
export interface RegionOfferingCheck {
  readonly problems: ValidationProblem[];
  readonly warnings: ValidationWarning[];
}

/**
 * Checks every pool's instance types against what `region` offers.
 *
 * With `offered` (the region's offering list, as the user's config gives it), a pool that names a type
 * the region does not offer is an error; a pool resolved from `instanceSelector` is an error only when
 * none of its types is offered (Karpenter and the node group then use the offered ones). Without it,
 * types the offline data cannot confirm are listed in one warning that says how to check them.
 *
 * `path(i)` renders the config path of pool `i` (`ai-platform:pools[0]`).
 */
export function checkRegionOfferings(
  pools: readonly GpuPool[],
  region: string,
  offered: readonly string[] | undefined,
  path: (poolIndex: number) => string,
  selectorPools: ReadonlySet<string> = new Set(),
): RegionOfferingCheck {
  const problems: ValidationProblem[] = [];
  if (offered !== undefined) {
    const set = new Set(offered);
    pools.forEach((pool, i) => {
      const names = pool.instanceTypes.map((t) => t.name);
      const missing = names.filter((n) => !set.has(n));
      if (missing.length === 0) return;
      if (selectorPools.has(pool.name)) {
        if (missing.length < names.length) return;
        problems.push({
          path: `${path(i)}.instanceSelector`,
          value: names,
          problem: `none of the matching instance types is offered in ${region}`,
          fix: `widen the selector, or choose a region that offers one of them`,
        });
        return;
      }
      const alternatives = [...set]
        .filter((n) => pool.instanceTypes.some((t) => GPU_INSTANCE_TYPES[n]?.gpuModel === t.gpuModel))
        .sort();
      problems.push({
        path: `${path(i)}.instanceTypes`,
        value: missing,
        problem: `not offered in ${region}`,
        fix: alternatives.length
          ? `use types ${region} offers with the same GPU: ${alternatives.join(', ')}`
          : `${region} offers no catalogued type with this GPU: pick another GPU model or region`,
      });
    });
    return { problems, warnings: [] };
  }
  const known = knownOfferedInstanceTypes(region);
  const unchecked = [...new Set(pools.flatMap((p) => p.instanceTypes.map((t) => t.name)))].filter((n) => !known.has(n)).sort();
  return {
    problems,
    warnings: unchecked.length
      ? [
          {
            path: 'offeredInstanceTypes',
            message:
              `${unchecked.join(', ')}: not checked against what ${region} offers (aiready's offline data covers ` +
              `us-east-1 on-demand prices only); set offeredInstanceTypes to the output of: ${offeringsCommand(region)}`,
          },
        ]
      : [],
  };
}
