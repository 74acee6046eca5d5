import { checkShape, S, Schema, ValidationProblem } from '../src';

const POOL: Schema = S.object('pool', {
  name: { schema: S.string, doc: 'name', required: true },
  maxNodes: { schema: S.integer, doc: 'most nodes' },
  labels: { schema: S.record(S.string), doc: 'labels' },
  zones: { schema: S.list(S.string), doc: 'zones' },
  sharing: {
    schema: {
      type: 'variants',
      name: 'sharing',
      discriminator: 'mode',
      variants: { none: { fields: {} }, 'time-slicing': { fields: { replicas: { schema: S.integer, doc: 'replicas' } } } },
    },
    doc: 'sharing',
  },
});

function problems(schema: Schema, value: unknown): ValidationProblem[] {
  const found: ValidationProblem[] = [];
  checkShape(schema, value, 'pools[0]', found);
  return found;
}

describe('checkShape', () => {
  test('a valid value has no problems', () => {
    expect(
      problems(POOL, { name: 'a', maxNodes: 2, labels: { x: 'y' }, zones: ['us-east-1a'], sharing: { mode: 'none' } }),
    ).toEqual([]);
  });

  test.each([
    ['null where an object belongs', null, 'pools[0]', /must be an object, not null/],
    ['a string where a list belongs', { name: 'a', zones: 'us-east-1a' }, 'pools[0].zones', /must be a list, not a string/],
    ['an object where a list belongs', { name: 'a', zones: { a: 1 } }, 'pools[0].zones', /must be a list, not an object/],
    ['a float where a whole number belongs', { name: 'a', maxNodes: 2.5 }, 'pools[0].maxNodes', /must be a whole number/],
    ['a missing required field', {}, 'pools[0].name', /required/],
    ['a number in a record of strings', { name: 'a', labels: { x: 1 } }, 'pools[0].labels["x"]', /must be a string/],
    ['an unknown variant', { name: 'a', sharing: { mode: 'mps' } }, 'pools[0].sharing.mode', /not a sharing mode/],
    [
      'a key of another variant',
      { name: 'a', sharing: { mode: 'none', replicas: 2 } },
      'pools[0].sharing.replicas',
      /belongs to mode 'time-slicing'.*cannot be combined/,
    ],
  ])('reports %s with its path', (_why, value, path, problem) => {
    const found = problems(POOL, value);
    expect(found.map((p) => p.path)).toContain(path);
    expect(found.find((p) => p.path === path)!.problem).toMatch(problem);
  });

  test('an unknown key names the nearest known one, at any depth', () => {
    const [p] = problems(POOL, { name: 'a', maxNode: 50 });
    expect(p).toMatchObject({ path: 'pools[0].maxNode', value: 50 });
    expect(p.fix).toMatch(/^did you mean maxNodes\?/);
  });

  test('keys that collide with Object.prototype are keys like any other', () => {
    expect(problems(POOL, { name: 'a', constructor: 1 }).map((p) => p.path)).toEqual(['pools[0].constructor']);
    expect(problems(POOL, { name: 'a', labels: { toString: 'y', __proto__x: 'z' } })).toEqual([]);
  });

  test('throws when a map key is constructor, which cdk8s cannot serialize', () => {
    // GIVEN a label and a raw value keyed `constructor` WHEN the shape is checked
    const found = problems(POOL, { name: 'a', labels: { constructor: 'x' } });
    // THEN it is refused with the path and another name as the fix
    expect(found).toEqual([
      expect.objectContaining({ path: 'pools[0].labels["constructor"]', fix: expect.stringMatching(/another name/) }),
    ]);
  });

  test('every problem is reported, not only the first', () => {
    expect(problems(POOL, { maxNodes: 'two', zones: 3 })).toHaveLength(3);
  });

  test('either: the shape that fits best is reported; false-or and boolean-or', () => {
    const either = S.either('receiver', [
      S.object('a', { a: { schema: S.string, doc: 'a', required: true } }),
      S.object('b', { b: { schema: S.string, doc: 'b', required: true } }),
    ]);
    expect(problems(either, { b: 'x' })).toEqual([]);
    expect(problems(either, { b: 1 }).map((p) => p.path)).toEqual(['pools[0].b']);
    expect(problems(S.falseOr(S.object('x', {})), false)).toEqual([]);
    expect(problems(S.booleanOr(S.object('x', {})), true)).toEqual([]);
    expect(problems(S.booleanOr(S.object('x', {})), 'yes')[0].problem).toMatch(/must be true, false or an object/);
  });
});
