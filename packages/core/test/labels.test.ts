import { GPU_TAINT, Taint, tolerates, tolerationsFor } from '../src';

describe('tolerates', () => {
  const taint: Taint = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };
  it.each([
    ['Exists on the key and effect', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], true],
    ['Exists on the key, any effect', [{ key: 'nvidia.com/gpu', operator: 'Exists' }], true],
    ['Exists with no key (tolerates everything)', [{ operator: 'Exists' }], true],
    ['Equal with the same value', [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }], true],
    ['Equal with another value', [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }], false],
    ['another effect', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }], false],
    ['another key', [{ key: 'dedicated', operator: 'Exists' }], false],
    ['no tolerations', [], false],
  ] as const)('%s: %s', (_why, tolerations, expected) => {
    // GIVEN a GPU taint WHEN matched THEN the Kubernetes rules decide
    expect(tolerates(tolerations, taint)).toBe(expected);
  });

  it('tolerationsFor tolerates what it was made from', () => {
    expect(tolerates(tolerationsFor([GPU_TAINT]), GPU_TAINT)).toBe(true);
  });
});
