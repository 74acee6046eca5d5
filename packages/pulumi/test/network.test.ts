import * as fc from 'fast-check';
import { captureResources, ofType, promiseOf, settle } from './mocks';
const captured = captureResources();
import { Network, planSubnets } from '../src';

function toRange(cidr: string): [number, number] {
  const [ip, prefix] = cidr.split('/');
  const base = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  return [base, base + 2 ** (32 - Number(prefix)) - 1];
}

describe('planSubnets', () => {
  test('three AZs in a /16', () => {
    expect(planSubnets('10.0.0.0/16', ['a', 'b', 'c']).map((s) => `${s.tier} ${s.availabilityZone} ${s.cidrBlock}`)).toEqual([
      'private a 10.0.0.0/18',
      'private b 10.0.64.0/18',
      'private c 10.0.128.0/18',
      'public a 10.0.192.0/20',
      'public b 10.0.208.0/20',
      'public c 10.0.224.0/20',
    ]);
  });

  test('subnets never overlap and always lie inside the VPC', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 255 }),
        (prefix, azs, second) => {
          const vpc = `10.${second}.0.0/${prefix}`;
          const aligned = toRange(vpc)[0] % 2 ** (32 - prefix) === 0;
          fc.pre(aligned);
          const ranges = planSubnets(vpc, ['a', 'b', 'c'].slice(0, azs)).map((s) => toRange(s.cidrBlock));
          const [lo, hi] = toRange(vpc);
          for (const [s, e] of ranges) expect(s >= lo && e <= hi).toBe(true);
          const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
          for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThan(sorted[i - 1][1]);
        },
      ),
    );
  });

  test.each([['10.0.0.1/16'], ['10.0.0.0/24'], ['nope']])('throws when the VPC CIDR is %s', (cidr) => {
    expect(() => planSubnets(cidr, ['a'])).toThrow(RangeError);
  });
});

describe('Network', () => {
  test('private subnets are tagged for Karpenter and internal load balancers; one NAT for dev', async () => {
    new Network('net', { clusterName: 'c1', availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 'single' });
    await settle();
    const subnets = ofType(captured, 'aws:ec2/subnet:Subnet');
    expect(subnets).toHaveLength(4);
    const priv = subnets.filter((s) => s.name.includes('private'));
    for (const s of priv)
      expect(s.inputs.tags).toMatchObject({ 'karpenter.sh/discovery': 'c1', 'kubernetes.io/role/internal-elb': '1' });
    for (const s of subnets.filter((x) => x.name.includes('public'))) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
    expect(ofType(captured, 'aws:ec2/natGateway:NatGateway')).toHaveLength(1);
  });

  test.each([
    ['cidrBlock', { cidrBlock: '10.0.0.0/8' }],
    ['availabilityZones', { availabilityZones: [] }],
    ['natGateways', { natGateways: 'many' as never }],
  ])('throws when %s is invalid', (field, args) => {
    expect(() => new Network('bad', { clusterName: 'c1', availabilityZones: ['a'], ...args })).toThrow(
      new RegExp(`${field} = .*Fix`),
    );
  });

  test('adopts an existing VPC: only discovery tags on its subnets, nothing else created', async () => {
    // GIVEN
    const before = captured.length;
    const existing = {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      privateSubnetIds: { 'us-east-1a': 'subnet-0000000000000000a', 'us-east-1b': 'subnet-0000000000000000b' },
      publicSubnetIds: ['subnet-0000000000000000c'],
    };
    // WHEN
    const net = new Network('adopt', { clusterName: 'c1', availabilityZones: ['us-east-1a', 'us-east-1b'], existing });
    await settle();
    // THEN
    const made = captured.slice(before).filter((c) => !c.type.startsWith('aiready:'));
    expect(new Set(made.map((c) => c.type))).toEqual(new Set(['aws:ec2/tag:Tag']));
    expect(made.map((c) => `${c.inputs.resourceId} ${c.inputs.key}=${c.inputs.value}`).sort()).toEqual([
      'subnet-0000000000000000a karpenter.sh/discovery=c1',
      'subnet-0000000000000000a kubernetes.io/role/internal-elb=1',
      'subnet-0000000000000000b karpenter.sh/discovery=c1',
      'subnet-0000000000000000b kubernetes.io/role/internal-elb=1',
      'subnet-0000000000000000c kubernetes.io/role/elb=1',
    ]);
    expect(await promiseOf(net.privateSubnetIdsByZone['us-east-1b'])).toBe('subnet-0000000000000000b');
  });

  test.each([
    ['existing.vpcId', { vpcId: 'my-vpc' }],
    ['existing.privateSubnetIds\\["us-east-1a"\\]', { privateSubnetIds: { 'us-east-1a': 'sn-1' } }],
    ['existing.privateSubnetIds', { privateSubnetIds: { 'us-east-1b': 'subnet-0000000000000000b' } }],
  ])('throws when %s of an existing VPC is wrong', (field, override) => {
    const existing = {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      privateSubnetIds: { 'us-east-1a': 'subnet-0000000000000000a' },
      ...override,
    };
    expect(() => new Network('bad', { clusterName: 'c1', availabilityZones: ['us-east-1a'], existing })).toThrow(
      new RegExp(`${field} = .*Fix`),
    );
  });

  test('throws when an existing VPC is given settings it would ignore', () => {
    const existing = { vpcId: 'vpc-0a1b2c3d4e5f60718', privateSubnetIds: { 'us-east-1a': 'subnet-0000000000000000a' } };
    expect(
      () => new Network('bad', { clusterName: 'c1', availabilityZones: ['us-east-1a'], existing, natGateways: 'single' }),
    ).toThrow(/natGateways = "single".*no effect on an existing VPC/);
  });
});
