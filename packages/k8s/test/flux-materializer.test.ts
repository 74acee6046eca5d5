import { AireadyValidationError, ChartPin, CHARTS } from '@aiready/core';
import { Testing } from 'cdk8s';
import { validateObjects } from '@aiready/validate';
import {
  FluxMaterializerOptions,
  HelmRelease,
  HelmReleaseProps,
  Karpenter,
  KubeflowPipelines,
  kustomizePatches,
  ReleaseMaterializer,
} from '../src';
import { only, Obj, synth } from './util';

function setup(options: Partial<FluxMaterializerOptions> = {}) {
  const chart = Testing.chart();
  const m = ReleaseMaterializer.flux({ path: './clusters/prod/ai', ...options });
  return { chart, m };
}

function release(
  pin: ChartPin,
  m: ReturnType<typeof setup>['m'],
  chart: ReturnType<typeof setup>['chart'],
  extra: Partial<HelmReleaseProps> = {},
) {
  return new HelmRelease(chart, extra.releaseName ?? pin.id, { pin, component: pin.id, values: {}, materializer: m, ...extra });
}

describe('Flux HelmRelease', () => {
  test('an HTTPS chart: HelmRelease pinned to the locked version, from a HelmRepository', () => {
    // GIVEN
    const { chart, m } = setup();
    release(CHARTS.keda, m, chart, { values: { resources: { operator: { limits: { cpu: '1' } } } } });
    // WHEN
    const objs = synth(chart);
    // THEN
    expect(objs).toMatchSnapshot();
    const hr = only(objs, 'HelmRelease', 'keda');
    expect(hr.metadata).toMatchObject({ namespace: 'flux-system', annotations: { 'aiready.dev/install-wave': '-1' } });
    expect(hr.spec.chart.spec).toEqual({
      chart: 'keda',
      version: CHARTS.keda.version,
      sourceRef: { kind: 'HelmRepository', name: 'kedacore-github-io-charts' },
    });
    expect(hr.spec).toMatchObject({
      releaseName: 'keda',
      targetNamespace: 'keda',
      storageNamespace: 'keda',
      values: { resources: { operator: { limits: { cpu: '1' } } } },
      driftDetection: { mode: 'enabled' },
      install: { remediation: { retries: 3 } },
      upgrade: { cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } },
    });
    expect(only(objs, 'HelmRepository').spec).toEqual({ url: CHARTS.keda.repository, interval: '1h' });
  });

  test('an OCI chart: chartRef to an OCIRepository holding that chart at the locked tag', () => {
    const { chart, m } = setup();
    release(CHARTS.kueue, m, chart);
    const objs = synth(chart);
    expect(only(objs, 'HelmRelease').spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'kueue' });
    expect(only(objs, 'HelmRelease').spec.chart).toBeUndefined();
    expect(only(objs, 'OCIRepository').spec).toEqual({
      url: 'oci://registry.k8s.io/kueue/charts/kueue',
      ref: { tag: CHARTS.kueue.version },
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      interval: '1h',
    });
  });

  test('sources are shared: one HelmRepository per repository, one OCIRepository per chart and version', () => {
    // GIVEN two charts from argo-helm, two releases of one OCI chart, and a second chart of that registry
    const { chart, m } = setup();
    release(CHARTS.argoWorkflows, m, chart);
    release(CHARTS.argoCd, m, chart);
    release(CHARTS.karpenterCrd, m, chart);
    release(CHARTS.karpenterCrd, m, chart, { releaseName: 'karpenter-crd-copy' });
    release(CHARTS.karpenter, m, chart);
    // WHEN
    const objs = synth(chart);
    // THEN
    expect(objs.filter((o) => o.kind === 'HelmRepository').map((o) => o.metadata.name)).toEqual(['argoproj-github-io-argo-helm']);
    expect(objs.filter((o) => o.kind === 'OCIRepository').map((o) => o.metadata.name)).toEqual(['karpenter-crd', 'karpenter']);
    const byRelease = (n: string) =>
      only(objs, 'HelmRelease', n).spec.chartRef?.name ?? only(objs, 'HelmRelease', n).spec.chart.spec.sourceRef.name;
    expect(['argo-workflows', 'argo-cd', 'karpenter-crd', 'karpenter-crd-copy', 'karpenter'].map(byRelease)).toEqual([
      'argoproj-github-io-argo-helm',
      'argoproj-github-io-argo-helm',
      'karpenter-crd',
      'karpenter-crd',
      'karpenter',
    ]);
  });

  test('one chart at two versions gets two OCIRepositories', () => {
    const { chart, m } = setup();
    release(CHARTS.jobset, m, chart);
    release({ ...CHARTS.jobset, version: '0.11.0' }, m, chart, { releaseName: 'jobset-old' });
    const sources = synth(chart).filter((o) => o.kind === 'OCIRepository');
    expect(sources.map((o) => [o.metadata.name, o.spec.ref.tag])).toEqual([
      ['jobset', CHARTS.jobset.version],
      ['jobset-2', '0.11.0'],
    ]);
  });

  it.each([
    ['a chart that ships CRDs', {}, 'CreateReplace'],
    ['a chart whose CRDs another release owns', { skipCrds: true }, 'Skip'],
  ])('CRD policy of %s: %s on install and upgrade, as Argo CD applies them', (_what, extra, policy) => {
    const { chart, m } = setup();
    release(CHARTS.gpuOperator, m, chart, extra);
    const spec = only(synth(chart), 'HelmRelease').spec;
    expect([spec.install.crds, spec.upgrade.crds]).toEqual([policy, policy]);
  });

  test('Helm hooks stay on: argo-workflows installs its CRDs through one', () => {
    const { chart, m } = setup();
    const r = release(CHARTS.argoWorkflows, m, chart);
    expect(r.spec.needsHooks).toBe(true);
    expect(JSON.stringify(synth(chart))).not.toContain('disableHooks');
  });

  test('dependsOn: the CRD chart of the component and the HelmReleases named in after, not kustomize bases', () => {
    // GIVEN Karpenter (CRD chart, then controller) and a release after the controller and a kustomize base
    const { chart, m } = setup();
    new Karpenter(chart, 'karpenter', { clusterName: 'c1', releaseMaterializer: m });
    new KubeflowPipelines(chart, 'kfp', { releaseMaterializer: m });
    release(CHARTS.clusterAutoscaler, m, chart, { wave: 1, after: ['karpenter', 'kubeflow-pipelines'] });
    // WHEN
    const objs = synth(chart);
    // THEN
    expect(only(objs, 'HelmRelease', 'karpenter').spec.dependsOn).toEqual([{ name: 'karpenter-crd' }]);
    expect(only(objs, 'HelmRelease', 'karpenter').spec.install.crds).toBe('Skip');
    expect(only(objs, 'HelmRelease', 'karpenter-crd').spec.dependsOn).toBeUndefined();
    expect(only(objs, 'HelmRelease', 'cluster-autoscaler').spec.dependsOn).toEqual([{ name: 'karpenter' }]);
  });

  test('valuesFrom: Secret references, merged before the inline values', () => {
    const { chart, m } = setup({
      valuesFrom: {
        'kube-prometheus-stack': [
          { secretName: 'grafana-admin', valuesKey: 'admin-password', targetPath: 'grafana.adminPassword' },
          { secretName: 'monitoring-values', optional: true },
        ],
      },
    });
    release(CHARTS.kubePrometheusStack, m, chart);
    // The Secret Flux must find is a prerequisite the summary lists (optional ones are not).
    expect(m.secretPrerequisites).toEqual([
      {
        namespace: 'flux-system',
        name: 'grafana-admin',
        keys: ['admin-password'],
        purpose: 'values of kube-prometheus-stack (Flux valuesFrom)',
      },
    ]);
    expect(only(synth(chart), 'HelmRelease').spec.valuesFrom).toEqual([
      { kind: 'Secret', name: 'grafana-admin', valuesKey: 'admin-password', targetPath: 'grafana.adminPassword' },
      { kind: 'Secret', name: 'monitoring-values', optional: true },
    ]);
  });
});

