import { AireadyValidationError, ValidationProblem } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_MAX_REPLICAS, GpuInferenceScaler, GpuScalingSignal } from '../autoscaling/gpu-inference-scaler';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { ServiceMonitor } from '../imports/monitoring.coreos.com';
import { componentLabels } from '../private/metadata';
import { Team } from '../teams/team';
import { Gpu } from './gpu';
import {
  containerSecurity,
  GpuContainerOptions,
  gpuPodResources,
  kueueLabels,
  poolPlacement,
  quantities,
  teamGpuQuotaProblem,
} from './pod-parts';

/** Props of `GpuInferenceService`. */
export interface GpuInferenceServiceProps extends GpuContainerOptions {
  /** Name of the Deployment and Service. */
  readonly name: string;
  readonly team: Team;
  readonly pool: IGpuPool;
  /** GPUs per replica. */
  readonly gpusPerReplica: Gpu;
  /** Port the server listens on. */
  readonly port: number;
  /**
   * HTTP path answering 200 when the model is loaded (readiness) and the server is alive (liveness).
   * @default '/health'
   */
  readonly healthPath?: string;
  /**
   * Path of the server's Prometheus metrics; a ServiceMonitor scrapes it when the platform has
   * monitoring. `false` for none.
   * @default '/metrics'
   */
  readonly metricsPath?: string | false;
  /**
   * Replicas when not autoscaled.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Seconds the model may take to load before liveness checks start.
   * @default 600
   */
  readonly startupSeconds?: number;
  /**
   * Scale with KEDA on this signal (needs KEDA in the platform and the Prometheus URL).
   * @default - fixed replicas
   */
  readonly autoscaling?: {
    readonly signal: GpuScalingSignal;
    readonly prometheusAddress: string;
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
  };
}

/**
 * A GPU inference server: a Deployment on its pool with GPUs requested in the pool's own resource,
 * startup, readiness and liveness probes, a Service, a PodDisruptionBudget allowing one replica down
 * at a time, and optional KEDA scaling on GPU activity or queue depth. On a Kueue platform it names
 * the team's queue (each replica is admitted on its own) and, with `priority`, its priority class.
 */
export class GpuInferenceService extends Construct {
  /** The Deployment, or the KServe InferenceService when the platform runs KServe. */
  public readonly deployment: ApiObject;
  /** The Service (Deployment form only; KServe makes its own). */
  public readonly service?: kplus.k8s.KubeService;

