// What the pinned charts and kustomize bases install, as facts the checker uses when a release is not
// rendered (with `--render`, the rendered objects are checked instead). Each fact names the template
// it comes from; test/chart-facts.test.ts checks the CRD lists against the real charts in ../shared/charts.
import { KUEUE_DEFAULT_FRAMEWORKS, NAMESPACE_NAME_LABEL, Toleration } from '@aiready/core';
import * as YAML from 'yaml';
import { asArray, asObject, asString, Json, KubeObject } from './kube';
import { Release, valueOf } from './releases';
import { WebhookModel } from './webhook';

/** A reference from a release's values to an object the release does not create. */
export interface ValueReference {
  readonly kind: 'Secret' | 'ConfigMap' | 'StorageClass' | 'PriorityClass';
  readonly name: string;
  /** Namespace for namespaced kinds (the release's). */
  readonly namespace?: string;
  /** The values path that names it. */
  readonly path: string;
}

/** A device plugin a release runs, and where. */
export interface DevicePluginFact {
  /** `nvidia`: nvidia.com/gpu, MIG and shared GPUs; `efa`: vpc.amazonaws.com/efa. */
  readonly plugin: 'nvidia' | 'efa';
  readonly tolerations: readonly Toleration[];
  /** Instance types it runs on; undefined means every type that has the device. */
  readonly instanceTypes?: readonly string[];
  /** NVIDIA: the device plugin's config map and its default entry. */
  readonly configMap?: { readonly name: string; readonly namespace: string; readonly defaultEntry?: string };
  /** NVIDIA: the MIG manager's mig-parted config map (undefined: generated from the hardware). */
  readonly migConfigMap?: { readonly name: string; readonly namespace: string };
  /** NVIDIA: the operator-wide MIG strategy. */
  readonly migStrategy?: string;
  /** NVIDIA: run by the GPU operator, which honours the `nvidia.com/gpu.deploy.device-plugin` node label. */
  readonly operator?: boolean;
}

/** Facts about one chart at its pinned version. */
export interface ChartFacts {
  /** CRDs (`group/Kind`) the chart installs with these values. */
  readonly crds?: (r: Release) => readonly string[];
  /** True when the CRDs sit in the chart's `crds/` folder, so `skipCrds` drops them. */
  readonly crdsFolder?: boolean;
  /**
   * API groups the chart's controller owns whose CRDs another chart of the same project installs
   * (KServe's CRD chart and its controller chart): its webhooks on them guard nothing else.
   */
  readonly ownsGroups?: readonly string[];
  /** Custom resources (`group/Kind`) the chart itself creates with these values: their CRDs must come first. */
  readonly uses?: (r: Release) => readonly string[];
  /** Admission webhooks the release installs, with what they match. */
  readonly webhooks?: (r: Release) => readonly WebhookModel[];
  /** The device plugin the release runs (resources it advertises and where), if any. */
  readonly devicePlugin?: (r: Release) => DevicePluginFact | undefined;
  /** Objects (Secrets, ConfigMaps, ...) the release's values name, which must exist. */
  readonly references?: (r: Release) => readonly ValueReference[];
  /** Objects the chart (or its operator, at runtime) creates that other objects of the target name. */
  readonly provides?: (r: Release) => readonly KubeObject[];
  /** The least Pod Security level the chart's pods run under, and why. */
  readonly podSecurity?: { readonly level: 'privileged' | 'baseline'; readonly why: string };
}

const kinds = (group: string, names: readonly string[]) => names.map((k) => `${group}/${k}`);

const KARPENTER_CRDS = [
  ...kinds('karpenter.sh', ['NodePool', 'NodeClaim', 'NodeOverlay']),
  ...kinds('karpenter.k8s.aws', ['EC2NodeClass']),
  ...kinds('autoscaling.x-k8s.io', ['CapacityBuffer']),
];
const ARGO_CRDS = kinds('argoproj.io', [
  'Workflow',
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'CronWorkflow',
  'WorkflowTaskSet',
  'WorkflowTaskResult',
  'WorkflowEventBinding',
  'WorkflowArtifactGCTask',
]);
const JOBSET_CRDS = ['jobset.x-k8s.io/JobSet'];
const SERVICE_MONITOR = 'monitoring.coreos.com/ServiceMonitor';
/** The chart creates a ServiceMonitor when `path` is true. */
const serviceMonitorIf = (path: string) => (r: Release) => (valueOf(r, path, false) ? [SERVICE_MONITOR] : []);
const NVIDIA_GPU_TOLERATION: Toleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

