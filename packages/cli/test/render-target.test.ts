import type { KubeObject } from '@aiready/k8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import type { RenderableRelease } from '../src/render-helm';
import { RenderTargetInput, renderTargets } from '../src/render-target';
import { bundledHelmForTests, bundledKubectlForTests, crdYaml, packChart, TEST_CACHE, withBinaries } from './fixtures';

const cm = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('renderTargets', () => {
  // GIVEN a CRD chart, and an app chart that carries a copy of the CRD in crds/ and creates a Widget
  // only when the cluster serves Widgets (as charts with ServiceMonitors do)
  const charts = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-target-'));
  const widgetCrd = crdYaml('demo.example.com', 'Widget');
  packChart(charts, { name: 'widget-crd', templates: { 'crd.yaml': widgetCrd } });
  packChart(charts, {
    name: 'app',
    values: { replicas: 1, extra: {} },
    crds: { 'crd.yaml': widgetCrd },
    templates: {
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  replicas: "{{ .Values.replicas }}"\n',
      'widget.yaml':
        '{{- if .Capabilities.APIVersions.Has "demo.example.com/v1/Widget" }}\napiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n{{- end }}\n',
    },
  });
  const release = (name: string, chart: string, extra: Partial<RenderableRelease> = {}): RenderableRelease => ({
    releaseName: name,
    component: name,
    chart,
    version: '1.0.0',
    namespace: 'apps',
    values: {},
    skipCrds: false,
    ...extra,
  });
  const target = (releases: RenderableRelease[], objects: KubeObject[] = []): RenderTargetInput => ({
    id: 't',
    releases,
    kustomizations: [],
    kubeVersion: '1.36',
    objects,
  });
  const setup = (binaries = true) => ({
    helm: binaries ? bundledHelmForTests() : { path: 'helm', version: '3.17.2', source: 'explicit' as const },
    kubectl: () => (binaries ? bundledKubectlForTests() : 'kubectl'),
    chartCache: charts,
    kustomizeCache: path.join(charts, 'kustomize'),
    renderCache: fs.mkdtempSync(path.join(TEST_CACHE, 'render-')),
    concurrency: 2,
  });
  fs.mkdirSync(TEST_CACHE, { recursive: true });

  withBinaries(
    'renders every release into rendered/<release>/<kind>.yaml, each CRD once, as the cluster would hold it',
    async () => {
      const t = target([release('widget-crd', 'widget-crd'), release('app', 'app', { skipCrds: true, values: { replicas: 2 } })]);
      const result = (await renderTargets([t], setup())).get('t');
      if (result instanceof Error) throw result;
      expect([...result!.files.keys()]).toEqual([
        'rendered/widget-crd/customresourcedefinition.yaml',
        'rendered/app/configmap.yaml',
        'rendered/app/widget.yaml',
      ]);
      // The app chart sees the Widget API the target installs, as it would on the running cluster.
      expect(YAML.parse(result!.files.get('rendered/app/widget.yaml')!)).toEqual({
        apiVersion: 'demo.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'apps' },
      });
      expect(YAML.parse(result!.files.get('rendered/app/configmap.yaml')!).data).toEqual({ replicas: '2' });
    },
  );

  withBinaries('throws when two releases install the same CRD, saying to set skipCrds', async () => {
    const result = (await renderTargets([target([release('widget-crd', 'widget-crd'), release('app', 'app')])], setup())).get(
      't',
    );
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(
      /t: objects applied twice: 1 problem\n {2}- CustomResourceDefinition\.apiextensions\.k8s\.io widgets\.demo\.example\.com = .*release widget-crd and release app.*set skipCrds/,
    );
  });

  withBinaries("throws when a release applies one of aiready's own objects", async () => {
    const result = (await renderTargets([target([release('app', 'app', { skipCrds: true })], [cm('app', 'apps')])], setup())).get(
      't',
    );
    expect((result as Error).message).toMatch(/ConfigMap apps\/app = .*aiready's own objects \(manifests\/\) and release app/);
  });

  withBinaries(
    'throws when a values key is not in the chart, from the chart itself when aiready has no data for it',
    async () => {
      const result = (await renderTargets([target([release('app', 'app', { values: { replica: 2 } })])], setup())).get('t');
      expect((result as Error).message).toMatch(
        /t releases: 1 problem\n {2}- app\.values\.replica = 2: app 1\.0\.0 has no values key replica.*nearest at the top: replicas/,
      );
    },
  );

  it('throws when a chart is not in the cache, naming the pull command', async () => {
    const result = (await renderTargets([target([release('x', 'missing')])], setup(false))).get('t');
    expect((result as Error).message).toContain('chart missing 1.0.0 is not in the chart cache');
  });

  withBinaries('with skipMissingCharts, leaves a release whose chart is missing unrendered and names it', async () => {
    const t = target([release('cfg', 'app', { skipCrds: true }), release('x', 'missing')]);
    const result = (await renderTargets([t], { ...setup(), skipMissingCharts: true })).get('t');
    if (result instanceof Error) throw result;
    expect(result!.unrendered).toEqual(['x (missing 1.0.0)']);
    expect([...result!.files.keys()]).toEqual(['rendered/cfg/configmap.yaml']);
  });
});
