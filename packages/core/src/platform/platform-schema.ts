// The runtime schema of `PlatformSpec`: the shape of every field at every depth, with its docs. The
// TypeScript API and the stack config are checked against it before anything is planned, and the
// stack-config reference in docs/ is generated from it.
import { AMI_FAMILY_IDS } from '../catalogue/ami-families';
import { AIRFLOW_FIELDS } from './airflow-spec';
import { Field, S, Schema } from '../spec/schema';
import { CAPACITY_TYPES, POOL_PROVISIONERS, POOL_PURPOSES } from '../spec/gpu-pool-types';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../versions/version-lock';

const f = (schema: Schema, doc: string, more: Partial<Omit<Field, 'schema' | 'doc'>> = {}): Field => ({ schema, doc, ...more });
const strings = S.list(S.string);
const labels = S.record(S.string);
const secretRef = S.object('Secret reference', {
  name: f(S.string, 'Secret name', { required: true }),
  key: f(S.string, 'key in the Secret', { required: true }),
});
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

const sharing: Schema = {
  type: 'variants',
  name: 'GPU sharing',
  discriminator: 'mode',
  variants: {
    none: { fields: {} },
    mig: {
      fields: {
        layout: f(S.any, "MIG layout per GPU: 'all-balanced', 'all-<profile>' or a map of profile to count", {
          required: true,
          example: 'all-1g.10gb',
        }),
        strategy: f(S.enum(['single', 'mixed']), 'how MIG devices are advertised', {
          default: "'single' for one profile, else 'mixed'",
        }),
      },
    },
    'time-slicing': {
      fields: {
        replicas: f(S.integer, 'pods per GPU (no memory or fault isolation)', { required: true, example: '4' }),
        renameByDefault: f(S.boolean, 'advertise shares as nvidia.com/gpu.shared', { default: 'true' }),
      },
    },
    mps: {
      fields: {
        replicas: f(S.integer, 'MPS clients per GPU', { required: true, example: '4' }),
        renameByDefault: f(S.boolean, 'advertise shares as nvidia.com/gpu.shared', { default: 'true' }),
      },
    },
  },
};

/** The fields of a GPU pool spec. */
export const POOL_FIELDS: Readonly<Record<string, Field>> = {
  name: f(S.string, 'pool name, a DNS label of at most 40 characters; the aiready.dev/pool node label', {
    required: true,
    example: 'h100-training',
  }),
  instanceTypes: f(strings, 'catalogued GPU instance types (give this or instanceSelector)', { example: '[p5.48xlarge]' }),
  instanceSelector: f(
    S.object('instance query', {
      gpuModels: f(strings, 'GPU models, e.g. h100'),
      minGpus: f(S.integer, 'at least this many GPUs per instance'),
      maxGpus: f(S.integer, 'at most this many GPUs per instance'),
      minGpuMemoryGB: f(S.number, 'at least this much memory per GPU, GB'),
      efa: f(S.boolean, 'only instances with (true) or without (false) EFA'),
      architecture: f(S.enum(['amd64', 'arm64']), 'CPU architecture'),
    }),
    'select instance types from the catalogue instead of listing them',
  ),
  provisioner: f(S.enum(POOL_PROVISIONERS), 'what provisions the nodes', { default: "'karpenter'" }),
  capacityType: f(S.enum(CAPACITY_TYPES), 'how nodes are bought', { default: "'on-demand'" }),
  capacityReservation: f(
    S.object('capacity reservation', {
      ids: f(strings, 'reservation ids (cr-...)'),
      tags: f(labels, 'reservation tags'),
      capacityBlock: f(S.boolean, 'the reservations are Capacity Blocks for ML', { default: 'false' }),
    }),
    'the reservations of a reserved pool',
  ),
  purpose: f(S.enum(POOL_PURPOSES), 'what the pool is for; sets the disruption defaults', { default: "'inference'" }),
  disruptionBudgets: f(
    S.list(
      S.object('disruption budget', {
        nodes: f(S.string, "a count ('1') or percentage ('10%')", { required: true }),
        reasons: f(S.list(S.enum(['Underutilized', 'Empty', 'Drifted'])), 'the reasons the budget limits'),
        schedule: f(S.string, 'cron schedule (UTC) of the window; needs duration'),
        duration: f(S.string, "how long the window lasts ('8h')"),
      }),
    ),
    'Karpenter disruption budgets',
    { default: '10% of nodes at a time' },
  ),
  allowNoDisruption: f(S.boolean, 'budgets blocking every disruption forever are meant', { default: 'false' }),
  minNodes: f(S.integer, 'minimum nodes (managed node groups)', { default: '0' }),
  maxNodes: f(S.integer, 'maximum nodes', { default: '2' }),
  gpuLimit: f(S.integer, 'the most GPUs the pool may hold at once', { default: 'maxNodes x GPUs of the largest type' }),
  sharing: f(sharing, 'GPU sharing: none, mig, time-slicing or mps', { default: 'none' }),
  efa: f(S.boolean, 'EFA on every network card and one placement group, in one zone', {
    default: 'true for training pools of p-family instances that do not share their GPUs',
  }),
  zones: f(strings, 'availability zones the pool may use', { default: "any zone of the cluster's subnets" }),
  amiFamily: f(S.enum(AMI_FAMILY_IDS), 'AMI family', { default: "'al2023'" }),
  amiRelease: f(S.string, "AMI release ('latest' to float)", { default: 'the release pinned in the catalogue' }),
  imageVolumeGiB: f(S.integer, 'size of the volume holding container images, GiB', { default: '200' }),
  volumeThroughputMiBps: f(S.integer, 'gp3 throughput of that volume, MiB/s', { default: '250' }),
  weight: f(S.integer, 'Karpenter weight, 1 to 100', { default: '50 for reserved pools, else none' }),
  pricePerHour: f(S.record(S.number), 'your price per instance-hour by instance type', {
    default: "the catalogue's list price",
  }),
  labels: f(labels, 'extra node labels', { default: 'none' }),
  taints: f(
    S.list(
      S.object('taint', {
        key: f(S.string, 'taint key', { required: true }),
        value: f(S.string, 'taint value'),
        effect: f(S.enum(TAINT_EFFECTS), 'taint effect', { required: true }),
      }),
    ),
    'extra node taints, on top of nvidia.com/gpu=true:NoSchedule',
    { default: 'only the GPU taint' },
  ),
};

