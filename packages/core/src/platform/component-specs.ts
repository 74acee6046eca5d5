// The options of the platform's components, as plain data: one shape whether they come from
// TypeScript (AiPlatform) or from a stack config, validated by the platform schema. The constructs in
// @aiready/k8s render them.
import type { KubernetesVersion } from '../versions/version-lock';
import type { Toleration } from '../labels';

/** Argo Server authentication modes. */
export type ArgoServerAuthMode = 'client' | 'server' | 'sso';

/** Who installs the NVIDIA kernel driver. */
export interface GpuDriverSpec {
  /**
   * Let the operator install the driver. The EKS NVIDIA AMIs ship it, and a second driver breaks the
   * node, so turning this on for such pools needs `force`.
   * @default - false when every pool's AMI ships the driver (all EKS NVIDIA AMIs do)
   */
  readonly enabled?: boolean;
  /**
   * Driver version the operator installs (e.g. '595.91.07').
   * @default - the operator's default for its version
   */
  readonly version?: string;
  /**
   * Install the operator's driver even though the AMI ships one.
   * @default false
   */
  readonly force?: boolean;
  /**
   * Per-pool driver versions, as NVIDIADriver objects (one per pool), instead of one cluster-wide
   * driver. Needs `enabled`.
   * @default - one driver for every pool
   */
  readonly perPool?: Readonly<Record<string, string>>;
}

/** Typed options of the operator, mapped to chart values. */
export interface GpuOperatorSpec {
  /** @default - derived from the pools, see {@link GpuDriverSpec} */
  readonly driver?: GpuDriverSpec;
  /**
   * Create the operator's own dcgm-exporter ServiceMonitor. aiready's `GpuMonitoring` defines one
   * (with pod labels and the platform's Prometheus selector), so this is off by default to avoid
   * scraping twice.
   * @default false
   */
  readonly dcgmServiceMonitor?: boolean;
  /**
   * Use the node-feature-discovery the operator bundles, or one already in the cluster (running two
   * is not supported).
   * @default 'bundled'
   */
  readonly nodeFeatureDiscovery?: 'bundled' | 'existing';
  /**
   * GPU feature discovery (node labels describing the GPUs).
   * @default true
   */
  readonly gfd?: boolean;
  /**
   * The node status exporter (operator health metrics per node).
   * @default false
   */
  readonly nodeStatusExporter?: boolean;
  /**
   * GPUDirect Storage and GDRCopy kernel modules.
   * @default false
   */
  readonly gds?: boolean;
  /** @default false */
  readonly gdrcopy?: boolean;
  /**
   * Container Device Interface for GPU injection.
   * @default true
   */
  readonly cdi?: boolean;
  /**
   * Priority class of the operator's DaemonSets.
   * @default 'system-node-critical'
   */
  readonly priorityClassName?: string;
  /**
   * `cluster-policy` (the classic ClusterPolicy) or `gpu-cluster` (the experimental DRA-based
   * GPUCluster). The two are exclusive.
   * @default 'cluster-policy'
   */
  readonly mode?: 'cluster-policy' | 'gpu-cluster';
}