describe('Flux Kustomization of a kustomize base', () => {
  test('a GitRepository at the pinned tag, shared by the bases, and the same patches as under Argo CD', () => {
    // GIVEN Kubeflow Pipelines under Flux
    const { chart, m } = setup();
    const kfp = new KubeflowPipelines(chart, 'kfp', { releaseMaterializer: m });
    // WHEN
    const objs = synth(chart);
    // THEN
    expect(objs.filter((o) => o.kind === 'GitRepository' || o.kind === 'Kustomization')).toMatchSnapshot();
    expect(only(objs, 'GitRepository').spec).toEqual({
      url: 'https://github.com/kubeflow/pipelines',
      ref: { tag: '2.17.0' },
      interval: '1h',
    });
    const cluster = only(objs, 'Kustomization', 'kubeflow-pipelines-cluster');
    expect(cluster.metadata.annotations).toEqual({
      'aiready.dev/install-wave': '-2',
      'aiready.dev/creates-namespace': 'kubeflow',
    });
    expect(cluster.spec).toMatchObject({
      path: './manifests/kustomize/cluster-scoped-resources',
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'github-com-kubeflow-pipelines' },
      patches: kustomizePatches(kfp.kustomizations[0].spec),
    });
    expect(only(objs, 'Kustomization', 'kubeflow-pipelines').spec.patches).toBeUndefined();
  });
});

