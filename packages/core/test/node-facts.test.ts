import { NODE_METADATA_OPTIONS, nodeVolumes, normalizeGpuPool } from '../src';

describe('nodeVolumes', () => {
  test.each([
    [
      'AL2023: one root volume for the OS and images, sized by the pool',
      'al2023',
      [{ deviceName: '/dev/xvda', sizeGiB: 300, throughputMiBps: 500, root: true }],
    ],
    [
      'Bottlerocket: a small OS volume, images on their own',
      'bottlerocket',
      [
        { deviceName: '/dev/xvda', sizeGiB: 4, root: false },
        { deviceName: '/dev/xvdb', sizeGiB: 300, throughputMiBps: 500, root: false },
      ],
    ],
  ] as const)('%s', (_why, amiFamily, expected) => {
    // GIVEN a pool with a large, fast image volume
    const pool = normalizeGpuPool({
      name: 'p',
      instanceTypes: ['g6.xlarge'],
      amiFamily,
      imageVolumeGiB: 300,
      volumeThroughputMiBps: 500,
    });
    // THEN both provisioners get these volumes
    expect(nodeVolumes(pool)).toEqual(expected);
  });

  test('IMDSv2 only with hop limit 1: pods cannot reach the node credentials', () => {
    expect(NODE_METADATA_OPTIONS).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
  });
});
