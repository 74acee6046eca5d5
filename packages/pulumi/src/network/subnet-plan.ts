// Pure planning of a VPC's subnets: which CIDR each subnet gets.

/** One planned subnet. */
export interface PlannedSubnet {
  readonly availabilityZone: string;
  readonly cidrBlock: string;
  readonly tier: 'public' | 'private';
}

function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix };
}

function format(base: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}

/** True when `cidr` is an IPv4 CIDR whose address is the network address. */
export function isNetworkCidr(cidr: string): boolean {
  return parseCidr(cidr) !== undefined;
}

/**
 * Splits a VPC CIDR into one private and one public subnet per AZ. The VPC is cut in four quarters:
 * three hold large private subnets (pods get VPC IPs, so private subnets need room); the last quarter is
 * split into small public subnets for load balancers and NAT gateways. Subnets never overlap and
 * always lie inside the VPC. Supports 1 to 3 AZs and VPC prefixes /16 to /20.
 */
export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): PlannedSubnet[] {
  const parsed = parseCidr(vpcCidr);
  if (!parsed) throw new RangeError(`'${vpcCidr}' is not an IPv4 network CIDR`);
  if (parsed.prefix < 16 || parsed.prefix > 20) throw new RangeError(`VPC prefix /${parsed.prefix} is outside /16-/20`);
  if (availabilityZones.length < 1 || availabilityZones.length > 3)
    throw new RangeError('between 1 and 3 availability zones are supported');
  const quarter = 2 ** (32 - parsed.prefix) / 4;
  const privatePrefix = parsed.prefix + 2;
  const publicPrefix = parsed.prefix + 4; // a quarter of the last quarter each
  const out: PlannedSubnet[] = [];
  availabilityZones.forEach((az, i) => {
    out.push({ availabilityZone: az, tier: 'private', cidrBlock: format(parsed.base + i * quarter, privatePrefix) });
  });
  availabilityZones.forEach((az, i) => {
    out.push({
      availabilityZone: az,
      tier: 'public',
      cidrBlock: format(parsed.base + 3 * quarter + (i * quarter) / 4, publicPrefix),
    });
  });
  return out;
}
