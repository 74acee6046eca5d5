import { checkPoolZones, ProblemCollector, regionOfZone } from '../src';

function problems(pools: { zones?: string[] }[], region?: string) {
  const found = new ProblemCollector('test');
  checkPoolZones(pools, region, found);
  return found.problems;
}

describe('regionOfZone', () => {
  test.each([
    ['us-east-1a', 'us-east-1'],
    ['eu-central-2b', 'eu-central-2'],
    ['us-gov-west-1a', 'us-gov-west-1'],
    ['us-east-1', undefined],
    ['east-1a', undefined],
  ])('%s is in %s', (zone, region) => {
    expect(regionOfZone(zone)).toBe(region);
  });
});

describe('checkPoolZones', () => {
  test.each([
    [
      'a zone is outside the region',
      [{ zones: ['us-east-1a'] }, { zones: ['us-west-2a'] }],
      'us-east-1',
      'pools[1].zones[0]',
      /use a zone of us-east-1/,
    ],
    [
      'zones come from two regions (no region given)',
      [{ zones: ['us-east-1a'] }, { zones: ['eu-west-1a'] }],
      undefined,
      'pools[1].zones[0]',
      /use zones of us-east-1 only/,
    ],
    ['one pool has zones of two regions', [{ zones: ['us-east-1a', 'us-east-2a'] }], undefined, 'pools[0].zones[1]', /us-east-1/],
  ])('throws when %s', (_why, pools, region, path, fix) => {
    // GIVEN pools with zones WHEN checked against the region THEN the stray zone is named with the fix
    const [p, ...rest] = problems(pools, region);
    expect(rest).toEqual([]);
    expect(p.path).toBe(path);
    expect(p.fix).toMatch(fix);
  });

  test.each([
    ['zones of the region', [{ zones: ['us-east-1a'] }, { zones: ['us-east-1b'] }], 'us-east-1'],
    ['zones of one region, no region given', [{ zones: ['us-east-1a'] }, { zones: ['us-east-1c'] }], undefined],
    ['no zones', [{}], 'us-east-1'],
    ['a zone that is no zone name (the pool rule reports it)', [{ zones: ['x'] }], 'us-east-1'],
  ])('accepts %s', (_why, pools, region) => {
    expect(problems(pools, region)).toEqual([]);
  });
});
