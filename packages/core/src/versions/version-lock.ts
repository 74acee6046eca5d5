import type { ValidationProblem } from '../errors';
// The version lock: every upstream chart aiready installs, pinned in one place.
// Source: ../shared/reference/versions-and-prices.md part 1 (each row verified from a Chart.yaml at a
// tag or a published Helm index). To upgrade a component, change its row here and nothing else.

/** How a chart's lifecycle depends on Helm hooks: what a hook-dropping materialiser would lose. */
export interface HookBehaviour {
  /** True when something the platform needs is created only by a hook. */
  readonly essential: boolean;
  readonly note: string;
}

/** One pinned upstream Helm chart. */
export interface ChartPin {
  /** Stable id used across aiready (`gpu-operator`). */
  readonly id: string;
  /** Chart name in the repository. */
  readonly chart: string;
  /** Repository as users configure it: `https://...` or `oci://...` (the OCI URL excludes the chart name). */
  readonly repository: string;
  /** Chart version exactly as Helm expects it (some carry a leading `v`). */
  readonly version: string;
  readonly appVersion: string;
  /** The namespace convention for this component. */
  readonly namespace: string;
  /** Whether the chart installs CRDs. */
  readonly ownsCrds: boolean;
  readonly hooks: HookBehaviour;
}

const NO_HOOKS: HookBehaviour = { essential: false, note: 'no hooks' };