/** The fields of a team spec. */
export const TEAM_FIELDS: Readonly<Record<string, Field>> = {
  name: f(S.string, 'team name; also its namespace', { required: true, example: 'research' }),
  gpuQuota: f(S.record(S.integer), 'GPUs per pool the team may request at once', { default: 'none' }),
  computeQuota: f(
    S.object('compute quota', {
      cpu: f(S.number, 'CPU cores'),
      memoryGiB: f(S.number, 'memory, GiB'),
    }),
    'CPU cores and memory the team may request',
    { default: 'what its GPU quota needs, plus 16 cores and 64 GiB' },
  ),
  editGroups: f(strings, 'groups bound to edit in the namespace', { default: 'none' }),
  viewGroups: f(strings, 'groups bound to view', { default: 'none' }),
  editPrincipalArns: f(strings, 'IAM roles or users that get edit (through an EKS access entry)', { default: 'none' }),
  viewPrincipalArns: f(strings, 'IAM roles or users that get view', { default: 'none' }),
  podSecurity: f(S.enum(['restricted', 'baseline']), 'Pod Security level enforced', { default: "'restricted'" }),
  podSecurityReason: f(S.string, 'why the team needs baseline (required with it)'),
  borrowGpus: f(S.record(S.integer), 'GPUs per pool the team may borrow from the cohort (Kueue)', {
    default: 'as many as its own quota',
  }),
  queue: f(S.boolean, 'give the team a Kueue queue', { default: 'true' }),
  allowEgressHttps: f(S.boolean, 'let pods open HTTPS connections anywhere', { default: 'true' }),
  apiServerCidrs: f(strings, "the API server's CIDRs (the VPC CIDR on EKS), with allowEgressHttps: false", {
    default: 'none',
  }),
};

const toleration = S.object('toleration', {
  key: f(S.string, 'taint key'),
  operator: f(S.enum(['Exists', 'Equal']), 'operator', { required: true }),
  value: f(S.string, 'taint value (Equal only)'),
  effect: f(S.enum(TAINT_EFFECTS), 'taint effect'),
});

