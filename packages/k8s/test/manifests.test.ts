import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deepFreeze, deepMerge, KubeObject, layoutManifests, prepareManifest, sortKeysDeep, writeManifests } from '../src';

const objs: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'b', namespace: 'x', labels: { 'app.kubernetes.io/component': 'gpu' } },
    data: { z: '1', a: '2' },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'x', labels: { 'app.kubernetes.io/component': 'gpu' } },
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
];

describe('layoutManifests', () => {
  test('one folder per component, one file per kind, objects and keys sorted', () => {
    const files = layoutManifests(objs);
    expect(files.map((f) => [f.path, f.objects])).toEqual([
      ['gpu/configmap.yaml', 2],
      ['platform/namespace.yaml', 1],
    ]);
    expect(files[0].content).toBe(
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/component: gpu\n  name: a\n  namespace: x\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app.kubernetes.io/component: gpu\n  name: b\n  namespace: x\ndata:\n  a: "2"\n  z: "1"\n',
      ].join('---\n'),
    );
  });

  test('a `__proto__` key is written as the key it is', () => {
    // GIVEN an object whose data has a `__proto__` key (as JSON.parse makes it: an own key)
    const cm = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p"},"data":{"z":"1","__proto__":"x"}}');
    // WHEN laid out THEN the key is kept, sorted with the others
    expect(layoutManifests([cm])[0].content).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\ndata:\n  __proto__: x\n  z: "1"\n',
    );
  });

  test('a document written ahead (prepareManifest) is the one the layout writes; its object cannot change after', () => {
    // GIVEN copies of the objects, one of them prepared ahead
    const copies = structuredClone(objs);
    prepareManifest(copies[0]);
    // THEN the layout is the same, and the prepared object refuses a change that would make its document stale
    expect(layoutManifests(copies)).toEqual(layoutManifests(objs));
    expect(() => (copies[0].metadata.name = 'c')).toThrow(TypeError);
    expect(() => ((copies[0] as { data: Record<string, string> }).data.a = '3')).toThrow(TypeError);
    expect(Object.isFrozen(copies[1])).toBe(false);
  });

  test('input order does not change the output', () => {
    expect(layoutManifests([...objs].reverse())).toEqual(layoutManifests(objs));
  });

  test('writeManifests replaces the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-'));
    fs.writeFileSync(path.join(dir, 'stale.yaml'), 'x');
    writeManifests(dir, objs);
    expect(fs.existsSync(path.join(dir, 'stale.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'platform/namespace.yaml'), 'utf8')).toContain('name: x');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('values', () => {
  test('deepMerge merges objects and replaces arrays and scalars, without touching its inputs', () => {
    const a = { x: { y: 1, z: [1] }, k: 'a' };
    const b = { x: { z: [2], w: true }, k: 'b' };
    expect(deepMerge(a, undefined, b)).toEqual({ x: { y: 1, z: [2], w: true }, k: 'b' });
    expect(a).toEqual({ x: { y: 1, z: [1] }, k: 'a' });
  });

  test('deepFreeze freezes every object and array in a value, in place', () => {
    const value = { a: { b: [{ c: 1 }, [2]] }, d: 'x' };
    deepFreeze(value);
    for (const v of [value, value.a, value.a.b, value.a.b[0], value.a.b[1]]) expect(Object.isFrozen(v)).toBe(true);
    expect(() => deepFreeze(null)).not.toThrow();
  });

  test('sortKeysDeep sorts nested keys and keeps arrays in order', () => {
    expect(JSON.stringify(sortKeysDeep({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 0 } }))).toBe(
      '{"a":{"c":0,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});
