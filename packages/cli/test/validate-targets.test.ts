import type { KubeObject } from '@aiready/k8s';
import { parseManifests, summaryLine, uncheckedLines, validateOutputs, validateTarget } from '../src';

const namespace = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'app.kubernetes.io/component': 'team' } },
  ...extra,
});

describe('parseManifests', () => {
  test('reads every document, unwraps Lists and skips empty documents', () => {
    const yaml =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n';
    expect(parseManifests(yaml, 'x.yaml').map((i) => [i.source, (i.object as KubeObject).metadata?.name])).toEqual([
      ['x.yaml', 'a'],
      ['x.yaml', 'b'],
    ]);
  });

  test('throws when a file is not YAML, naming it', () => {
    expect(() => parseManifests('a: [b', 'bad.yaml')).toThrow(/^bad.yaml: not valid YAML/);
  });
});

describe('validateOutputs', () => {
  test('keeps targets whose objects and rendered files validate', () => {
    // GIVEN one valid target with a rendered chart file WHEN validated THEN it is kept
    const ok = {
      id: 'ok',
      manifestObjects: [namespace('team-a')],
      files: new Map([
        ['rendered/chart/all.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: team-a}\n'],
      ]),
    };
    expect(validateOutputs([ok])).toEqual({ valid: [ok], errors: [] });
  });

  test('throws when a target holds an invalid object, naming the file, object, field and fix', () => {
    // GIVEN a manifest with an unknown field and a rendered object without a name
    const bad = {
      id: 'bad',
      manifestObjects: [namespace('team-a', { spec: { finalizer: ['x'] } })],
      files: new Map([['rendered/chart/all.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: team-a}\n']]),
    };
    // WHEN validated THEN the target becomes an error listing both problems
    const result = validateOutputs([bad]);
    expect(result.valid).toEqual([]);
    expect(result.errors).toEqual([
      {
        id: 'bad',
        message: [
          '2 problems against the upstream schemas:',
          '  - bad/manifests/team/namespace.yaml: Namespace team-a: spec.finalizer: unknown field "spec.finalizer"',
          '  - bad/rendered/chart/all.yaml: ServiceAccount team-a/<no name>: metadata.name: Required value: name or generateName is required',
        ].join('\n'),
      },
    ]);
  });
});

describe('report lines', () => {
  test('summarise a target and list what could not be checked', () => {
    const v = validateTarget('t', [{ object: namespace('a') }]);
    expect(summaryLine(v)).toBe(
      't: 1 objects checked, 0 problems, 0 skipped; CEL rules: 0 evaluated, 0 failed, 0 unchecked, 0 update-only',
    );
    v.report.cel.unchecked.set('url(self).getHost() == "x"', 'no such function');
    expect(uncheckedLines([v])).toEqual(['unchecked CEL rule url(self).getHost() == "x": no such function']);
  });
});