const GPU_OPERATOR_FIELDS: Record<string, Field> = {
  driver: f(
    S.object('GPU driver', {
      enabled: f(S.boolean, 'let the operator install the driver'),
      version: f(S.string, 'driver version'),
      force: f(S.boolean, 'install it although the AMI ships one'),
      perPool: f(labels, 'driver version per pool (NVIDIADriver objects)'),
    }),
    'who installs the NVIDIA driver',
    { default: 'off on AMIs that ship it' },
  ),
  dcgmServiceMonitor: f(S.boolean, "the operator's own DCGM ServiceMonitor", { default: 'false' }),
  nodeFeatureDiscovery: f(S.enum(['bundled', 'existing']), 'the bundled NFD, or one already running', {
    default: "'bundled'",
  }),
  gfd: f(S.boolean, 'GPU feature discovery', { default: 'true' }),
  nodeStatusExporter: f(S.boolean, 'the node status exporter', { default: 'false' }),
  gds: f(S.boolean, 'GPUDirect Storage', { default: 'false' }),
  gdrcopy: f(S.boolean, 'GDRCopy', { default: 'false' }),
  cdi: f(S.boolean, 'Container Device Interface', { default: 'true' }),
  priorityClassName: f(S.string, "priority class of the operator's DaemonSets", { default: "'system-node-critical'" }),
  mode: f(S.enum(['cluster-policy', 'gpu-cluster']), 'ClusterPolicy or the experimental GPUCluster', {
    default: "'cluster-policy'",
  }),
};

const ARGO_FIELDS: Record<string, Field> = {
  namespace: f(S.string, 'namespace of the controller and server', { default: "'argo'" }),
  authModes: f(S.list(S.enum(['client', 'server', 'sso'])), 'Argo Server authentication modes', {
    default: '[client]',
  }),
  parallelism: f(S.integer, 'workflows the controller runs at once', { default: 'unlimited' }),
  sso: f(
    S.object('Argo SSO', {
      issuer: f(S.string, 'OIDC issuer', { required: true }),
      redirectUrl: f(S.string, 'redirect URL', { required: true }),
      clientId: f(secretRef, 'Secret reference of the client id', { required: true }),
      clientSecret: f(secretRef, 'Secret reference of the client secret', { required: true }),
    }),
    'SSO of the Argo Server (Secret references)',
  ),
  namespaced: f(S.boolean, "watch only the controller's own namespace", { default: 'false' }),
  instanceId: f(S.string, 'controller instance ID (run next to another Argo controller)', { default: 'none' }),
  artifacts: f(
    S.object('artifact repository', {
      bucket: f(S.string, 'S3 bucket', { required: true }),
      region: f(S.string, 'bucket region', { required: true }),
      keyFormat: f(S.string, 'key format, starting with {{workflow.namespace}}/'),
    }),
    "S3 artifact repository, reached with the pod's identity",
    { default: 'none' },
  ),
  defaultTolerations: f(S.list(toleration), 'tolerations every workflow pod gets', {
    default: 'none: GPU steps tolerate their own pool',
  }),
  retention: f(
    S.object('retention', {
      afterSuccess: f(S.integer, 'seconds after success', { required: true }),
      afterFailure: f(S.integer, 'seconds after failure', { required: true }),
    }),
    'how long finished workflows stay',
    { default: 'a day after success, a week after failure' },
  ),
};

const RECEIVER = S.either('alert receiver', [
  S.object('Slack receiver', {
    name: f(S.string, 'receiver name', { required: true }),
    slack: f(
      S.object('Slack', {
        apiUrl: f(secretRef, 'Secret reference of the webhook URL', { required: true }),
        channel: f(S.string, 'channel', { required: true }),
      }),
      'Slack',
      { required: true },
    ),
  }),
  S.object('PagerDuty receiver', {
    name: f(S.string, 'receiver name', { required: true }),
    pagerDuty: f(
      S.object('PagerDuty', { routingKey: f(secretRef, 'Secret reference of the routing key', { required: true }) }),
      'PagerDuty',
      { required: true },
    ),
  }),
  S.object('webhook receiver', {
    name: f(S.string, 'receiver name', { required: true }),
    webhook: f(S.object('webhook', { url: f(secretRef, 'Secret reference of the URL', { required: true }) }), 'webhook', {
      required: true,
    }),
  }),
  S.object('email receiver', {
    name: f(S.string, 'receiver name', { required: true }),
    email: f(
      S.object('email', {
        to: f(S.string, 'to', { required: true }),
        from: f(S.string, 'from', { required: true }),
        smarthost: f(S.string, 'SMTP host:port', { required: true }),
        username: f(S.string, 'SMTP user', { required: true }),
        password: f(secretRef, 'Secret reference of the password', { required: true }),
      }),
      'email',
      { required: true },
    ),
  }),
]);