test('every Flux object is valid against the upstream Flux CRDs (bundled schemas, CEL rules included)', () => {
  // GIVEN every kind aiready writes for Flux, options included
  const { chart, m } = setup({
    valuesFrom: {
      'kube-prometheus-stack': [{ secretName: 'grafana-admin', valuesKey: 'p', targetPath: 'grafana.adminPassword' }],
    },
  });
  new Karpenter(chart, 'karpenter', { clusterName: 'c1', releaseMaterializer: m });
  new KubeflowPipelines(chart, 'kfp', { releaseMaterializer: m });
  release(CHARTS.kubePrometheusStack, m, chart);
  // WHEN
  const flux = synth(chart).filter((o: Obj) => o.apiVersion.includes('fluxcd.io'));
  const report = validateObjects(flux.map((object: Obj) => ({ object })));
  // THEN
  expect(new Set(flux.map((o: Obj) => o.kind))).toEqual(
    new Set(['HelmRelease', 'HelmRepository', 'OCIRepository', 'GitRepository', 'Kustomization']),
  );
  expect(report.problems).toEqual([]);
  expect(report.checked).toBe(flux.length);
  // The validator is strict: an unknown field fails.
  const hr = flux.find((o: Obj) => o.kind === 'HelmRelease');
  expect(validateObjects([{ object: { ...hr, spec: { ...hr.spec, bogus: true } } }]).problems).not.toEqual([]);
});

describe('Flux materialiser with bad input', () => {
  it.each([
    ['s3://charts-bucket/stable', 'is not a repository Flux can fetch charts from'],
    ['./charts/gpu-operator', 'is not a repository Flux can fetch charts from'],
    ['http://charts.example.com', 'is a plain-HTTP chart repository'],
  ])('throws when the chart repository is %s', (repository, problem) => {
    // GIVEN a chart pinned to that repository
    const { chart, m } = setup();
    // WHEN
    let error: unknown;
    try {
      release({ ...CHARTS.keda, repository }, m, chart);
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(AireadyValidationError);
    const [p] = (error as AireadyValidationError).problems;
    expect(p).toMatchObject({ path: 'repository', value: repository });
    expect(p.problem).toContain(problem);
    expect(p.fix).toMatch(/HTTPS|OCI/);
  });

  test('throws when a value is a credential literal, with the valuesFrom to use instead and no value shown', () => {
    const make = () => {
      const { chart, m } = setup();
      release(CHARTS.kubePrometheusStack, m, chart, { overrides: { grafana: { adminPassword: 'hunter2' } } });
    };
    expect(make).toThrow(AireadyValidationError);
    expect(make).toThrow(
      "valuesFrom: { 'kube-prometheus-stack': [{ secretName: '<secret>', valuesKey: '<key>', targetPath: 'grafana.adminPassword' }] }",
    );
    expect(make).not.toThrow(/hunter2/);
  });

  test('throws when valuesFrom targets a path the values also set (values win, the Secret would be ignored)', () => {
    const { chart, m } = setup({ valuesFrom: { keda: [{ secretName: 's', targetPath: 'image.keda.tag' }] } });
    expect(() => release(CHARTS.keda, m, chart, { values: { image: { keda: { tag: 'x' } } } })).toThrow(
      "the release's values set image.keda.tag too, and Flux merges values over valuesFrom, so the Secret would be ignored",
    );
  });

  test('throws at synth when valuesFrom names a release the platform does not install', () => {
    const { chart, m } = setup({ valuesFrom: { kedda: [{ secretName: 's' }] } });
    release(CHARTS.keda, m, chart);
    expect(() => synth(chart)).toThrow('valuesFrom["kedda"] = "kedda": names no Helm release of the platform');
    expect(() => synth(chart)).toThrow('did you mean keda?');
  });

  test('throws at synth when the releases wait for each other in a cycle', () => {
    const { chart, m } = setup();
    release(CHARTS.keda, m, chart, { after: ['kueue'] });
    release(CHARTS.kueue, m, chart, { after: ['keda'] });
    expect(() => synth(chart)).toThrow('the install order has a cycle: keda → kueue → keda');
  });
});