function tolerations(value: unknown): Toleration[] {
  return asArray(value).flatMap((t) => {
    const o = asObject(t);
    return o ? [o as unknown as Toleration] : [];
  });
}

function secretRef(r: Release, path: string, kind: ValueReference['kind'] = 'Secret'): ValueReference[] {
  const name = valueOf<unknown>(r, path, undefined);
  return typeof name === 'string' && name
    ? [{ kind, name, namespace: kind === 'Secret' || kind === 'ConfigMap' ? r.namespace : undefined, path }]
    : [];
}

/** Kueue's manager configuration (`managerConfig.controllerManagerConfigYaml`), parsed. */
export function kueueManagerConfig(r: Release): Json {
  const text = valueOf<unknown>(r, 'managerConfig.controllerManagerConfigYaml', undefined);
  if (typeof text !== 'string') return KUEUE_DEFAULT_CONFIG;
  try {
    return asObject(YAML.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/** The chart's default `integrations.frameworks` (kueue 0.19.2 values.yaml). */
const KUEUE_DEFAULT_CONFIG: Json = { integrations: { frameworks: [...KUEUE_DEFAULT_FRAMEWORKS] } };

/**
 * Kueue's job webhooks (kueue 0.19.2 templates/webhook/manifests.yaml): `failurePolicy: Fail` on the
 * workload kinds it integrates (pods, deployments and statefulsets only when those frameworks are on),
 * in every namespace `managedJobsNamespaceSelector` selects, by default all but kube-system and its own.
 */
function kueueWebhooks(r: Release): WebhookModel[] {
  const config = kueueManagerConfig(r);
  const frameworks = asArray(asObject(config.integrations)?.frameworks).map(String);
  const selector = config.managedJobsNamespaceSelector ?? {
    matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['kube-system', r.namespace] }],
  };
  const hooks: [string, string, string, boolean][] = [
    ['mjob.kb.io', 'batch', 'jobs', true],
    ['mjobset.kb.io', 'jobset.x-k8s.io', 'jobsets', true],
    ['mtrainjob.kb.io', 'trainer.kubeflow.org', 'trainjobs', true],
    ['mpod.kb.io', '', 'pods', frameworks.includes('pod')],
    ['mdeployment.kb.io', 'apps', 'deployments', frameworks.includes('deployment')],
    ['mstatefulset.kb.io', 'apps', 'statefulsets', frameworks.includes('statefulset')],
  ];
  return hooks.map(([name, group, resource, fail]) => ({
    source: `${r.installer} (chart kueue, not rendered)`,
    path: 'MutatingWebhookConfiguration',
    name,
    failurePolicy: fail ? 'Fail' : 'Ignore',
    rules: [{ apiGroups: [group], resources: [resource] }],
    namespaceSelector: selector,
    release: r.name,
  }));
}

/** Facts by chart name. */
export const CHART_FACTS: Readonly<Record<string, ChartFacts>> = {
  karpenter: {
    crds: () => KARPENTER_CRDS,
    crdsFolder: true,
    uses: serviceMonitorIf('serviceMonitor.enabled'),
    // templates/service.yaml: the metrics Service, named and labelled after the release.
    provides: (r) => [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: r.name.includes('karpenter') ? r.name : `${r.name}-karpenter`,
          namespace: r.namespace,
          labels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': r.name },
        },
        spec: {
          selector: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': r.name },
          ports: [
            {
              name: 'http-metrics',
              port: valueOf(r, 'controller.metrics.port', 8080),
              targetPort: 'http-metrics',
              protocol: 'TCP',
            },
          ],
        },
      },
    ],
  },
  'karpenter-crd': { crds: () => KARPENTER_CRDS },
  // Apache Airflow 1.22.0: the Secrets its values name (it waits for them), and the StatsD Service
  // (templates/statsd/statsd-service.yaml) aiready's ServiceMonitor scrapes.
  airflow: {
    references: (r) => [
      ...secretRef(r, 'data.metadataSecretName'),
      ...secretRef(r, 'data.brokerUrlSecretName'),
      ...secretRef(r, 'fernetKeySecretName'),
      ...secretRef(r, 'apiSecretKeySecretName'),
      ...secretRef(r, 'jwtSecretName'),
      ...secretRef(r, 'redis.passwordSecretName'),
      ...secretRef(r, 'dags.gitSync.credentialsSecret'),
      ...secretRef(r, 'dags.gitSync.sshKeySecret'),
    ],
    provides: (r) => {
      if (!valueOf(r, 'statsd.enabled', true)) return [];
      const name = String(valueOf(r, 'fullnameOverride', '') || (r.name.includes('airflow') ? r.name : `${r.name}-airflow`));
      const labels = { tier: 'airflow', component: 'statsd', release: r.name };
      return [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: `${name}-statsd`, namespace: r.namespace, labels },
          spec: {
            selector: labels,
            ports: [
              { name: 'statsd-ingest', protocol: 'UDP', port: 9125, targetPort: 9125 },
              { name: 'statsd-scrape', protocol: 'TCP', port: 9102, targetPort: 9102 },
            ],
          },
        },
      ];
    },
  },

  'argo-workflows': {
    crds: (r) => (valueOf(r, 'crds.install', true) ? ARGO_CRDS : []),
    uses: serviceMonitorIf('controller.serviceMonitor.enabled'),
    references: (r) => [
      ...secretRef(r, 'artifactRepository.s3.accessKeySecret.name'),
      ...secretRef(r, 'artifactRepository.s3.secretKeySecret.name'),
      ...secretRef(r, 'server.sso.clientId.name'),
      ...secretRef(r, 'server.sso.clientSecret.name'),
    ],
  },
  'kube-prometheus-stack': {
    crds: (r) =>
      valueOf(r, 'crds.enabled', true)
        ? kinds('monitoring.coreos.com', [
            'Alertmanager',
            'AlertmanagerConfig',
            'PodMonitor',
            'Probe',
            'Prometheus',
            'PrometheusAgent',
            'PrometheusRule',
            'ScrapeConfig',
            'ServiceMonitor',
            'ThanosRuler',
          ])
        : [],
    references: (r) => [
      ...(valueOf(r, 'grafana.enabled', true) ? secretRef(r, 'grafana.admin.existingSecret') : []),
      ...secretRef(r, 'alertmanager.alertmanagerSpec.configSecret'),
      ...asArray(valueOf(r, 'alertmanager.alertmanagerSpec.secrets', [])).map((name, i) => ({
        kind: 'Secret' as const,
        name: String(name),
        namespace: r.namespace,
        path: `alertmanager.alertmanagerSpec.secrets[${i}]`,
      })),
      ...secretRef(r, 'prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName', 'StorageClass'),
      ...secretRef(r, 'alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName', 'StorageClass'),
    ],
    // prometheus-node-exporter runs with hostNetwork, hostPID and hostPath volumes.
    podSecurity: { level: 'privileged', why: 'prometheus-node-exporter uses hostNetwork, hostPID and hostPath volumes' },
  },
  'gpu-operator': {
    crds: (r) => [
      ...kinds('nvidia.com', ['ClusterPolicy', 'NVIDIADriver', 'GPUCluster']),
      ...(valueOf(r, 'nfd.enabled', true)
        ? kinds('nfd.k8s-sigs.io', ['NodeFeature', 'NodeFeatureGroup', 'NodeFeatureRule'])
        : []),
    ],
    crdsFolder: true,
    uses: serviceMonitorIf('dcgmExporter.serviceMonitor.enabled'),
    devicePlugin: (r) =>
      valueOf(r, 'devicePlugin.enabled', true)
        ? {
            plugin: 'nvidia',
            operator: true,
            tolerations: tolerations(valueOf(r, 'daemonsets.tolerations', [NVIDIA_GPU_TOLERATION])),
            migStrategy: String(valueOf(r, 'mig.strategy', 'single')),
            ...configMapFact(r, 'devicePlugin.config', 'configMap'),
            ...configMapFact(r, 'migManager.config', 'migConfigMap'),
          }
        : undefined,
    references: (r) => secretRef(r, 'daemonsets.priorityClassName', 'PriorityClass'),
    // assets/state-dcgm-exporter/0400_service.yaml at v26.7.0, and the runtime class of operator.runtimeClass.
    provides: (r) => [
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: String(valueOf(r, 'operator.runtimeClass', 'nvidia')) },
        handler: 'nvidia',
      },
      ...(valueOf(r, 'dcgmExporter.enabled', true)
        ? [
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: 'nvidia-dcgm-exporter', namespace: r.namespace, labels: { app: 'nvidia-dcgm-exporter' } },
              spec: {
                selector: { app: 'nvidia-dcgm-exporter' },
                ports: [{ name: 'gpu-metrics', port: 9400, targetPort: 9400, protocol: 'TCP' }],
              },
            },
          ]
        : []),
    ],
    podSecurity: { level: 'privileged', why: 'the device plugin, toolkit, MIG manager and DCGM exporter need host access' },
  },
  'nvidia-device-plugin': {
    devicePlugin: (r) => ({
      plugin: 'nvidia',
      tolerations: tolerations(
        valueOf(r, 'tolerations', [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, NVIDIA_GPU_TOLERATION]),
      ),
      migStrategy: String(valueOf(r, 'migStrategy', 'none')),
      ...configMapFact(r, 'config', 'configMap'),
    }),
    podSecurity: { level: 'privileged', why: 'the device plugin mounts the kubelet device-plugin socket (hostPath)' },
  },
  'aws-efa-k8s-device-plugin': {
    // templates/daemonset.yaml: CriticalAddonsOnly plus `tolerations`; node affinity on
    // `supportedInstanceLabels` (the chart's default list holds every EFA type in the catalogue).
    devicePlugin: (r) => {
      const types = valueOf<unknown>(r, 'supportedInstanceLabels.values', undefined);
      return {
        plugin: 'efa',
        tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, ...tolerations(valueOf(r, 'tolerations', []))],
        ...(Array.isArray(types) ? { instanceTypes: types.map(String) } : {}),
      };
    },
    podSecurity: { level: 'privileged', why: 'the EFA device plugin runs privileged as root' },
  },
  keda: {
    crds: (r) =>
      valueOf(r, 'crds.install', true)
        ? [
            ...kinds('keda.sh', ['ScaledObject', 'ScaledJob', 'TriggerAuthentication', 'ClusterTriggerAuthentication']),
            ...kinds('eventing.keda.sh', ['CloudEventSource', 'ClusterCloudEventSource']),
          ]
        : [],
  },
  kueue: {
    crds: () =>
      kinds('kueue.x-k8s.io', [
        'AdmissionCheck',
        'ClusterQueue',
        'Cohort',
        'LocalQueue',
        'MultiKueueCluster',
        'MultiKueueConfig',
        'ProvisioningRequestConfig',
        'ResourceFlavor',
        'Topology',
        'Workload',
        'WorkloadPriorityClass',
      ]),
    webhooks: kueueWebhooks,
  },
  'kubeflow-trainer': {
    crds: (r) => [
      ...(valueOf(r, 'crds.enabled', true)
        ? kinds('trainer.kubeflow.org', ['TrainJob', 'TrainingRuntime', 'ClusterTrainingRuntime'])
        : []),
      ...(valueOf(r, 'jobset.install', true) ? JOBSET_CRDS : []),
    ],
  },
  jobset: { crds: () => JOBSET_CRDS, crdsFolder: true },
  'kserve-crd': {
    crds: () =>
      kinds('serving.kserve.io', [
        'ClusterServingRuntime',
        'ClusterStorageContainer',
        'InferenceGraph',
        'InferenceService',
        'ServingRuntime',
        'TrainedModel',
      ]),
  },
  'kserve-resources': { ownsGroups: ['serving.kserve.io'] },
};

