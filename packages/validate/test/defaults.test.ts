import { applyDefaults, SchemaNode } from '../src';

const schema: SchemaNode = {
  type: 'object',
  properties: {
    mode: { type: 'string', default: 'auto' },
    limits: { type: 'object', default: {}, properties: { cpu: { type: 'integer', default: 2 } } },
    items: { type: 'array', items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } } },
    keep: { type: 'string', nullable: true },
  },
};

describe('applyDefaults', () => {
  test('fills absent fields top-down, inside defaulted objects and list items, without mutating', () => {
    // GIVEN an object missing defaulted fields
    const input = { items: [{}, { weight: 5 }] };
    // WHEN defaulted
    const out = applyDefaults(input, schema);
    // THEN defaults apply at every level, a default object gets its own defaults, the input is unchanged
    expect(out).toEqual({ mode: 'auto', limits: { cpu: 2 }, items: [{ weight: 1 }, { weight: 5 }] });
    expect(input).toEqual({ items: [{}, { weight: 5 }] });
  });

  test('drops null in a non-nullable field before defaulting, keeps it in a nullable one', () => {
    expect(applyDefaults({ mode: null, keep: null }, schema)).toEqual({ mode: 'auto', keep: null, limits: { cpu: 2 } });
  });
});
