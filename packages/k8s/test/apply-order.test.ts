import { AireadyValidationError } from '@aiready/core';
import {
  applyPhase,
  argoCdOrder,
  checkInstallOrder,
  createdNamespaces,
  installOrderProblems,
  KustomizationSpec,
  objectWave,
  planReleaseOrder,
  ReleaseSpec,
} from '../src';

function release(name: string, wave: number, extra: Partial<ReleaseSpec> = {}): ReleaseSpec {
  return {
    releaseName: name,
    component: name,
    chart: name,
    repository: 'https://charts.example.com',
    version: '1.0.0',
    namespace: name,
    values: {},
    ownsCrds: false,
    needsHooks: false,
    wave,
    after: [],
    skipCrds: false,
    ...extra,
  };
}

function base(name: string, wave: number, extra: Partial<KustomizationSpec> = {}): KustomizationSpec {
  return {
    name,
    component: 'kfp',
    repository: 'https://github.com/example/repo',
    ref: 'v1',
    path: 'manifests',
    namespace: 'kubeflow',
    ownsCrds: false,
    createsNamespace: false,
    wave,
    ...extra,
  };
}

const KUBEFLOW = new Map([['kubeflow', -2]]);

describe('objectWave', () => {
  it.each([
    ['Namespace', 'v1', undefined, -10],
    ['ConfigMap', 'v1', 'gpu-operator', -5],
    ['ClusterRole', 'rbac.authorization.k8s.io/v1', undefined, -5],
    ['NetworkPolicy', 'networking.k8s.io/v1', 'research', -5],
    ['Deployment', 'apps/v1', 'inference', 0],
    ['NodePool', 'karpenter.sh/v1', undefined, 1],
    ['ServiceMonitor', 'monitoring.coreos.com/v1', 'monitoring', 1],
    // In the namespace a kustomize base (wave -2) creates: after the base.
    ['NetworkPolicy', 'networking.k8s.io/v1', 'kubeflow', -1],
    ['Deployment', 'apps/v1', 'kubeflow', 0],
    ['ServiceMonitor', 'monitoring.coreos.com/v1', 'kubeflow', 1],
  ])('%s (%s) in %s: wave %d', (kind, apiVersion, namespace, wave) => {
    // GIVEN an object; WHEN its wave is taken with Kubeflow's namespace created at wave -2; THEN
    expect(objectWave({ kind, apiVersion, metadata: { namespace } }, KUBEFLOW)).toBe(wave);
  });

  test('a namespace is never ordered after the base that creates a namespace of its name', () => {
    expect(objectWave({ kind: 'Namespace', apiVersion: 'v1', metadata: { namespace: 'kubeflow' } }, KUBEFLOW)).toBe(-10);
  });

  test('configuration kinds of a custom API group are custom resources', () => {
    expect(applyPhase({ kind: 'ConfigMap', apiVersion: 'example.com/v1' })).toBe('after-releases');
  });
});

describe('createdNamespaces', () => {
  test('only bases that create their namespace', () => {
    // GIVEN Kubeflow Pipelines' two bases
    const bases = [base('cluster', -2, { createsNamespace: true }), base('env', -1)];
    // WHEN / THEN
    expect([...createdNamespaces(bases)]).toEqual([['kubeflow', -2]]);
  });
});

