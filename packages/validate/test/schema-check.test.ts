import * as fc from 'fast-check';
import { checkValue, codePoints, Flavour, joinPath, SchemaBundle, SchemaNode, WalkContext } from '../src';

function problems(value: unknown, node: SchemaNode, flavour: Flavour = 'crd') {
  const ctx: WalkContext = {
    definitions: SchemaBundle.bundled().definitions(),
    problems: [],
    celSites: [],
    uncheckedPatterns: new Map(),
  };
  checkValue(value, node, '', ctx, flavour);
  return ctx.problems.map((p) => `${p.path}: ${p.message}`);
}

const obj = (properties: Record<string, SchemaNode>, extra: Partial<SchemaNode> = {}): SchemaNode => ({
  type: 'object',
  properties,
  ...extra,
});

describe('checkValue', () => {
  it.each([
    ['an unknown field', obj({ a: { type: 'string' } }), { a: 'x', b: 1 }, 'b: unknown field "b"'],
    ['a wrong type', obj({ a: { type: 'integer' } }), { a: '1' }, 'a: must be of type integer, got string "1"'],
    ['a float for an integer', obj({ a: { type: 'integer' } }), { a: 1.5 }, 'a: must be of type integer, got number 1.5'],
    ['a missing required field', obj({ a: { type: 'string' } }, { required: ['a'] }), {}, 'a: Required value'],
    [
      'a value outside the enum',
      obj({ a: { type: 'string', enum: ['x', 'y'] } }),
      { a: 'z' },
      'a: Unsupported value: "z": supported values: "x", "y"',
    ],
    [
      'a pattern mismatch',
      obj({ a: { type: 'string', pattern: '^[a-z]+$' } }),
      { a: 'A' },
      'a: "A": must match the pattern ^[a-z]+$',
    ],
    [
      'too long a string',
      obj({ a: { type: 'string', maxLength: 2 } }),
      { a: 'abc' },
      'a: "abc": must be at most 2 characters (is 3)',
    ],
    ['too small a number', obj({ a: { type: 'integer', minimum: 1 } }), { a: 0 }, 'a: 0: must be greater than or equal to 1'],
    [
      'too few items',
      obj({ a: { type: 'array', minItems: 1, items: { type: 'string' } } }),
      { a: [] },
      'a: must have at least 1 items',
    ],
    [
      'a duplicate in a set',
      obj({ a: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } }),
      { a: ['x', 'x'] },
      'a[1]: Duplicate value: "x"',
    ],
    [
      'a duplicate key in a map list',
      obj({
        a: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: obj({ name: { type: 'string' }, v: { type: 'integer' } }),
        },
      }),
      {
        a: [
          { name: 'x', v: 1 },
          { name: 'x', v: 2 },
        ],
      },
      'a[1]: Duplicate value: ["x"]',
    ],
    [
      'a boolean for int-or-string',
      obj({ a: { 'x-kubernetes-int-or-string': true } }),
      { a: true },
      'a: must be an integer or a string, got boolean',
    ],
    [
      'no anyOf branch',
      obj({ a: { type: 'string' }, b: { type: 'string' } }, { anyOf: [{ required: ['a'] }, { required: ['b'] }] }),
      {},
      ': must match at least one of 2 schemas (first: Required value)',
    ],
    [
      'two oneOf branches',
      obj({ a: { type: 'string' }, b: { type: 'string' } }, { oneOf: [{ required: ['a'] }, { required: ['b'] }] }),
      { a: 'x', b: 'y' },
      ': must match exactly one of 2 schemas (matches 2)',
    ],
    [
      'a not branch',
      obj({ a: { type: 'string' } }, { not: { required: ['a'] } }),
      { a: 'x' },
      ': must not match the schema in "not"',
    ],
    ['fields in an object with no fields', obj({ a: { type: 'object' } }), { a: { b: 1 } }, 'a.b: unknown field "a.b"'],
    [
      'an odd map key',
      obj({ a: { type: 'object', additionalProperties: { type: 'integer' } } }),
      { a: { 'x/y': 'z' } },
      'a["x/y"]: must be of type integer, got string "z"',
    ],
  ])('throws when given %s', (_what, node, value, expected) => {
    // GIVEN a schema and a value that breaks it WHEN checked THEN exactly that problem is reported
    expect(problems(value, node)).toEqual([expected]);
  });

  it.each([
    ['preserved unknown fields', obj({}, { 'x-kubernetes-preserve-unknown-fields': true }), { anything: { goes: 1 } }],
    ['additionalProperties: true', obj({}, { additionalProperties: true }), { x: 1 }],
    ['null in a non-nullable field (dropped)', obj({ a: { type: 'string' } }), { a: null }],
    ['an integer for int-or-string', obj({ a: { 'x-kubernetes-int-or-string': true } }), { a: 8080 }],
    [
      'apiVersion, kind and metadata of an embedded resource',
      obj({
        t: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      }),
      { t: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } },
    ],
    [
      'one matching anyOf branch',
      obj({ a: { type: 'string' } }, { anyOf: [{ required: ['a'] }, { required: ['b'] }] }),
      { a: 'x' },
    ],
  ])('accepts %s', (_what, node, value) => {
    expect(problems(value, node)).toEqual([]);
  });

  describe('built-in kinds', () => {
    const container = { $ref: '#/definitions/io.k8s.api.core.v1.Container' };
    it.each([
      [
        { name: 'c', imagePullPolicy: 'Sometimes' },
        'imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      ],
      [
        { name: 'c', ports: [{ containerPort: 80, protocol: 'HTTP' }] },
        'ports[0].protocol: Unsupported value: "HTTP": supported values: "TCP", "UDP", "SCTP"',
      ],
      [
        { name: 'c', resources: { limits: { memory: '1 Gi' } } },
        'resources.limits.memory: "1 Gi": must be a quantity, e.g. 500m, 2Gi or 4',
      ],
      [{ name: 'c', ports: [{ containerPort: 4294967296 }] }, 'ports[0].containerPort: 4294967296: must fit in a 32-bit integer'],
      [{ image: 'x' }, 'name: Required value'],
      [{ name: 'c', imagePullSecrets: [] }, 'imagePullSecrets: unknown field "imagePullSecrets"'],
    ])('throws when a container is %j', (value, expected) => {
      expect(problems(value, container, 'kubernetes')).toEqual([expected]);
    });

    test('accepts numeric quantities, int-or-string ports and empty enum strings', () => {
      const value = {
        name: 'c',
        imagePullPolicy: '',
        resources: { limits: { 'nvidia.com/gpu': 1, cpu: '500m' } },
        readinessProbe: { httpGet: { port: 'http' } },
      };
      expect(problems(value, container, 'kubernetes')).toEqual([]);
    });
  });

  it.each([
    ['', 'a', 'a'],
    ['a', 'b', 'a.b'],
    ['a', 0, 'a[0]'],
    ['labels', 'app.kubernetes.io/name', 'labels["app.kubernetes.io/name"]'],
  ])('joinPath(%j, %j) is %s', (path, key, expected) => {
    expect(joinPath(path, key)).toBe(expected);
  });
});

describe('codePoints', () => {
  test('counts characters as Kubernetes does (code points), lone surrogates included', () => {
    // GIVEN any UTF-16 text (pairs and lone halves) WHEN counted THEN as many as its code points
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => expect(codePoints(s)).toBe([...s].length)),
      { numRuns: 1000 },
    );
    expect(codePoints('a\u{1F600}b\ud800')).toBe(4);
  });
});
