import { GpuPoolSpec } from '@aiready/core';
import { Testing } from 'cdk8s';
import { GpuInferenceScaler, GpuNodePool, GpuScalingSignal, Keda } from '../src';
import { only, releaseValues, synth } from './util';

const PROM = 'http://prometheus-operated.monitoring:9090';

function scaler(
  props: Partial<ConstructorParameters<typeof GpuInferenceScaler>[2]> = {},
  spec: GpuPoolSpec = { name: 'l4', instanceTypes: ['g6.xlarge'] },
) {
  const chart = Testing.chart();
  const pool =
    spec.provisioner === 'managed-node-group'
      ? GpuNodePool.fromManagedNodeGroup(chart, 'p', spec)
      : new GpuNodePool(chart, 'p', { ...spec, clusterName: 'c1' });
  new GpuInferenceScaler(chart, 's', {
    deployment: { name: 'llm', namespace: 'serving' },
    pool,
    prometheusAddress: PROM,
    signal: GpuScalingSignal.engineActivity(0.6),
    ...props,
  });
  return synth(chart);
}

describe('Keda', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    new Keda(chart, 'keda');
    const objs = synth(chart);
    expect(releaseValues(objs, 'keda')).toEqual({ crds: { install: true } });
    expect(only(objs, 'Namespace', 'keda').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });
});

describe('GpuInferenceScaler', () => {
  test('defaults: scale on GPU engine activity of the deployment pods, with a fallback', () => {
    const so = only(scaler(), 'ScaledObject', 'llm');
    expect(so).toMatchSnapshot();
    expect(so.spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 10,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 1 },
    });
    expect(so.spec.triggers[0].metadata.query).toBe(
      'avg(avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE{namespace="serving", pod=~"llm-.*"}[60s]))',
    );
    expect(so.spec.triggers[0].metadata.threshold).toBe('0.6');
  });

  test('queue depth sums a metric of the deployment', () => {
    const so = only(scaler({ signal: GpuScalingSignal.queueDepth('vllm:num_requests_waiting', 8) }), 'ScaledObject');
    expect(so.spec.triggers[0].metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="serving", pod=~"llm-.*"})');
  });

  test('scale to zero on an outside signal', () => {
    const so = only(
      scaler({ minReplicas: 0, signal: GpuScalingSignal.query('sum(gateway_queue{route="llm"})', 4) }),
      'ScaledObject',
    );
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.fallback.replicas).toBe(1);
  });

  const bad: [string, object, GpuPoolSpec | undefined, RegExp][] = [
    ['there is no Prometheus to query', { prometheusAddress: '' }, undefined, /prometheusAddress.*needs the Prometheus/],
    [
      'a pod-level signal is asked to wake a deployment from zero',
      { minReplicas: 0 },
      undefined,
      /minReplicas = 0.*can never wake it/,
    ],
    [
      'scale to zero is asked on a pool that keeps nodes',
      { minReplicas: 0, signal: GpuScalingSignal.query('sum(q)', 1) },
      { name: 'm', instanceTypes: ['g6.xlarge'], provisioner: 'managed-node-group', minNodes: 1 },
      /minReplicas = 0.*keeps at least 1 node/,
    ],
    [
      'the engine activity target is not a ratio',
      { signal: GpuScalingSignal.engineActivity(60) },
      undefined,
      /signal = 60.*ratio/,
    ],
    ['the queue metric name is invalid', { signal: GpuScalingSignal.queueDepth('not a metric', 4) }, undefined, /signal\.metric/],
    [
      'a query uses a DCGM metric the exporter does not collect',
      { signal: GpuScalingSignal.query('avg(DCGM_FI_PROF_NOT_A_METRIC)', 0.5) },
      undefined,
      /DCGM_FI_PROF_NOT_A_METRIC.*does not collect/,
    ],
    ['max is below min', { minReplicas: 5, maxReplicas: 2 }, undefined, /maxReplicas/],
  ];
  test.each(bad)('throws when %s', (_why, props, spec, message) => {
    expect(() => scaler(props, spec)).toThrow(message);
  });
});
