// Pool zones against the platform's region: a zone of another region, or pools in two regions, would
// launch nothing (a cluster lives in one region), and nothing else would say why.
import { ProblemCollector } from '../errors';

/** The region a zone name belongs to: `us-east-1a` → `us-east-1`; undefined when it is no zone name. */
export function regionOfZone(zone: string): string | undefined {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/.exec(zone)?.[1];
}

/**
 * Records a problem for every pool zone outside `region` (when known), else for zones of a second
 * region (the region of the first zone given wins).
 */
export function checkPoolZones(
  pools: readonly { readonly zones?: readonly string[] }[],
  region: string | undefined,
  problems: ProblemCollector,
): void {
  let first: { region: string; at: string } | undefined;
  pools.forEach((pool, p) => {
    (Array.isArray(pool.zones) ? pool.zones : []).forEach((zone, i) => {
      const at = `pools[${p}].zones[${i}]`;
      const zoneRegion = typeof zone === 'string' ? regionOfZone(zone) : undefined;
      if (zoneRegion === undefined) return; // not a zone name: the pool's own rule says so
      if (region !== undefined) {
        if (zoneRegion !== region)
          problems.add({
            path: at,
            value: zone,
            problem: `is a zone of ${zoneRegion}, and the cluster runs in ${region}`,
            fix: `use a zone of ${region}, e.g. ${region}a`,
          });
        return;
      }
      if (first === undefined) first = { region: zoneRegion, at };
      else if (zoneRegion !== first.region)
        problems.add({
          path: at,
          value: zone,
          problem: `is a zone of ${zoneRegion}, but ${first.at} is in ${first.region}; a cluster and its pools live in one region`,
          fix: `use zones of ${first.region} only (or set region and use its zones)`,
        });
    });
  });
}