/** Every pinned chart, keyed by id. */
export const CHARTS = Object.freeze({
  gpuOperator: {
    id: 'gpu-operator',
    chart: 'gpu-operator',
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    version: 'v26.7.0',
    appVersion: 'v26.7.0',
    namespace: 'gpu-operator',
    ownsCrds: true,
    hooks: {
      essential: false,
      note: 'pre-upgrade CRD upgrade Job and pre-delete cleanup Jobs; without hooks, apply the chart CRDs server-side on upgrade',
    },
  },
  karpenter: {
    id: 'karpenter',
    chart: 'karpenter',
    repository: 'oci://public.ecr.aws/karpenter',
    version: '1.14.1',
    appVersion: '1.14.1',
    namespace: 'kube-system',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  karpenterCrd: {
    id: 'karpenter-crd',
    chart: 'karpenter-crd',
    repository: 'oci://public.ecr.aws/karpenter',
    version: '1.14.1',
    appVersion: '1.14.1',
    namespace: 'kube-system',
    // The CRDs sit in templates/, so chart upgrades reach them (unlike karpenter's crds/ folder).
    ownsCrds: true,
    hooks: NO_HOOKS,
  },
  argoWorkflows: {
    id: 'argo-workflows',
    chart: 'argo-workflows',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '1.0.18',
    appVersion: 'v4.0.6',
    namespace: 'argo',
    ownsCrds: true,
    hooks: {
      essential: true,
      note: 'crds.full=true installs the full v4 CRDs through a pre-install/pre-upgrade hook Job; a hook-dropping materialiser installs no CRDs',
    },
  },
  kubePrometheusStack: {
    id: 'kube-prometheus-stack',
    chart: 'kube-prometheus-stack',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '88.5.3',
    appVersion: 'v0.93.1',
    namespace: 'monitoring',
    ownsCrds: true,
    hooks: {
      essential: true,
      note: 'admission-webhook certificate Jobs are hooks; use cert-manager or disable the webhooks when hooks are dropped',
    },
  },
  dcgmExporter: {
    id: 'dcgm-exporter',
    chart: 'dcgm-exporter',
    repository: 'https://nvidia.github.io/dcgm-exporter/helm-charts',
    version: '4.8.2',
    appVersion: '4.8.2',
    namespace: 'gpu-operator',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  nvidiaDevicePlugin: {
    id: 'nvidia-device-plugin',
    chart: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    version: '0.20.0',
    appVersion: '0.20.0',
    namespace: 'nvidia-device-plugin',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  clusterAutoscaler: {
    id: 'cluster-autoscaler',
    chart: 'cluster-autoscaler',
    repository: 'https://kubernetes.github.io/autoscaler',
    version: '9.59.0',
    appVersion: '1.35.0',
    namespace: 'kube-system',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  keda: {
    id: 'keda',
    chart: 'keda',
    repository: 'https://kedacore.github.io/charts',
    version: '2.20.2',
    appVersion: '2.20.2',
    namespace: 'keda',
    ownsCrds: true,
    hooks: NO_HOOKS,
  },
  argoCd: {
    id: 'argo-cd',
    chart: 'argo-cd',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '10.1.1',
    appVersion: 'v3.4.4',
    namespace: 'argocd',
    ownsCrds: true,
    hooks: { essential: true, note: 'redis-secret-init hook Job creates the Redis password Secret' },
  },
  kueue: {
    id: 'kueue',
    chart: 'kueue',
    repository: 'oci://registry.k8s.io/kueue/charts',
    version: '0.19.2',
    appVersion: 'v0.19.2',
    namespace: 'kueue-system',
    ownsCrds: true,
    hooks: NO_HOOKS,
  },
  kubeflowTrainer: {
    id: 'kubeflow-trainer',
    chart: 'kubeflow-trainer',
    repository: 'oci://ghcr.io/kubeflow/charts',
    version: '2.3.0',
    appVersion: 'v2.3.0',
    namespace: 'kubeflow-system',
    ownsCrds: true,
    hooks: { essential: true, note: 'default ClusterTrainingRuntimes are applied by a post-install hook Job' },
  },
  jobset: {
    id: 'jobset',
    chart: 'jobset',
    repository: 'oci://registry.k8s.io/jobset/charts',
    version: '0.12.0',
    appVersion: 'v0.12.0',
    namespace: 'jobset-system',
    ownsCrds: true,
    hooks: NO_HOOKS,
  },
  kserveCrd: {
    id: 'kserve-crd',
    chart: 'kserve-crd',
    repository: 'oci://ghcr.io/kserve/charts',
    version: 'v0.20.0',
    appVersion: 'v0.20.0',
    namespace: 'kserve',
    ownsCrds: true,
    hooks: NO_HOOKS,
  },
  kserve: {
    id: 'kserve-resources',
    // The chart was named `kserve` up to v0.16; since v0.17 it is `kserve-resources`.
    chart: 'kserve-resources',
    repository: 'oci://ghcr.io/kserve/charts',
    version: 'v0.20.0',
    appVersion: 'v0.20.0',
    namespace: 'kserve',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  efaDevicePlugin: {
    id: 'aws-efa-k8s-device-plugin',
    chart: 'aws-efa-k8s-device-plugin',
    repository: 'https://aws.github.io/eks-charts',
    version: 'v0.5.30',
    appVersion: 'v0.5.20',
    namespace: 'kube-system',
    ownsCrds: false,
    hooks: NO_HOOKS,
  },
  airflow: {
    id: 'airflow',
    // The official Apache Airflow chart 1.22.0 (released 2026-06-01, tag helm-chart/1.22.0 at 801e823),
    // default Airflow 3.2.2: read from the chart's release notes and parameters reference at
    // https://airflow.apache.org/docs/helm-chart/1.22.0/ and the GitHub release of that tag. The
    // values aiready sets are checked against packages/k8s/test/data/airflow-1.22.0.values.schema.json.
    chart: 'airflow',
    repository: 'https://airflow.apache.org',
    version: '1.22.0',
    appVersion: '3.2.2',
    namespace: 'airflow',
    ownsCrds: false,
    hooks: {
      essential: true,
      note: 'the database migration Job and the generated Secrets are Helm hooks; aiready names every Secret and, under Argo CD, runs the migration as an Argo CD Sync hook instead (migrateDatabaseJob.useHelmHooks: false)',
    },
  },
} satisfies Record<string, ChartPin>);

/** The key of a pinned chart in the version lock (`CHARTS`). */
export type ChartKey = keyof typeof CHARTS;

/**
 * The git-sync image of Airflow's DAG sync, pinned here for the chart's containers and aiready's own
 * task pod templates alike: the chart's default in the newest values.schema.json read (Airflow 3.0
 * era; 1.16.0's release notes name v4.3.0), a git-sync v4 release.
 */
export const AIRFLOW_GIT_SYNC_IMAGE = { repository: 'registry.k8s.io/git-sync/git-sync', tag: 'v4.4.2' } as const;

/** One kustomize base applied from a pinned git tag. */
export interface KustomizeBasePin {
  /** Name of what installs it (an Argo CD Application, a Pulumi `kustomize.v2.Directory`). */
  readonly name: string;
  /** Path of the kustomization in the repository. */
  readonly path: string;
  /** Whether the base installs CRDs the next base needs. */
  readonly ownsCrds: boolean;
  /** Whether the base creates the component's namespace (so labels on it are patched into this base). */
  readonly createsNamespace?: boolean;
}

/** A component installed from kustomize bases rather than a Helm chart. */
export interface KustomizePin {
  readonly id: string;
  /** Git repository (`https://github.com/...`). */
  readonly repository: string;
  /** Git tag. */
  readonly ref: string;
  /** The namespace the bases install into (hard-wired upstream). */
  readonly namespace: string;
  /** Bases in apply order. */
  readonly bases: readonly KustomizeBasePin[];
}

/**
 * Kubeflow Pipelines standalone 2.17.0 (versions-and-prices.md 1.4): cluster-scoped resources first
 * (namespace, the Application CRD, Argo CRDs), then the platform-agnostic env (KFP, metadata, its own
 * namespaced Argo Workflows v4.0.5 controller, SeaweedFS, MySQL). The namespace is fixed upstream.
 */
export const KUBEFLOW_PIPELINES: KustomizePin = Object.freeze({
  id: 'kubeflow-pipelines',
  repository: 'https://github.com/kubeflow/pipelines',
  ref: '2.17.0',
  namespace: 'kubeflow',
  bases: [
    {
      name: 'kubeflow-pipelines-cluster',
      path: 'manifests/kustomize/cluster-scoped-resources',
      ownsCrds: true,
      createsNamespace: true,
    },
    { name: 'kubeflow-pipelines', path: 'manifests/kustomize/env/platform-agnostic', ownsCrds: false },
  ],
});

/** Kubernetes minor versions aiready supports on EKS, oldest first. */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.34', '1.35', '1.36'] as const;
/** A Kubernetes minor version aiready supports on EKS (`1.36`). */
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
/** The Kubernetes version new clusters get unless the user picks another. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.36';

/** An EKS-managed add-on aiready installs on every cluster. */
export interface EksAddonPin {
  /** Exact `addonName`. */
  readonly name: string;
  /**
   * `addonVersion` per Kubernetes minor. A minor without a verified version gets the EKS default for
   * that minor at creation (EKS never upgrades an add-on by itself), and the summary says so.
   */
  readonly versions: Partial<Record<KubernetesVersion, string>>;
  /** Service account that needs AWS permissions through Pod Identity, with the AWS-managed policy. */
  readonly podIdentity?: { readonly namespace: string; readonly serviceAccount: string; readonly managedPolicy: string };
}

/**
 * The EKS add-ons of every cluster, with `addonVersion` per Kubernetes minor. The 1.34 and 1.35
 * strings come from a public aws-eks-v2 project's add-on table, seen in several successive revisions
 * (each a newer `-eksbuild` of the same line); they were not checked against the EKS API offline
 * (`aws eks describe-addon-versions`, see versions-and-prices.md 1.5). No string for 1.36 was found:
 * 1.36 clusters take the EKS default unless the stack pins one (`eksAddonVersions`).
 */
export const EKS_ADDONS: readonly EksAddonPin[] = [
  { name: 'vpc-cni', versions: { '1.34': 'v1.23.0-eksbuild.1', '1.35': 'v1.23.0-eksbuild.1' } },
  { name: 'coredns', versions: { '1.34': 'v1.13.2-eksbuild.11', '1.35': 'v1.14.3-eksbuild.3' } },
  { name: 'kube-proxy', versions: { '1.34': 'v1.34.6-eksbuild.18', '1.35': 'v1.35.3-eksbuild.18' } },
  { name: 'eks-pod-identity-agent', versions: { '1.34': 'v1.4.0-eksbuild.1', '1.35': 'v1.4.0-eksbuild.1' } },
  {
    name: 'aws-ebs-csi-driver',
    versions: { '1.34': 'v1.63.1-eksbuild.1', '1.35': 'v1.63.1-eksbuild.1' },
    podIdentity: {
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      managedPolicy: 'service-role/AmazonEBSCSIDriverPolicy',
    },
  },
];

/** The shape of an EKS add-on version string (`v1.23.0-eksbuild.1`). */
export const EKS_ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/**
 * cluster-autoscaler image per Kubernetes minor: the image must match the cluster's minor, and the
 * chart's default (v1.35.0) does not. Patch releases tagged 2026-07-22 (versions-and-prices.md 1.1).
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<KubernetesVersion, string>> = {
  '1.34': 'v1.34.5',
  '1.35': 'v1.35.2',
  '1.36': 'v1.36.1',
};

/** The problem with a Kubernetes version outside the supported range, if it is. */
export function kubernetesVersionProblem(path: string, version: string): ValidationProblem | undefined {
  if ((SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(version)) return undefined;
  return {
    path,
    value: version,
    problem: 'outside the supported Kubernetes range',
    fix: `use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`,
  };
}
