// Rules of a stack's cloud settings that the platform spec cannot know: the VPC CIDR the subnet plan
// can split, and availability zones that belong to the stack's region and hold every pool's zones.
// Checked when the config is read, so a bad value is refused before anything is planned or written.
import { regionOfZone, ValidationProblem } from '@aiready/core';
import { isNetworkCidr } from '../network/subnet-plan';

/** The cloud settings these rules read. */
export interface CloudSettings {
  readonly region?: string;
  readonly vpcCidr?: string;
  /** The zones given in the config (not the defaults derived from the region). */
  readonly availabilityZones?: readonly string[];
  /** The zones the network will use (given, from the existing VPC, or the region's defaults). */
  readonly networkZones: readonly string[];
  readonly pools: readonly { readonly name?: unknown; readonly zones?: unknown }[];
}

/** Every problem of the cloud settings, with paths under `project:`. */
export function cloudSettingsProblems(project: string, s: CloudSettings): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (s.vpcCidr !== undefined && (!isNetworkCidr(s.vpcCidr) || !/\/(1[6-9]|20)$/.test(s.vpcCidr))) {
    problems.push({
      path: `${project}:vpcCidr`,
      value: s.vpcCidr,
      problem: 'not an IPv4 network CIDR between /16 and /20 (the subnet plan cuts it in quarters per zone)',
      fix: "use e.g. '10.0.0.0/16'",
    });
  }
  const zones = s.availabilityZones;
  if (zones !== undefined) {
    if (zones.length < 1 || zones.length > 3) {
      problems.push({
        path: `${project}:availabilityZones`,
        value: zones,
        problem: 'needs 1 to 3 zones',
        fix: `list e.g. [${['a', 'b', 'c'].map((x) => `${s.region ?? 'us-east-1'}${x}`).join(', ')}]`,
      });
    }
    zones.forEach((zone, i) => {
      if (s.region !== undefined && regionOfZone(zone) !== s.region) {
        problems.push({
          path: `${project}:availabilityZones[${i}]`,
          value: zone,
          problem: `is not a zone of the stack's region ${s.region} (aws:region)`,
          fix: `use a zone of ${s.region}, e.g. ${s.region}a`,
        });
      }
      if (zones.indexOf(zone) !== i) {
        problems.push({
          path: `${project}:availabilityZones[${i}]`,
          value: zone,
          problem: `repeats availabilityZones[${zones.indexOf(zone)}]`,
          fix: 'list each zone once',
        });
      }
    });
  }
  // A pool launches only where the network has subnets.
  s.pools.forEach((pool, p) => {
    if (!Array.isArray(pool?.zones)) return;
    (pool.zones as unknown[]).forEach((zone, i) => {
      if (typeof zone !== 'string' || s.networkZones.includes(zone)) return;
      if (s.region !== undefined && regionOfZone(zone) !== undefined && regionOfZone(zone) !== s.region) return; // the platform's rule says it
      problems.push({
        path: `${project}:pools[${p}].zones[${i}]`,
        value: zone,
        problem: `the network has no subnet in ${zone} (its zones are ${s.networkZones.join(', ') || 'none'}), so pool '${String(pool.name)}' could never launch a node`,
        fix: `use one of ${s.networkZones.join(', ')}, or add ${zone} to ${project}:availabilityZones`,
      });
    });
  });
  return problems;
}
