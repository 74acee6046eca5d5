// The one input shape of a whole platform: what `AiPlatform` takes in TypeScript and what a stack's
// `Pulumi.<stack>.yaml` is parsed into. `planPlatform` turns it into a `PlatformPlan` that every layer
// only renders.
import type { GpuPoolSpec } from '../spec/gpu-pool-types';
import type { KubernetesVersion } from '../versions/version-lock';
import type { AirflowSpec } from './airflow-spec';
import type { ArgoWorkflowsSpec, ClusterAutoscalerSpec, GpuOperatorSpec, KServeSpec, MonitoringSpec } from './component-specs';
import type { TeamSpec } from './team-spec';

/** Raw Helm values of a chart, deep-merged over what aiready sets (the escape hatch). */
export type ChartValues = Readonly<Record<string, unknown>>;

/**
 * The engine that runs the teams' ML work: Argo Workflows; Kubeflow (Kubeflow Pipelines, which runs
 * its own Argo controller, and Kubeflow Trainer); or none.
 */
export type WorkflowEngine = 'argo-workflows' | 'kubeflow' | 'none';

/**
 * Raw chart values per component, deep-merged last: the escape hatch for chart settings aiready does
 * not model. Keys are the components' ids.
 */
export interface PlatformValueOverrides {
  readonly gpuOperator?: ChartValues;
  readonly karpenter?: ChartValues;
  readonly argoWorkflows?: ChartValues;
  readonly efaDevicePlugin?: ChartValues;
  readonly clusterAutoscaler?: ChartValues;
  readonly keda?: ChartValues;
  readonly kueue?: ChartValues;
  readonly kubeflowTrainer?: ChartValues;
  readonly kserve?: ChartValues;
  readonly prometheus?: ChartValues;
  readonly airflow?: ChartValues;
}

/** A whole AI platform: GPU pools, teams, and the components that serve them. */
export interface PlatformSpec {
  /** EKS cluster name. Karpenter discovers subnets and security groups by it. */
  readonly clusterName: string;
  /** The GPU pools. Names must be unique. */
  readonly pools: readonly GpuPoolSpec[];
  /**
   * The teams, planned together: quotas against what the pools can supply, Kueue borrowing across
   * the cohort. More can be added with `AiPlatform.addTeam`.
   * @default - none
   */
  readonly teams?: readonly TeamSpec[];
  /**
   * The cluster's Kubernetes minor (the cluster autoscaler's image must match it).
   * @default '1.36'
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * The AWS region (the cluster autoscaler needs it).
   * @default - none: managed node group pools then get no cluster autoscaler, and the summary warns
   */
  readonly region?: string;
  /**
   * IAM role (name) of Karpenter-launched nodes.
   * @default - `KarpenterNodeRole-<clusterName>`
   */
  readonly nodeRole?: string;
  /**
   * Node selector of platform controllers (Karpenter), e.g. `{ 'aiready.dev/pool': 'system' }` for
   * the system node group.
   * @default - none
   */
  readonly controllerNodeSelector?: Readonly<Record<string, string>>;
  /**
   * Options of the NVIDIA GPU operator (driver, DCGM exporter, NFD, mode...).
   * @default - NvidiaGpuOperator defaults, derived from the pools
   */
  readonly gpuOperator?: GpuOperatorSpec;
  /**
   * Install Karpenter and a default CPU NodePool (GPU instance types excluded).
   * @default - true when any pool is provisioned by Karpenter
   */
  readonly karpenter?: boolean;
  /**
   * An encrypted gp3 StorageClass (EBS CSI), marked default; `false` for none.
   * @default true
   */
  readonly storageClass?: boolean;
  /**
   * The cluster autoscaler for the pools of managed node groups (Karpenter provisions the others).
   * `false` for none.
   * @default - on when a pool is a managed node group and the region is known; else none, and the summary warns
   */
  readonly clusterAutoscaler?: false | ClusterAutoscalerSpec;
  /**
   * Kueue: a ResourceFlavor per pool, and a ClusterQueue and LocalQueue per team, with all-or-nothing
   * admission.
   * @default false
   */
  readonly kueue?: boolean;
  /**
   * Kubeflow Trainer v2 with a torch runtime per pool; `GpuTrainingJob`s become TrainJobs.
   * @default false
   */
  readonly kubeflowTrainer?: boolean;
  /**
   * KServe; `GpuInferenceService`s then become KServe InferenceServices.
   * @default - none
   */
  readonly kserve?: KServeSpec;
  /**
   * KEDA, for scaling inference deployments on GPU activity (`GpuInferenceScaler`).
   * @default false
   */
  readonly keda?: boolean;
  /**
   * The teams' engine. `'kubeflow'` installs Kubeflow Pipelines and Kubeflow Trainer instead of the
   * platform's Argo Workflows; `'none'` installs none.
   * @default 'argo-workflows'
   */
  readonly workflows?: WorkflowEngine;
  /**
   * Kubeflow Pipelines standalone, from its pinned kustomize bases. It runs its own Argo Workflows
   * controller, so the platform's must be scoped apart or turned off (`workflows: 'none'`).
   * @default false
   */
  readonly kubeflowPipelines?: boolean;
  /**
   * Kubeflow Pipelines (installed outside aiready) runs in this cluster. It brings its own Argo
   * Workflows controller, so the platform's Argo controller must then be scoped apart from it
   * (`argoWorkflows.instanceId` or `argoWorkflows.namespaced`).
   * @default false
   */
  readonly kubeflowPipelinesInCluster?: boolean;
  /**
   * Options of Argo Workflows.
   * @default - ArgoWorkflows defaults (client auth, namespace 'argo')
   */
  readonly argoWorkflows?: ArgoWorkflowsSpec;
  /**
   * GPU monitoring: kube-prometheus-stack (or an existing Prometheus), the DCGM ServiceMonitor,
   * recording rules, alerts and dashboards. `false` for none.
   * @default - on, installing kube-prometheus-stack with its defaults
   */
  readonly monitoring?: boolean | MonitoringSpec;
  /**
   * Apache Airflow (the official chart): an orchestrator next to (or instead of) Argo Workflows, with
   * GPU pod templates per pool that run tasks in the teams' namespaces, under their quotas and queues.
   * @default - none
   */
  readonly airflow?: AirflowSpec;
  /**
   * The platform's environment. `prod` refuses settings fit only for trying things out (Airflow's
   * bundled database).
   * @default 'dev'
   */
  readonly environment?: 'dev' | 'prod';
  /**
   * Raw chart values per component, deep-merged last.
   * @default - none
   */
  readonly values?: PlatformValueOverrides;
}