function configMapFact(r: Release, path: string, key: 'configMap' | 'migConfigMap'): Partial<DevicePluginFact> {
  const name = asString(valueOf<unknown>(r, `${path}.name`, undefined));
  if (!name) return {};
  const defaultEntry = asString(valueOf<unknown>(r, `${path}.default`, undefined));
  return { [key]: { name, namespace: r.namespace, ...(defaultEntry && key === 'configMap' ? { defaultEntry } : {}) } };
}

/** Facts of kustomize bases, by path in their repository (Kubeflow Pipelines 2.17.0). */
export const KUSTOMIZE_FACTS: Readonly<
  Record<string, { readonly crds: readonly string[]; readonly namespaces?: readonly string[] }>
> = {
  // manifests/kustomize/cluster-scoped-resources: the kubeflow namespace, KFP's CRDs and the Argo Workflows
  // CRDs of its own controller.
  'manifests/kustomize/cluster-scoped-resources': {
    crds: [...ARGO_CRDS, ...kinds('kubeflow.org', ['ScheduledWorkflow', 'Viewer']), 'app.k8s.io/Application'],
    namespaces: ['kubeflow'],
  },
};

/** The facts for a release, or undefined for charts the checker knows nothing about. */
export function chartFacts(r: Release): ChartFacts | undefined {
  return r.type === 'helm' && r.chart ? CHART_FACTS[r.chart] : undefined;
}

/** The CRDs (`group/Kind`) a release installs. */
export function crdsOf(r: Release): readonly string[] {
  if (r.type === 'kustomize') return KUSTOMIZE_FACTS[r.path ?? '']?.crds ?? [];
  const facts = chartFacts(r);
  if (!facts?.crds || (facts.crdsFolder && r.skipCrds)) return [];
  return facts.crds(r);
}
