import { Testing } from 'cdk8s';
import { ArgoWorkflows, Karpenter, CpuNodePool } from '../src';
import { only, releaseValues, synth } from './util';

describe('Karpenter', () => {
  test('defaults: the CRD chart installs before the controller', () => {
    const chart = Testing.chart();
    new Karpenter(chart, 'k', { clusterName: 'c1' });
    const objs = synth(chart);
    expect(objs).toMatchSnapshot();
    const crds = only(objs, 'Application', 'karpenter-crd');
    const controller = only(objs, 'Application', 'karpenter');
    expect(Number(crds.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(
      Number(controller.metadata.annotations['argocd.argoproj.io/sync-wave']),
    );
    // One owner per CRD: the controller chart's crds/ copies are skipped (Argo CD `helm.skipCrds`).
    expect(controller.spec.source.helm.skipCrds).toBe(true);
    expect(crds.spec.source.helm.skipCrds).toBeUndefined();
    expect(releaseValues(objs, 'karpenter').settings).toEqual({
      clusterName: 'c1',
      interruptionQueue: 'c1',
      featureGates: { spotToSpotConsolidation: false },
    });
  });

  test('OCI charts get one repository declaration without credentials', () => {
    const chart = Testing.chart();
    new Karpenter(chart, 'k', { clusterName: 'c1' });
    const secret = only(synth(chart), 'Secret');
    expect(secret.stringData).toEqual({
      type: 'helm',
      name: expect.any(String),
      url: 'public.ecr.aws/karpenter',
      enableOCI: 'true',
    });
    expect(only(synth(chart), 'Application', 'karpenter').spec.source.repoURL).toBe('public.ecr.aws/karpenter');
  });

  test.each([
    ['clusterName', { clusterName: 'Bad Name' }],
    ['replicas', { clusterName: 'c1', replicas: 0 }],
  ])('throws when %s is invalid', (field, props) => {
    expect(() => new Karpenter(Testing.chart(), 'k', props)).toThrow(new RegExp(`${field} = `));
  });
});

describe('CpuNodePool', () => {
  test('excludes every instance with a GPU', () => {
    const chart = Testing.chart();
    new CpuNodePool(chart, 'cpu', { clusterName: 'c1' });
    const np = only(synth(chart), 'NodePool', 'default');
    expect(np.spec.template.spec.requirements).toContainEqual({
      key: 'karpenter.k8s.aws/instance-gpu-count',
      operator: 'DoesNotExist',
    });
    expect(np.spec.template.spec.taints).toBeUndefined();
    expect(only(synth(chart), 'EC2NodeClass').spec.metadataOptions.httpPutResponseHopLimit).toBe(1);
  });
});

describe('ArgoWorkflows', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    new ArgoWorkflows(chart, 'argo');
    const objs = synth(chart);
    expect(objs).toMatchSnapshot();
    const values = releaseValues(objs, 'argo-workflows');
    expect(values.server.authModes).toEqual(['client']);
    expect(values.crds).toMatchObject({ install: true, full: true });
    expect(values.useStaticCredentials).toBe(false);
    expect(only(objs, 'Application').spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  test('parallelism reaches the controller', () => {
    const chart = Testing.chart();
    new ArgoWorkflows(chart, 'argo', { parallelism: 10 });
    expect(releaseValues(synth(chart), 'argo-workflows').controller.parallelism).toBe(10);
  });

  test.each([
    ['authModes', { authModes: [] }],
    ['authModes', { authModes: ['oauth' as never] }],
    ['parallelism', { parallelism: 0 }],
  ])('throws when %s is invalid', (field, props) => {
    expect(() => new ArgoWorkflows(Testing.chart(), 'argo', props)).toThrow(new RegExp(`${field} = .*Fix:`));
  });
});

describe('Karpenter settings', () => {
  test('spot-to-spot consolidation is off unless asked; the controller can be pinned to system nodes', () => {
    const chart = Testing.chart();
    new Karpenter(chart, 'k', {
      clusterName: 'c1',
      featureGates: { nodeRepair: true },
      controllerNodeSelector: { 'aiready.dev/pool': 'system' },
    });
    const values = releaseValues(synth(chart), 'karpenter');
    expect(values.settings.featureGates).toEqual({ spotToSpotConsolidation: false, nodeRepair: true });
    expect(values.nodeSelector).toEqual({ 'aiready.dev/pool': 'system' });
  });

  test('throws when interruption handling points at no queue', () => {
    expect(() => new Karpenter(Testing.chart(), 'k', { clusterName: 'c1', interruptionQueue: '' })).toThrow(
      /interruptionQueue = "".*watch nothing/,
    );
  });
});
