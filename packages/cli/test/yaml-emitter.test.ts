import * as fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';
import { emittedValue, emitYaml } from '../src/yaml-emitter';

/** What every reader must read back. */
function readBack(text: string): unknown[] {
  return [jsyaml.load(text), YAML.parse(text), YAML.parse(text, { version: '1.1' })];
}

const strings = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    '~',
    'null',
    'true',
    'False',
    '',
    ' ',
    '0777',
    '0x1f',
    '1_000',
    '1e3',
    '.inf',
    '-.nan',
    '2024-01-01',
    'E0',
    '12:30:00',
    '- a',
    'a: b',
    'a #b',
    '#c',
    '*x',
    '&y',
    '!t',
    '%p',
    '@x',
    '`x',
    '{a}',
    '[b]',
    '"q"',
    "'q'",
    '|',
    '>',
    'a\nb',
    'a\n',
    'a\n\n',
    '\na',
    '  lead\nx',
    'x\n  y\n',
    'tab\there\n',
    'cr\r\nlf',
    'line\n \nspaces',
    'ends with space \nx',
    'kube-system',
    'a'.repeat(1100),
    `long "quoted" ${'b'.repeat(1030)}`,
    'nvidia.com/gpu',
    'app.kubernetes.io/name',
    'v1.2.3',
    'registry.k8s.io/kueue:v0.19.2',
    'a b c',
    'http://x.y/z?q=1',
  ),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    strings,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(strings, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('emitYaml', () => {
  it('reads back as the same data with js-yaml, and with yaml as YAML 1.2 and as YAML 1.1 (as kubectl reads it)', () => {
    fc.assert(
      fc.property(fc.dictionary(strings, json, { maxKeys: 6 }), (doc) => {
        // GIVEN any JSON document WHEN emitted THEN every reader gets it back
        const expected = JSON.parse(JSON.stringify(doc));
        for (const got of readBack(emitYaml(doc))) expect(got ?? {}).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('writes a key longer than YAML allows an implicit one as an explicit key, at any depth', () => {
    const long = 'k'.repeat(1100);
    const doc = {
      [long]: 1,
      a: { [long]: { b: 2 } },
      list: [
        { [long]: [3], c: 4 },
        { d: 5, [long]: 6 },
      ],
    };
    const text = emitYaml(doc);
    expect(text).toContain(`? ${long}\n:`);
    for (const got of readBack(text)) expect(got).toEqual(doc);
  });

  it('writes Kubernetes objects in block style, plain where safe, literal blocks for scripts', () => {
    expect(
      emitYaml({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 'x', on: 'yes' } },
        data: { 'run.sh': '#!/bin/sh\necho hi\n', empty: '' },
        list: [{ a: 1, b: [] }, 'x', [1]],
        none: {},
      }),
    ).toBe(`apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/name: x
    "on": "yes"
data:
  run.sh: |
    #!/bin/sh
    echo hi
  empty: ""
list:
  - a: 1
    b: []
  - x
  -
    - 1
none: {}
`);
  });
});

describe('emittedValue', () => {
  // Not JSON: what a program may still hand over (undefined, -0, NaN, infinities), and a key named __proto__.
  const loose: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      json,
      fc.constantFrom(undefined, -0, NaN, Infinity, -Infinity),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(strings, fc.constant('__proto__')), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('is what every reader reads back from emitYaml, keys in the same order', () => {
    fc.assert(
      fc.property(fc.dictionary(strings, loose, { maxKeys: 6 }), (doc) => {
        // GIVEN any document WHEN emitted and read back THEN the readers get emittedValue's value
        const expected = emittedValue(doc);
        for (const got of readBack(emitYaml(doc))) {
          // (toEqual tells -0 from 0 and NaN from "NaN"; the JSON text compares key order.)
          expect(got ?? {}).toEqual(expected);
          expect(JSON.stringify(got ?? {})).toBe(JSON.stringify(expected));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('copies only what changes', () => {
    const same = { a: [1, 'x', { b: null }] };
    expect(emittedValue(same)).toBe(same);
    const changed = { a: { b: undefined, c: [-0] }, d: { e: 1 } };
    const got = emittedValue(changed) as typeof changed;
    expect(got).toEqual({ a: { b: null, c: [0] }, d: { e: 1 } });
    expect(got.d).toBe(changed.d);
    expect(changed.a.b).toBeUndefined();
  });
});
