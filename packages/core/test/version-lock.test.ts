import { CHARTS, DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../src';

describe('version lock', () => {
  test.each(Object.entries(CHARTS))('%s is fully pinned', (_key, pin) => {
    expect(pin.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    expect(pin.repository).toMatch(/^(https|oci):\/\//);
    expect(pin.namespace).toMatch(/^[a-z0-9-]+$/);
  });

  test('pins match the verified table', () => {
    expect(CHARTS.gpuOperator.version).toBe('v26.7.0');
    expect(CHARTS.karpenter.version).toBe('1.14.1');
    expect(CHARTS.karpenterCrd.version).toBe(CHARTS.karpenter.version);
    expect(CHARTS.argoWorkflows.appVersion).toMatch(/^v4\./);
  });

  test('hook-dependent charts are marked', () => {
    expect(CHARTS.argoWorkflows.hooks.essential).toBe(true);
    expect(CHARTS.kubeflowTrainer.hooks.essential).toBe(true);
    expect(CHARTS.karpenter.hooks.essential).toBe(false);
  });

  test('the default Kubernetes version is supported', () => {
    expect(SUPPORTED_KUBERNETES_VERSIONS).toContain(DEFAULT_KUBERNETES_VERSION);
  });
});
