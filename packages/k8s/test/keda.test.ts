import { GpuPoolSpec, Sharing } from '@aiready/core';
import { Testing } from 'cdk8s';
import { GpuInferenceScaler, GpuNodePool, GpuScalingSignal, Keda } from '../src';
import { evaluate } from './support/promql/engine';
import { loadSeries } from './support/promql/rule-runner';
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
      'sum(avg by (pod) (avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE{namespace="serving", pod=~"llm-[a-z0-9]+-[a-z0-9]+"}[60s])))',
    );
    expect(so.spec.triggers[0].metadata.threshold).toBe('0.6');
    expect(so.spec.triggers[0].metricType).toBe('AverageValue');
  });

  // Worked example: KEDA's AverageValue makes the HPA ask for ceil(query value / threshold) replicas.
  // The old query averaged a 0-1 ratio, so the answer could never pass ceil(1 / 0.6) = 2.
  it.each<[string, string[], number]>([
    ['3 pods at 90% want 5 replicas', ['0.9', '0.9', '0.9'], 5],
    ['3 pods at 30% want 2 replicas', ['0.3', '0.3', '0.3'], 2],
    ['5 saturated pods want 9 replicas (capped by maxReplicas)', ['1', '1', '1', '1', '1'], 9],
  ])('engine activity: %s', (_what, activity, replicas) => {
    // GIVEN the deployment's pods (and a pod of another deployment named llm-large) at some activity
    const so = only(scaler(), 'ScaledObject', 'llm');
    const storage = loadSeries(
      [
        ...activity.map((a, i) => ({
          series: `DCGM_FI_PROF_GR_ENGINE_ACTIVE{job="nvidia-dcgm-exporter", node="n1", gpu="${i}", UUID="GPU-${i}", namespace="serving", pod="llm-7d9f8c6b5-${i}x2k", container="vllm"}`,
          values: `${a}x10`,
        })),
        {
          series:
            'DCGM_FI_PROF_GR_ENGINE_ACTIVE{job="nvidia-dcgm-exporter", node="n2", gpu="0", UUID="GPU-9", namespace="serving", pod="llm-large-5c4b-7k", container="vllm"}',
          values: '1x10',
        },
      ],
      '15s',
    );
    // WHEN KEDA runs the query and the HPA applies AverageValue
    const v = evaluate(so.spec.triggers[0].metadata.query, 150_000, storage);
    const total = v.kind === 'vector' ? v.samples[0].v : NaN;
    // THEN it asks for ceil(total / threshold) replicas
    expect(Math.ceil(Math.round((total / Number(so.spec.triggers[0].metadata.threshold)) * 1e6) / 1e6)).toBe(replicas);
  });

  test('throws when GPU activity would scale a deployment on time-shared GPUs', () => {
    expect(() => scaler({}, { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) })).toThrow(
      /shares each GPU.*queueDepth/,
    );
  });

  test('queue depth sums a metric of the deployment', () => {
    const so = only(scaler({ signal: GpuScalingSignal.queueDepth('vllm:num_requests_waiting', 8) }), 'ScaledObject');
    expect(so.spec.triggers[0].metadata.query).toBe(
      'sum(vllm:num_requests_waiting{namespace="serving", pod=~"llm-[a-z0-9]+-[a-z0-9]+"})',
    );
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