describe('argoCdOrder', () => {
  it.each([
    [{ kind: 'Namespace', apiVersion: 'v1' }, { 'argocd.argoproj.io/sync-wave': '-10' }],
    [{ kind: 'Secret', apiVersion: 'v1', metadata: { namespace: 'x' } }, { 'argocd.argoproj.io/sync-wave': '-5' }],
    [{ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { namespace: 'x' } }, undefined],
    [
      { kind: 'NodePool', apiVersion: 'karpenter.sh/v1' },
      { 'argocd.argoproj.io/sync-wave': '1', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' },
    ],
    [
      { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { namespace: 'kubeflow' } },
      { 'argocd.argoproj.io/sync-wave': '-1' },
    ],
  ])('%j: %j', (obj, annotations) => {
    expect(argoCdOrder(obj, KUBEFLOW)).toEqual(annotations);
  });
});

describe('planReleaseOrder', () => {
  test('a release waits for the CRD owners of its component and for what it names', () => {
    // GIVEN karpenter's two charts and a release naming a kustomize base
    const crd = release('karpenter-crd', -1, { component: 'karpenter', ownsCrds: true });
    const controller = release('karpenter', 0, { component: 'karpenter' });
    const argo = release('argo-workflows', -1, { ownsCrds: true, after: ['kfp-cluster'] });
    // WHEN
    const plan = planReleaseOrder([crd, controller, argo]);
    // THEN
    expect(plan.map((e) => [e.release.releaseName, e.after])).toEqual([
      ['karpenter-crd', []],
      ['karpenter', ['karpenter-crd']],
      ['argo-workflows', ['kfp-cluster']],
    ]);
  });
});

describe('installOrderProblems', () => {
  test('none for the order aiready builds', () => {
    // GIVEN CRD owners at -1, Argo Workflows after Kubeflow Pipelines' cluster base at -2
    const releases = [
      release('karpenter-crd', -1, { ownsCrds: true }),
      release('karpenter', 0),
      release('argo-workflows', -1, { ownsCrds: true, after: ['kfp-cluster'] }),
    ];
    // WHEN / THEN
    expect(installOrderProblems(releases, [base('kfp-cluster', -2, { ownsCrds: true }), base('kfp', -1)])).toEqual([]);
  });

  test('throws when after names nothing, with the names it could use', () => {
    const releases = [release('a', 0, { after: ['kfp-clustr'] }), release('b', -1)];
    expect(() => checkInstallOrder('platform', releases, [base('kfp-cluster', -2)])).toThrow(
      /releases\["a"\]\.after = "kfp-clustr": names no release or kustomize base of the platform\. Fix: name one of a, b, kfp-cluster/,
    );
  });

  test('throws when the after entries form a cycle, naming it', () => {
    // GIVEN a waits for b, b for c, c for a
    const releases = [release('a', 0, { after: ['b'] }), release('b', 0, { after: ['c'] }), release('c', 0, { after: ['a'] })];
    // WHEN
    const problems = installOrderProblems(releases);
    // THEN one problem, the cycle, and no wave complaints about its edges
    expect(problems).toHaveLength(1);
    expect(problems[0].problem).toBe('the install order has a cycle: a → b → c → a; none of them could ever be installed');
    expect(problems[0].fix).toContain('drop one of the after entries');
    expect(() => checkInstallOrder('platform', releases)).toThrow(AireadyValidationError);
  });

  it.each([
    ['the same wave', 0],
    ['a higher wave', 1],
  ])('throws when a release waits for one in %s', (_what, targetWave) => {
    const releases = [release('a', 0, { after: ['b'] }), release('b', targetWave)];
    const problems = installOrderProblems(releases);
    expect(problems.map((p) => p.problem)).toEqual([
      `a waits for b, but installs in wave 0 and b in wave ${targetWave}; Argo CD, Flux and Pulumi install wave by wave`,
    ]);
    expect(problems[0].fix).toBe(`give a a wave above ${targetWave} (or b one below 0)`);
  });

  test('throws when a CRD owner installs with or after the custom resources', () => {
    const problems = installOrderProblems([release('crds', 1, { ownsCrds: true })]);
    expect(problems.map((p) => [p.path, p.value])).toEqual([['releases["crds"].wave', 1]]);
    expect(problems[0].fix).toBe('give it a wave below 1');
  });

  test('throws when two releases share a name', () => {
    const problems = installOrderProblems([release('a', 0), release('a', -1)]);
    expect(problems.map((p) => p.path)).toEqual(['releases["a"]']);
  });
});
