import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helmTemplateArgs, RenderableRelease, renderCacheKey, renderRelease, renderReleaseCached } from '../src/render-helm';
import { bundledHelmForTests, crdYaml, packChart, withBinaries } from './fixtures';

const release: RenderableRelease = {
  releaseName: 'demo',
  component: 'demo',
  chart: 'demo',
  version: '1.0.0',
  namespace: 'apps',
  values: { replicas: 3 },
  skipCrds: false,
};

describe('helmTemplateArgs', () => {
  it('renders what installs: CRDs unless skipped, hooks, no tests, the cluster version and its APIs', () => {
    expect(helmTemplateArgs(release, 'c.tgz', 'v.json', { kubeVersion: '1.36', apiVersions: ['b/v1', 'a/v1'] })).toEqual([
      'template',
      'demo',
      'c.tgz',
      '--namespace',
      'apps',
      '--kube-version',
      '1.36',
      '--values',
      'v.json',
      '--include-crds',
      '--skip-tests',
      '--api-versions',
      'a/v1',
      '--api-versions',
      'b/v1',
    ]);
    expect(helmTemplateArgs({ ...release, skipCrds: true }, 'c.tgz', 'v.json', { kubeVersion: '1.36' })).toContain('--skip-crds');
  });
});

describe('renderCacheKey', () => {
  const base = { kubeVersion: '1.36', helmVersion: '3.17.2' };
  const key = renderCacheKey(release, 'digest', base);
  it.each([
    ['the values', renderCacheKey({ ...release, values: { replicas: 4 } }, 'digest', base)],
    ['the namespace', renderCacheKey({ ...release, namespace: 'other' }, 'digest', base)],
    ['the chart archive', renderCacheKey(release, 'other-digest', base)],
    ['the Kubernetes version', renderCacheKey(release, 'digest', { ...base, kubeVersion: '1.35' })],
    ['the cluster APIs', renderCacheKey(release, 'digest', { ...base, apiVersions: ['x/v1'] })],
    ['the helm version', renderCacheKey(release, 'digest', { ...base, helmVersion: '3.19.4' })],
    ['skipCrds', renderCacheKey({ ...release, skipCrds: true }, 'digest', base)],
  ])('changes with %s', (_why, other) => {
    expect(other).not.toBe(key);
  });

  it('not with the component, which does not change the output, nor with key order', () => {
    expect(renderCacheKey({ ...release, component: 'x', values: { replicas: 3 } }, 'digest', base)).toBe(key);
  });
});

describe('renderRelease', () => {
  const charts = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-render-'));
  const archive = packChart(charts, {
    name: 'demo',
    values: { replicas: 1 },
    crds: { 'crd.yaml': crdYaml('demo.example.com', 'Widget') },
    templates: {
      'cm.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-cm',
        'data:',
        '  namespace: {{ .Release.Namespace }}',
        '  replicas: "{{ .Values.replicas }}"',
        '  kube: "{{ .Capabilities.KubeVersion.Version }}"',
        '  monitoring: "{{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}"',
      ].join('\n'),
      'test.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n',
      'fail.yaml': '{{ if .Values.fail }}{{ fail "refusing: fail is set" }}{{ end }}',
    },
  });

  withBinaries(
    'renders with the values, namespace, Kubernetes version and APIs given; CRDs included; tests left out',
    async () => {
      const objs = await renderRelease(release, archive, {
        helm: bundledHelmForTests(),
        kubeVersion: '1.36',
        apiVersions: ['monitoring.coreos.com/v1'],
      });
      expect(objs.map((o) => `${o.kind}/${o.metadata!.name}`)).toEqual([
        'CustomResourceDefinition/widgets.demo.example.com',
        'ConfigMap/demo-cm',
      ]);
      expect(objs[1].data).toEqual({ namespace: 'apps', replicas: '3', kube: 'v1.36.0', monitoring: 'true' });
    },
  );

  withBinaries('leaves the crds/ folder out when another release owns those CRDs', async () => {
    const objs = await renderRelease({ ...release, skipCrds: true }, archive, {
      helm: bundledHelmForTests(),
      kubeVersion: '1.36',
    });
    expect(objs.map((o) => o.kind)).toEqual(['ConfigMap']);
  });

  withBinaries("throws with helm's own message when the chart refuses the values", async () => {
    await expect(
      renderRelease({ ...release, values: { fail: true } }, archive, { helm: bundledHelmForTests(), kubeVersion: '1.36' }),
    ).rejects.toThrow(/helm template of release demo \(demo 1\.0\.0\) failed:\n.*refusing: fail is set/);
  });

  withBinaries('serves an unchanged release from the cache', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-render-cache-'));
    const options = { helm: bundledHelmForTests(), kubeVersion: '1.36', cacheDir, archiveDigest: 'd' };
    const first = await renderReleaseCached(release, archive, options);
    const second = await renderReleaseCached(release, archive, options);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.objects).toEqual(first.objects);
    expect((await renderReleaseCached({ ...release, values: { replicas: 5 } }, archive, options)).cached).toBe(false);
  });
});
