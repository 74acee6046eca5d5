import { AireadyValidationError, DCGM_METRIC_NAMES, dcgmMetricsIn, ValidationProblem } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels } from '../private/metadata';

/** The pods of a Deployment (`<name>-<replica set hash>-<suffix>`), not of another one named `<name>-…`. */
function deploymentPods(name: string): string {
  return `${name}-[a-z0-9]+-[a-z0-9]+`;
}

/** What an inference deployment scales on. */
export class GpuScalingSignal {
  /**
   * GPU engine activity per pod (DCGM `DCGM_FI_PROF_GR_ENGINE_ACTIVE`, 0 to 1, which also works per
   * MIG slice), kept near `target`: the query sums each pod's activity over the deployment's pods and
   * KEDA's `AverageValue` divides by the replicas, so the HPA asks for `ceil(sum / target)` replicas
   * (3 pods at 0.9 with target 0.6 → 5). Not on time-sliced or MPS pools: every pod sharing a GPU
   * sees the whole GPU's activity, its neighbours' included.
   */
  public static engineActivity(target: number): GpuScalingSignal {
    return new GpuScalingSignal(
      'engine-activity',
      target,
      (ns, name, window) =>
        `sum(avg by (pod) (avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE{namespace="${ns}", pod=~"${deploymentPods(name)}"}[${window}])))`,
    );
  }

  /**
   * A request-queue depth (for example vLLM's `vllm:num_requests_waiting`), summed over the
   * deployment: add a replica per `perReplica` waiting requests. `metric` is a Prometheus metric name.
   */
  public static queueDepth(metric: string, perReplica: number): GpuScalingSignal {
    return new GpuScalingSignal(
      'queue-depth',
      perReplica,
      (ns, name) => `sum(${metric}{namespace="${ns}", pod=~"${deploymentPods(name)}"})`,
      metric,
    );
  }

  /**
   * A PromQL query measured outside the deployment's pods (a gateway's queue, a broker's backlog):
   * the only kind of signal that can wake a deployment scaled to zero.
   */
  public static query(promql: string, threshold: number): GpuScalingSignal {
    return new GpuScalingSignal('query', threshold, () => promql);
  }

  private constructor(
    public readonly kind: 'engine-activity' | 'queue-depth' | 'query',
    public readonly threshold: number,
    private readonly render: (namespace: string, deployment: string, window: string) => string,
    public readonly metric?: string,
  ) {}

  /**
   * The signal's PromQL for one deployment over `window`.
   * @internal
   */
  public _query(namespace: string, deployment: string, window: string): string {
    return this.render(namespace, deployment, window);
  }
}

/** The most replicas a scaler adds unless told otherwise. */
export const DEFAULT_MAX_REPLICAS = 10;

/** Props of `GpuInferenceScaler`. */
export interface GpuInferenceScalerProps {
  /** The Deployment to scale: its name and namespace. */
  readonly deployment: { readonly name: string; readonly namespace: string };
  /** The pool the deployment runs on; it decides whether scaling to zero is safe. */
  readonly pool: IGpuPool;
  /** URL of the Prometheus that scrapes the DCGM exporter (`http://prometheus-operated.monitoring:9090`). */
  readonly prometheusAddress: string;
  /** What to scale on. */
  readonly signal: GpuScalingSignal;
  /**
   * Fewest replicas. Zero lets idle GPUs go: only on pools that can scale from zero.
   * @default 1
   */
  readonly minReplicas?: number;
  /**
   * Most replicas.
   * @default 10
   */
  readonly maxReplicas?: number;
  /**
   * Seconds after the last activity before scaling to zero.
   * @default 300
   */
  readonly cooldownSeconds?: number;
  /**
   * Seconds between metric checks.
   * @default 30
   */
  readonly pollingSeconds?: number;
  /**
   * Replicas to hold when Prometheus cannot be queried (3 failures in a row); `false` to keep the
   * current count instead.
   * @default - minReplicas, or 1 when minReplicas is 0
   */
  readonly fallbackReplicas?: number | false;
}

/**
 * A KEDA `ScaledObject` that scales a GPU inference Deployment on DCGM GPU activity or on request
 * queue depth, with the PromQL written and checked by aiready (every DCGM metric it uses is one the
 * exporter collects).
 */
export class GpuInferenceScaler extends Construct {
  public readonly scaledObject: ApiObject;

