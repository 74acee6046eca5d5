import { cloudSettingsProblems } from '../src/stack/cloud-checks';

const base = { region: 'us-east-1', networkZones: ['us-east-1a', 'us-east-1b'], pools: [] };

describe('cloudSettingsProblems', () => {
  test.each([
    ['the VPC CIDR is no CIDR', { vpcCidr: '10' }, 'p:vpcCidr', /10\.0\.0\.0\/16/],
    ['the VPC CIDR is too small to split', { vpcCidr: '10.0.0.0/24' }, 'p:vpcCidr', /10\.0\.0\.0\/16/],
    ['the VPC CIDR is not a network address', { vpcCidr: '10.0.0.1/16' }, 'p:vpcCidr', /10\.0\.0\.0\/16/],
    ['a zone is of another region', { availabilityZones: ['us-east-1a', 'eu-west-1a'] }, 'p:availabilityZones[1]', /us-east-1a/],
    ['a zone is listed twice', { availabilityZones: ['us-east-1a', 'us-east-1a'] }, 'p:availabilityZones[1]', /once/],
    ['no zone is listed', { availabilityZones: [] }, 'p:availabilityZones', /us-east-1a, us-east-1b, us-east-1c/],
    [
      "a pool's zone has no subnet",
      { pools: [{ name: 'h100', zones: ['us-east-1c'] }] },
      'p:pools[0].zones[0]',
      /add us-east-1c to p:availabilityZones/,
    ],
  ])('throws when %s', (_why, more, path, fix) => {
    // GIVEN cloud settings with one mistake WHEN checked THEN exactly that is reported, with a fix
    const found = cloudSettingsProblems('p', { ...base, ...more });
    expect(found.map((p) => p.path)).toEqual([path]);
    expect(found[0].fix).toMatch(fix);
  });

  test('valid settings have no problem', () => {
    expect(
      cloudSettingsProblems('p', {
        ...base,
        vpcCidr: '10.1.0.0/18',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        pools: [{ name: 'h100', zones: ['us-east-1a'] }, { name: 'l4' }],
      }),
    ).toEqual([]);
  });
});