/** Argo Workflows settings of a platform: namespace, executor, artifact repository. */
export interface ArgoWorkflowsSpec {
  /**
   * Namespace of the controller and server.
   * @default 'argo'
   */
  readonly namespace?: string;
  /**
   * Argo Server authentication modes. `server` lets anyone who reaches the UI act as the server's
   * service account, so it is never a default.
   * @default ['client'] - a Kubernetes bearer token is required
   */
  readonly authModes?: readonly ArgoServerAuthMode[];
  /**
   * Maximum workflows the controller runs at once.
   * @default - unlimited (the chart default)
   */
  readonly parallelism?: number;
  /**
   * SSO of the Argo Server (needed when `authModes` includes `sso`): the OIDC issuer, and where the
   * client id and secret are (Secret references, never values).
   * @default - none
   */
  readonly sso?: {
    readonly issuer: string;
    readonly redirectUrl: string;
    readonly clientId: { readonly name: string; readonly key: string };
    readonly clientSecret: { readonly name: string; readonly key: string };
  };
  /**
   * Watch only the controller's own namespace (a namespaced install); cluster-wide otherwise. The CRDs
   * stay cluster-scoped either way.
   * @default false
   */
  readonly namespaced?: boolean;
  /**
   * Instance ID: the controller handles only workflows labelled with it, so it can run next to another
   * Argo Workflows controller (for example the one Kubeflow Pipelines bundles).
   * @default - none: the controller handles every workflow it sees
   */
  readonly instanceId?: string;
  /**
   * Artifact repository on S3, reached with the pod's AWS identity (`useSDKCreds`), never static keys.
   * `keyFormat` must start with `{{workflow.namespace}}/`: each team's role may use only its own prefix.
   * @default - none
   */
  readonly artifacts?: { readonly bucket: string; readonly region: string; readonly keyFormat?: string };
  /**
   * Tolerations every workflow pod gets by default (the controller's `workflowDefaults`). Tolerations
   * a workflow sets in its own spec take precedence over these. GPU steps need none from here: a
   * `GpuWorkflowTemplate` step tolerates its own pool. Tolerating the GPU taints in every pod would let
   * CPU steps land on a GPU node with room and keep it (and its cost) alive; give them here only if
   * hand-written workflows must reach GPU nodes without saying so.
   * @default - none
   */
  readonly defaultTolerations?: readonly Toleration[];
  /**
   * How long finished workflows stay in the cluster before the controller deletes them, in seconds:
   * after success and after failure (failures stay longer for debugging). Workflows a team never
   * deletes otherwise pile up in etcd.
   * @default { afterSuccess: 86400, afterFailure: 604800 } - one day, one week
   */
  readonly retention?: { readonly afterSuccess: number; readonly afterFailure: number };
}

/** KServe settings of a platform. */
export interface KServeSpec {
  /**
   * `Standard` runs predictors as plain Deployments (no Knative, no Istio). `Knative` (serverless,
   * scale to zero) needs Knative Serving in the cluster, which aiready does not install.
   * @default 'Standard'
   */
  readonly deploymentMode?: 'Standard' | 'Knative';
  /**
   * Confirms cert-manager runs in the cluster: KServe's webhooks get their certificates from it, and
   * aiready does not install it.
   */
  readonly certManagerInstalled: boolean;
  /**
   * Confirms Knative Serving runs in the cluster (needed by the Knative mode).
   * @default false
   */
  readonly knativeInstalled?: boolean;
}

/** Cluster Autoscaler settings, for platforms with managed node group pools. */
export interface ClusterAutoscalerSpec {
  /** AWS region. */
  readonly region: string;
  /**
   * The cluster's Kubernetes minor; the autoscaler image must match it.
   * @default '1.36'
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Scale a GPU node down when its GPU utilization is below this ratio (and its pods fit elsewhere).
   * @default 0.5
   */
  readonly scaleDownGpuUtilizationThreshold?: number;
}

/** A key of a Kubernetes Secret: where a credential is, never the credential. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An Alertmanager receiver. Credentials are Secret references, mounted into Alertmanager as files. */
export type AlertReceiver =
  | { readonly name: string; readonly slack: { readonly apiUrl: SecretKeyRef; readonly channel: string } }
  | { readonly name: string; readonly pagerDuty: { readonly routingKey: SecretKeyRef } }
  | { readonly name: string; readonly webhook: { readonly url: SecretKeyRef } }
  | {
      readonly name: string;
      readonly email: {
        readonly to: string;
        readonly from: string;
        readonly smarthost: string;
        readonly username: string;
        readonly password: SecretKeyRef;
      };
    };

/** Which alerts go to which receiver: by severity, by team label, or both. */
export interface AlertRoute {
  readonly receiver: string;
  /** @default - any severity */
  readonly severity?: 'info' | 'warning' | 'critical';
  /** Value of the alert's `team` label. @default - any team */
  readonly team?: string;
}