  constructor(scope: Construct, id: string, props: GpuInferenceScalerProps) {
    super(scope, id);
    const min = props.minReplicas ?? 1;
    const max = props.maxReplicas ?? DEFAULT_MAX_REPLICAS;
    const cooldown = props.cooldownSeconds ?? 300;
    const polling = props.pollingSeconds ?? 30;
    const pool = props.pool.pool;
    const query = props.signal._query(props.deployment.namespace, props.deployment.name, `${Math.max(polling * 2, 60)}s`);
    const problems: ValidationProblem[] = [];
    if (!/^https?:\/\/[^\s]+$/.test(props.prometheusAddress ?? '')) {
      problems.push({
        path: 'prometheusAddress',
        value: props.prometheusAddress,
        problem: 'KEDA needs the Prometheus that scrapes the GPU metrics',
        fix: "give its URL, e.g. 'http://prometheus-operated.monitoring:9090'",
      });
    }
    if (!Number.isInteger(min) || min < 0 || !Number.isInteger(max) || max < Math.max(min, 1)) {
      problems.push({
        path: 'maxReplicas',
        value: { minReplicas: min, maxReplicas: max },
        problem: 'needs 0 <= minReplicas <= maxReplicas, maxReplicas >= 1',
        fix: 'e.g. minReplicas: 1, maxReplicas: 10',
      });
    }
    if (min === 0 && props.signal.kind !== 'query') {
      problems.push({
        path: 'minReplicas',
        value: 0,
        problem: `a deployment scaled to zero has no pods, so its own ${props.signal.kind} metric can never wake it`,
        fix: 'set minReplicas >= 1, or scale on GpuScalingSignal.query(...) measured outside the pods (e.g. a gateway queue)',
      });
    }
    if (props.signal.kind === 'query' && !(query ?? '').trim()) {
      problems.push({ path: 'signal', value: query, problem: 'an empty query', fix: 'give a PromQL expression' });
    }
    if (min === 0 && pool.provisioner === 'managed-node-group' && pool.minNodes > 0) {
      problems.push({
        path: 'minReplicas',
        value: 0,
        problem: `pool '${pool.name}' keeps at least ${pool.minNodes} node(s), so scaling the deployment to zero frees no GPU`,
        fix: 'set minReplicas >= 1, or minNodes: 0 on the pool',
      });
    }
    if (!(props.signal.threshold > 0) || (props.signal.kind === 'engine-activity' && props.signal.threshold >= 1)) {
      problems.push({
        path: 'signal',
        value: props.signal.threshold,
        problem:
          props.signal.kind === 'engine-activity'
            ? 'engine activity is a ratio between 0 and 1'
            : 'requests per replica must be positive',
        fix:
          props.signal.kind === 'engine-activity'
            ? 'use e.g. GpuScalingSignal.engineActivity(0.6)'
            : 'use e.g. GpuScalingSignal.queueDepth(metric, 8)',
      });
    }
    if (props.signal.kind === 'engine-activity' && (pool.sharing.mode === 'time-slicing' || pool.sharing.mode === 'mps')) {
      problems.push({
        path: 'signal',
        value: 'engineActivity',
        problem: `pool '${pool.name}' shares each GPU (${pool.sharing.mode}), so every pod's GPU activity includes its neighbours'`,
        fix: 'scale on GpuScalingSignal.queueDepth(...) instead, or run the deployment on a pool with whole GPUs or MIG',
      });
    }
    if (props.signal.metric !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(props.signal.metric)) {
      problems.push({
        path: 'signal.metric',
        value: props.signal.metric,
        problem: 'not a Prometheus metric name',
        fix: "use e.g. 'vllm:num_requests_waiting'",
      });
    }
    for (const metric of dcgmMetricsIn(query).filter((m) => !DCGM_METRIC_NAMES.has(m))) {
      problems.push({
        path: 'signal',
        value: metric,
        problem: 'the DCGM exporter does not collect this metric',
        fix: 'add it to DCGM_METRICS or scale on a collected one',
      });
    }
    for (const [path, value] of [
      ['cooldownSeconds', cooldown],
      ['pollingSeconds', polling],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        problems.push({ path, value, problem: 'must be a whole number of seconds', fix: 'use e.g. 30' });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const fallback = props.fallbackReplicas === false ? undefined : (props.fallbackReplicas ?? Math.max(min, 1));
    this.scaledObject = new ApiObject(this, 'Resource', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: {
        name: props.deployment.name,
        namespace: props.deployment.namespace,
        labels: componentLabels('gpu-autoscaling'),
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment.name },
        minReplicaCount: min,
        maxReplicaCount: max,
        cooldownPeriod: cooldown,
        pollingInterval: polling,
        ...(fallback === undefined ? {} : { fallback: { failureThreshold: 3, replicas: fallback } }),
        triggers: [
          {
            type: 'prometheus',
            // The query is a total over the pods; the HPA divides it by the replicas.
            metricType: 'AverageValue',
            metadata: {
              serverAddress: props.prometheusAddress,
              query,
              threshold: String(props.signal.threshold),
              // Wake a scaled-to-zero deployment at the first sign of work.
              activationThreshold: '0',
            },
          },
        ],
      },
    });
  }
}