const PROMETHEUS = S.object('Prometheus', {
  namespace: f(S.string, 'namespace', { default: "'monitoring'" }),
  releaseName: f(S.string, 'Helm release name', { default: "'kube-prometheus-stack'" }),
  retention: f(S.string, 'how long Prometheus keeps data', { default: "'15d'" }),
  storage: f(
    S.object('Prometheus storage', { sizeGiB: f(S.integer, 'GiB'), storageClass: f(S.string, 'StorageClass') }),
    'Prometheus volume',
    { default: '50 GiB on gp3' },
  ),
  replicas: f(S.integer, 'Prometheus replicas', { default: '1' }),
  resources: f(
    S.object('Prometheus resources', { cpu: f(S.number, 'CPU cores'), memoryGiB: f(S.number, 'memory, GiB') }),
    'Prometheus requests',
    { default: '1 CPU, 4 GiB' },
  ),
  grafana: f(
    S.falseOr(S.object('Grafana', { adminSecret: f(S.string, 'Secret with admin-user and admin-password', { required: true }) })),
    'Grafana, its admin credentials from a Secret; false for none',
    { default: "on, Secret 'grafana-admin'" },
  ),
  receivers: f(S.list(RECEIVER), 'Alertmanager receivers (Secret references)', { default: 'none' }),
  routes: f(
    S.list(
      S.object('alert route', {
        receiver: f(S.string, 'receiver name', { required: true }),
        severity: f(S.enum(['info', 'warning', 'critical']), 'alert severity'),
        team: f(S.string, "the alert's team label"),
      }),
    ),
    'routes, first match wins',
    { default: 'none' },
  ),
});

const MONITORING_FIELDS: Record<string, Field> = {
  scrapeInterval: f(S.string, 'scrape interval of the DCGM exporter', { default: "'15s'" }),
  temperatureAlertCelsius: f(S.number, 'GPU temperature alert threshold, °C', { default: '85' }),
  idleWindow: f(S.string, 'how long an allocated GPU must be idle to count as idle', { default: "'30m'" }),
  pendingMinutes: f(S.integer, 'minutes a GPU pod may stay Pending before alerting', { default: '15' }),
  runbookBaseUrl: f(S.string, 'absolute URL of the runbook page', { default: 'https://aiready.dev/runbooks/gpu-alerts' }),
  xidHoldWindow: f(S.string, 'how long a critical XID keeps its alert firing', { default: "'24h'" }),
  dashboards: f(S.boolean, 'Grafana dashboards', { default: 'true' }),
  dashboardPools: f(strings, 'pools on the fleet dashboard', { default: 'every pool' }),
  extraAlerts: f(
    S.list(
      S.object('alert', {
        alert: f(S.string, 'alert name', { required: true }),
        expr: f(S.string, 'PromQL', { required: true }),
        for: f(S.string, 'how long it must hold', { required: true }),
        severity: f(S.enum(['info', 'warning', 'critical']), 'severity', { required: true }),
        summary: f(S.string, 'summary', { required: true }),
        description: f(S.string, 'description', { required: true }),
      }),
    ),
    'more alerts, checked like aiready’s own',
    { default: 'none' },
  ),
  prometheus: f(
    S.either('Prometheus', [
      PROMETHEUS,
      S.object('existing Prometheus', {
        existing: f(
          S.object('existing Prometheus', { selectorLabels: f(labels, 'labels it selects monitors by', { required: true }) }),
          'use a Prometheus you run',
          { required: true },
        ),
      }),
    ]),
    'install kube-prometheus-stack with these options, or use an existing Prometheus',
    { default: 'install kube-prometheus-stack' },
  ),
};

const VALUES_FIELDS: Record<string, Field> = Object.fromEntries(
  [
    'gpuOperator',
    'karpenter',
    'argoWorkflows',
    'efaDevicePlugin',
    'clusterAutoscaler',
    'keda',
    'kueue',
    'kubeflowTrainer',
    'kserve',
    'prometheus',
    'airflow',
  ].map((id) => [id, f(S.record(S.any), `raw values of the ${id} chart, merged last`)]),
);

