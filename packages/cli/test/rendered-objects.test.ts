import type { KubeObject } from '@aiready/k8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import {
  duplicateProblems,
  placeInNamespace,
  redactSecret,
  renderedFileObjects,
  renderedFiles,
  renderedFilesCached,
} from '../src/rendered-objects';
import { emittedValue } from '../src/yaml-emitter';
import { crdYaml } from './fixtures';

const cm = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('placeInNamespace', () => {
  const customClusterScoped = new Set(['karpenter.sh/NodePool']);
  it.each([
    ['a namespaced object without one goes into the release namespace', cm('a'), 'apps'],
    ['a namespaced object keeps its own', cm('a', 'other'), 'other'],
    [
      'a built-in cluster-scoped kind gets none',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
      undefined,
    ],
    [
      'a cluster-scoped kind loses one the chart set, as the API server drops it',
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'w', namespace: 'kueue-system' },
      },
      undefined,
    ],
    [
      'a custom kind whose CRD says Cluster gets none',
      { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'p' } },
      undefined,
    ],
  ])('%s', (_why, o, namespace) => {
    expect(placeInNamespace(o as KubeObject, 'apps', customClusterScoped).metadata?.namespace).toBe(namespace);
  });
});

describe('redactSecret', () => {
  it('replaces every Secret value by a marker with a short digest, and leaves other kinds alone', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { p: 'c2VjcmV0' }, stringData: { q: 'x' } };
    const out = redactSecret(secret);
    expect(Buffer.from((out.data as Record<string, string>).p, 'base64').toString()).toMatch(
      /^\[redacted by aiready\] sha256:[0-9a-f]{12}$/,
    );
    expect((out.stringData as Record<string, string>).q).toMatch(/^\[redacted by aiready\] sha256:[0-9a-f]{12}$/);
    expect(JSON.stringify(out)).not.toContain('c2VjcmV0');
    expect(redactSecret(cm('a'))).toEqual(cm('a'));
  });
});

describe('duplicateProblems', () => {
  const crd = YAML.parse(crdYaml('karpenter.sh', 'NodePool', 'Cluster')) as KubeObject;
  it('throws when two releases ship the same CRD, with the skipCrds fix', () => {
    const problems = duplicateProblems([
      { name: 'karpenter-crd', objects: [crd] },
      { name: 'karpenter', objects: [crd] },
    ]);
    expect(problems).toEqual([
      {
        path: 'CustomResourceDefinition.apiextensions.k8s.io nodepools.karpenter.sh',
        value: ['release karpenter-crd', 'release karpenter'],
        problem:
          'is applied by release karpenter-crd and release karpenter; the two fight over it, and deleting either deletes it',
        fix: expect.stringContaining('set skipCrds on the release whose chart carries a copy in crds/'),
      },
    ]);
  });

  it("finds a release applying one of aiready's own objects", () => {
    const problems = duplicateProblems([
      { name: 'aiready', native: true, objects: [cm('a', 'ns')] },
      { name: 'app', objects: [cm('a', 'ns'), cm('b', 'ns')] },
    ]);
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      [
        'ConfigMap ns/a',
        "is applied by aiready's own objects (manifests/) and release app; the two fight over it, and deleting either deletes it",
      ],
    ]);
  });
});

describe('renderedFiles', () => {
  it('one file per kind; a kind two API groups share gets the group in its name', () => {
    const files = renderedFiles('r', [
      cm('b', 'x'),
      cm('a', 'x'),
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' } },
      { apiVersion: 'app.k8s.io/v1beta1', kind: 'Application', metadata: { name: 'a' } },
    ]);
    expect([...files.keys()]).toEqual([
      'rendered/r/application.app.k8s.io.yaml',
      'rendered/r/application.argoproj.io.yaml',
      'rendered/r/configmap.yaml',
    ]);
    expect(files.get('rendered/r/configmap.yaml')).toMatch(/name: a\n[^]*---\n[^]*name: b\n/);
  });
});

describe('renderedFileObjects', () => {
  it("is each file's objects as reading the file gives them: order, keys and values", () => {
    // GIVEN a release's objects, unsorted, keys in any order, a value YAML cannot carry as it is
    const objects: KubeObject[] = [
      { kind: 'ConfigMap', apiVersion: 'v1', metadata: { namespace: 'b', name: 'z' }, data: { b: '2', a: '1' } },
      { metadata: { name: 'a', namespace: 'b' }, apiVersion: 'v1', kind: 'ConfigMap', binaryData: undefined },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: -0, paused: false } },
    ];
    const files = renderedFiles('r', objects);
    const byFile = renderedFileObjects('r', objects);
    // THEN the same files, and each file read back is its objects, as emitYaml writes them, in order
    expect([...byFile.keys()]).toEqual([...files.keys()]);
    for (const [file, content] of files) {
      const read = YAML.parseAllDocuments(content).map((d) => d.toJS());
      const expected = byFile.get(file)!.map(emittedValue);
      expect(read).toEqual(expected);
      expect(JSON.stringify(read)).toBe(JSON.stringify(expected));
    }
    expect(byFile.get('rendered/r/configmap.yaml')!.map((o) => Object.keys(o))).toEqual([
      ['apiVersion', 'kind', 'metadata', 'binaryData'],
      ['apiVersion', 'kind', 'metadata', 'data'],
    ]);
  });
});

describe('renderedFilesCached', () => {
  it('serves the same files for the same digest, without serializing again', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-files-'));
    const first = renderedFilesCached('r', renderedFileObjects('r', [cm('a', 'x')]), cache, 'key-1');
    expect(first).toEqual(renderedFiles('r', [cm('a', 'x')]));
    // A different object under the same digest proves the second answer came from the cache.
    const other = renderedFileObjects('r', [cm('other', 'x')]);
    expect(renderedFilesCached('r', other, cache, 'key-1')).toEqual(first);
    expect(renderedFilesCached('r', other, cache, 'key-2').get('rendered/r/configmap.yaml')).toContain('name: other');
    // An entry whose files are not those of the objects (another kind) is not served
    const secret = renderedFileObjects('r', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }]);
    expect([...renderedFilesCached('r', secret, cache, 'key-1').keys()]).toEqual(['rendered/r/secret.yaml']);
  });
});