  constructor(scope: Construct, id: string, props: GpuInferenceServiceProps) {
    super(scope, id);
    const replicas = props.replicas ?? 1;
    const health = props.healthPath ?? '/health';
    const startup = props.startupSeconds ?? 600;
    const problems: ValidationProblem[] = [];
    if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(props.name ?? ''))
      problems.push({ path: 'name', value: props.name, problem: 'not a DNS label', fix: "use e.g. 'llm'" });
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535)
      problems.push({ path: 'port', value: props.port, problem: 'not a port', fix: 'use e.g. 8000' });
    if (!Number.isInteger(replicas) || replicas < 1)
      problems.push({ path: 'replicas', value: replicas, problem: 'must be at least 1', fix: 'use e.g. 2' });
    if (!health.startsWith('/'))
      problems.push({ path: 'healthPath', value: health, problem: 'not an HTTP path', fix: "use e.g. '/health'" });
    if (props.team.kserve && props.autoscaling) {
      problems.push({
        path: 'autoscaling',
        value: 'KEDA',
        problem: 'KServe scales its InferenceServices itself',
        fix: 'use minReplicas/maxReplicas of the InferenceService (replicas), or run without KServe',
      });
    }
    const most = props.autoscaling ? (props.autoscaling.maxReplicas ?? DEFAULT_MAX_REPLICAS) : replicas;
    const quotaProblem = teamGpuQuotaProblem(
      props.team,
      props.pool,
      props.gpusPerReplica,
      most,
      props.autoscaling ? 'autoscaling.maxReplicas' : 'replicas',
      'replicas',
    );
    if (quotaProblem) problems.push(quotaProblem);
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);
    const resources = gpuPodResources(this.node.path, props.team, props.pool, props.gpusPerReplica, props);
    // On a Kueue platform every replica is admitted through the team's queue (Kueue's deployment and
    // pod integrations), each pod on its own.
    const queue = kueueLabels(this.node.path, props.team, props.priority);
    const placement = poolPlacement(props.pool, false);
    const ns = props.team.namespace;
    const selector = { 'aiready.dev/inference': props.name };
    const labels = { ...componentLabels('inference'), ...selector };
    if (props.team.kserve) {
      this.deployment = new ApiObject(this, 'Resource', {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: props.name, namespace: ns, labels },
        spec: {
          predictor: {
            // KServe puts these on the predictor's pods, which Kueue admits one by one.
            ...(Object.keys(queue).length ? { labels: queue } : {}),
            minReplicas: replicas,
            nodeSelector: placement.nodeSelector,
            tolerations: placement.tolerations,
            containers: [
              {
                name: 'kserve-container',
                image: props.image,
                ...(props.command ? { command: [...props.command] } : {}),
                ...(props.args ? { args: [...props.args] } : {}),
                ports: [{ containerPort: props.port, protocol: 'TCP' }],
                resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
                securityContext: containerSecurity(props.runAsRoot ?? false),
              },
            ],
          },
        },
      });
      return;
    }
    const probe = (periodSeconds: number, failureThreshold: number): kplus.k8s.Probe => ({
      httpGet: { path: health, port: kplus.k8s.IntOrString.fromNumber(props.port) },
      periodSeconds,
      failureThreshold,
    });
    this.deployment = new kplus.k8s.KubeDeployment(this, 'Resource', {
      // Kueue copies the queue and priority to the pod template when it admits the Deployment.
      metadata: { name: props.name, namespace: ns, labels: { ...labels, ...queue } },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: placement.nodeSelector,
            tolerations: placement.tolerations,
            securityContext: { fsGroup: 1000 },
            containers: [
              {
                name: 'server',
                image: props.image,
                ...(props.command ? { command: [...props.command] } : {}),
                ...(props.args ? { args: [...props.args] } : {}),
                env: Object.entries(props.env ?? {})
                  .sort()
                  .map(([name, value]) => ({ name, value })),
                ports: [{ name: 'http', containerPort: props.port }],
                resources: { requests: quantities(resources.requests), limits: quantities(resources.limits) },
                // Large models load for minutes: the startup probe holds liveness off until loaded.
                startupProbe: probe(10, Math.ceil(startup / 10)),
                readinessProbe: probe(10, 3),
                livenessProbe: probe(20, 3),
                securityContext: containerSecurity(props.runAsRoot ?? false),
              },
            ],
          },
        },
      },
    });
    this.service = new kplus.k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, namespace: ns, labels },
      spec: { selector, ports: [{ name: 'http', port: props.port, targetPort: kplus.k8s.IntOrString.fromNumber(props.port) }] },
    });
    new kplus.k8s.KubePodDisruptionBudget(this, 'Budget', {
      metadata: { name: props.name, namespace: ns, labels },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
    const metricsPath = props.metricsPath ?? '/metrics';
    if (metricsPath !== false && props.team.monitorLabels) {
      new ServiceMonitor(this, 'Monitor', {
        metadata: { name: props.name, namespace: ns, labels: { ...labels, ...props.team.monitorLabels } },
        spec: { selector: { matchLabels: selector }, endpoints: [{ port: 'http', path: metricsPath, interval: '30s' }] },
      });
    }
    if (props.autoscaling) {
      new GpuInferenceScaler(this, 'Scaler', {
        deployment: { name: props.name, namespace: ns },
        pool: props.pool,
        prometheusAddress: props.autoscaling.prometheusAddress,
        signal: props.autoscaling.signal,
        minReplicas: props.autoscaling.minReplicas ?? replicas,
        maxReplicas: props.autoscaling.maxReplicas,
      });
    }
  }
}