/** The fields of `PlatformSpec`. */
export const PLATFORM_FIELDS: Readonly<Record<string, Field>> = {
  clusterName: f(S.string, 'EKS cluster name', { required: true, example: 'ai-prod' }),
  pools: f(S.list(S.object('GPU pool', POOL_FIELDS)), 'the GPU pools', {
    required: true,
    example: '[{ name: l4, instanceTypes: [g6.xlarge] }]',
  }),
  teams: f(S.list(S.object('team', TEAM_FIELDS)), 'the teams, planned together', { default: 'none' }),
  kubernetesVersion: f(S.stringOrNumber, `Kubernetes minor, one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`, {
    default: "'1.36'",
  }),
  region: f(S.string, "AWS region (the cluster autoscaler's)", { default: 'none' }),
  nodeRole: f(S.string, 'IAM role of Karpenter-launched nodes', { default: 'KarpenterNodeRole-<clusterName>' }),
  controllerNodeSelector: f(labels, 'node selector of platform controllers', { default: 'none' }),
  gpuOperator: f(S.object('GPU operator', GPU_OPERATOR_FIELDS), 'options of the NVIDIA GPU operator', {
    default: 'derived from the pools',
  }),
  karpenter: f(S.boolean, 'install Karpenter and a default CPU NodePool', { default: 'true when a pool uses Karpenter' }),
  storageClass: f(S.boolean, 'an encrypted gp3 StorageClass, marked default', { default: 'true' }),
  clusterAutoscaler: f(
    S.falseOr(
      S.object('cluster autoscaler', {
        region: f(S.string, 'AWS region'),
        kubernetesVersion: f(S.stringOrNumber, 'Kubernetes minor the image must match'),
        scaleDownGpuUtilizationThreshold: f(S.number, 'GPU utilization under which a node scales down', {
          default: '0.5',
        }),
      }),
    ),
    'the cluster autoscaler for managed node group pools; false for none',
    { default: 'on when a pool is a managed node group and the region is known' },
  ),
  kueue: f(S.boolean, 'Kueue queues per team', { default: 'false' }),
  kubeflowTrainer: f(S.boolean, 'Kubeflow Trainer with a torch runtime per pool', { default: 'false' }),
  kserve: f(
    S.object('KServe', {
      deploymentMode: f(S.enum(['Standard', 'Knative']), 'predictors as Deployments, or on Knative', {
        default: "'Standard'",
      }),
      certManagerInstalled: f(S.boolean, 'cert-manager runs in the cluster', { required: true }),
      knativeInstalled: f(S.boolean, 'Knative Serving runs in the cluster', { default: 'false' }),
    }),
    'KServe; inference services become InferenceServices',
    { default: 'none' },
  ),
  keda: f(S.boolean, 'KEDA, for scaling inference on GPU activity', { default: 'false' }),
  workflows: f(
    S.enum(['argo-workflows', 'kubeflow', 'none']),
    'the teams’ engine: Argo Workflows, Kubeflow (Pipelines with its own Argo, and Trainer), or none',
    { default: "'argo-workflows'" },
  ),
  kubeflowPipelines: f(S.boolean, 'Kubeflow Pipelines from its pinned kustomize bases', { default: 'false' }),
  kubeflowPipelinesInCluster: f(S.boolean, 'Kubeflow Pipelines runs in the cluster, installed otherwise', {
    default: 'false',
  }),
  argoWorkflows: f(S.object('Argo Workflows', ARGO_FIELDS), 'options of Argo Workflows', {
    default: 'client auth, namespace argo',
  }),
  monitoring: f(S.booleanOr(S.object('monitoring', MONITORING_FIELDS)), 'GPU monitoring; false for none', {
    default: 'on, with kube-prometheus-stack',
  }),
  airflow: f(S.object('Airflow', AIRFLOW_FIELDS), 'Apache Airflow, with GPU pod templates for the teams', {
    default: 'none',
  }),
  environment: f(
    S.enum(['dev', 'prod']),
    "the platform's environment; prod refuses dev-only settings (in a stack, also a world-open API endpoint)",
    {
      default: "'dev'",
    },
  ),
  values: f(S.object('chart values', VALUES_FIELDS), 'raw chart values per component, merged last', { default: 'none' }),
};

/** The schema of a whole `PlatformSpec`. */
export const PLATFORM_SCHEMA: Schema = S.object('platform', PLATFORM_FIELDS);