/** Settings of the kube-prometheus-stack release aiready installs. */
export interface PrometheusSpec {
  /**
   * Namespace. Pod Security `privileged`: the node exporter reads host metrics through host
   * namespaces.
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Helm release name; ServiceMonitors and rules carry `release: <name>`, which this Prometheus selects.
   * @default 'kube-prometheus-stack'
   */
  readonly releaseName?: string;
  /**
   * How long Prometheus keeps data.
   * @default '15d'
   */
  readonly retention?: string;
  /**
   * Prometheus volume size (GiB) and StorageClass.
   * @default - 50 GiB on 'gp3'
   */
  readonly storage?: { readonly sizeGiB?: number; readonly storageClass?: string };
  /**
   * Prometheus replicas.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Prometheus requests (CPU cores, memory GiB); limits equal requests for memory.
   * @default - 1 CPU, 4 GiB
   */
  readonly resources?: { readonly cpu?: number; readonly memoryGiB?: number };
  /**
   * Grafana, with the admin user and password from a Secret (keys `admin-user`, `admin-password`),
   * never a literal. `false` for no Grafana. The Secret is listed in `secretPrerequisites` (and the
   * summary); Pulumi's PlatformDeployment can create it from a Pulumi secret.
   * @default - on, with the Secret 'grafana-admin' you create
   */
  readonly grafana?: false | { readonly adminSecret: string };
  /**
   * Alertmanager receivers.
   * @default - none: alerts are visible in Prometheus and Alertmanager only
   */
  readonly receivers?: readonly AlertReceiver[];
  /**
   * Routes, first match wins; unmatched alerts go to the first receiver. Watchdog and InfoInhibitor
   * always go to the chart's `null` receiver first.
   * @default - none
   */
  readonly routes?: readonly AlertRoute[];
}

/** An alert rule: PromQL, how long it must hold, its severity and what it says. */
export interface GpuAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
}

/** GPU monitoring settings: DCGM exporter scraping, alerts, dashboards, Prometheus. */
export interface MonitoringSpec {
  /**
   * Scrape interval of the DCGM exporter.
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * Temperature threshold (°C) of the GpuTemperatureHigh alert.
   * @default 85
   */
  readonly temperatureAlertCelsius?: number;
  /**
   * How long an allocated GPU must be idle to count (and alert) as idle. At least the scrape interval.
   * @default '30m'
   */
  readonly idleWindow?: string;
  /**
   * Minutes a GPU pod may stay Pending before GpuPodPending fires.
   * @default 15
   */
  readonly pendingMinutes?: number;
  /**
   * Absolute URL of the runbook page; each alert links to `<runbookBaseUrl>#<alert name in lower case>`.
   * Point it at where your copy of docs/runbooks/gpu-alerts.md is served.
   * @default 'https://aiready.dev/runbooks/gpu-alerts'
   */
  readonly runbookBaseUrl?: string;
  /**
   * How long a critical XID keeps GpuXidCritical firing, unless the node is cordoned or replaced
   * first (the exporter's own XID count only covers its last 5 minutes).
   * @default '24h'
   */
  readonly xidHoldWindow?: string;
  /**
   * Grafana dashboards (fleet, teams, node health) as ConfigMaps for the Grafana sidecar.
   * @default true
   */
  readonly dashboards?: boolean;
  /**
   * Pools shown on the fleet dashboard.
   * @default - every pool
   */
  readonly dashboardPools?: readonly string[];
  /**
   * More alerts, checked like aiready's own: PromQL must parse, name only known metrics and labels
   * those metrics carry, and only metrics of scraped exporters.
   * @default - none
   */
  readonly extraAlerts?: readonly GpuAlert[];
  /**
   * Install kube-prometheus-stack with these options, or use an existing Prometheus that selects
   * monitors and rules by `selectorLabels` (its kube-state-metrics must export the node labels
   * `aiready.dev/pool` and `node.kubernetes.io/instance-type` for the per-pool rules).
   * @default - install kube-prometheus-stack with its defaults
   */
  readonly prometheus?: PrometheusSpec | { readonly existing: { readonly selectorLabels: Readonly<Record<string, string>> } };
}
