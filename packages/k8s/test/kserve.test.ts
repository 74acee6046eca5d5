import { App, Chart } from 'cdk8s';
import { AiPlatform, Gpu, GpuInferenceService, GpuScalingSignal, KServeProps } from '../src';
import { Obj, only, releaseValues } from './util';

function platform(kserve: KServeProps) {
  const app = new App();
  const p = new AiPlatform(app, 'platform', {
    clusterName: 'c1',
    kserve,
    pools: [{ name: 'l40s', instanceTypes: ['g6e.xlarge'] }],
  });
  return { app, p };
}

describe('KServe', () => {
  test('CRD chart first, controller in Standard mode', () => {
    const { p } = platform({ certManagerInstalled: true });
    const objs = p.toJson() as Obj[];
    expect(releaseValues(objs, 'kserve-resources')).toEqual({ kserve: { controller: { deploymentMode: 'Standard' } } });
    const waves = Object.fromEntries(
      objs
        .filter((o) => o.kind === 'Application' && o.metadata.name.startsWith('kserve'))
        .map((o) => [o.metadata.name, Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])]),
    );
    expect(waves['kserve-crd']).toBeLessThan(waves['kserve-resources']);
  });

  test('inference services become InferenceServices on their pool', () => {
    const { app, p } = platform({ certManagerInstalled: true });
    const team = p.addTeam({ name: 'serving', gpuQuota: { l40s: 1 } });
    const chart = new Chart(app, 'apps');
    new GpuInferenceService(chart, 'llm', {
      name: 'llm',
      team,
      pool: p.pool('l40s'),
      gpusPerReplica: Gpu.whole(1),
      image: 'server:1',
      port: 8080,
    });
    const isvc = only(chart.toJson() as Obj[], 'InferenceService', 'llm');
    expect(isvc.spec.predictor.nodeSelector).toEqual({ 'aiready.dev/pool': 'l40s' });
    // g6e.xlarge: 4 vCPU and 32 GiB for its one L40S, 80% of it
    expect(isvc.spec.predictor.containers[0].resources).toEqual({
      requests: { cpu: '3200m', memory: '25Gi' },
      limits: { memory: '25Gi', 'nvidia.com/gpu': 1 },
    });
  });

  test.each([
    ['cert-manager is not confirmed', { certManagerInstalled: false }, /certManagerInstalled.*cert-manager/],
    [
      'serverless mode is asked without Knative',
      { certManagerInstalled: true, deploymentMode: 'Knative' as const },
      /deploymentMode = "Knative".*Knative Serving/,
    ],
  ])('throws when %s', (_why, props, message) => {
    expect(() => platform(props)).toThrow(message);
  });

  test('throws when KEDA would scale a KServe service', () => {
    const { app, p } = platform({ certManagerInstalled: true });
    const team = p.addTeam({ name: 'serving', gpuQuota: { l40s: 1 } });
    expect(
      () =>
        new GpuInferenceService(new Chart(app, 'apps'), 'llm', {
          name: 'llm',
          team,
          pool: p.pool('l40s'),
          gpusPerReplica: Gpu.whole(1),
          image: 'server:1',
          port: 8080,
          autoscaling: { signal: GpuScalingSignal.engineActivity(0.5), prometheusAddress: 'http://p:9090' },
        }),
    ).toThrow(/autoscaling.*KServe scales/);
  });
});
