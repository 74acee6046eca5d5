// One source of truth for every label key, annotation and taint aiready puts on nodes, pods and
// objects. Nothing else in the repository spells these strings.

/** The API group prefix of aiready's own labels. */
export const AIREADY_PREFIX = 'aiready.dev';

/** Node label: the aiready pool a node belongs to. Set by Karpenter (NodePool) and by managed node groups. */
export const POOL_LABEL = `${AIREADY_PREFIX}/pool`;
/** Node label: the pool's purpose (`training`, `inference`, `interactive`). */
export const PURPOSE_LABEL = `${AIREADY_PREFIX}/purpose`;
/**
 * Namespace label: the aiready team that owns the namespace. kube-state-metrics exports it, so alerts
 * about a team's pods carry a `team` label that Alertmanager routes by.
 */
export const TEAM_LABEL = `${AIREADY_PREFIX}/team`;
/** Object label: the aiready component (`gpu-operator`, `karpenter`, ...) an object belongs to. */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** The label Kubernetes puts on every namespace, holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Object label: what manages the object. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL} on everything aiready synthesizes. */
export const MANAGED_BY_VALUE = 'aiready';
/** Object label: the platform an object is part of. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** The extended resource NVIDIA's device plugin advertises for whole GPUs. */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';
/** Node label set before boot on aiready GPU nodes, so the NVIDIA device plugin's default affinity matches without NFD. */
export const NVIDIA_GPU_PRESENT_LABEL = 'nvidia.com/gpu.present';
/**
 * Node label the cluster autoscaler reads to know a node will have GPUs, so it does not scale up
 * again while the device plugin is still starting.
 */
export const ACCELERATOR_LABEL = 'k8s.amazonaws.com/accelerator';

/** A Kubernetes node taint. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A Kubernetes toleration. */
export interface Toleration {
  readonly key?: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * The taint every aiready GPU node carries, on Karpenter and managed node groups alike, so that only
 * pods that asked for GPUs land there.
 */
export const GPU_TAINT: Taint = { key: NVIDIA_GPU_RESOURCE, value: 'true', effect: 'NoSchedule' };

/**
 * The toleration that matches a taint whatever its value: `Exists` on the key and effect. A value
 * mismatch (`present` vs `true`) is how GPU DaemonSets silently stay at zero pods, so aiready never
 * tolerates by value.
 */
export function tolerationFor(taint: Taint): Toleration {
  return { key: taint.key, operator: 'Exists', effect: taint.effect };
}

/** Whether any of `tolerations` tolerates `taint`, by the Kubernetes matching rules. */
export function tolerates(tolerations: readonly Partial<Toleration>[], taint: Taint): boolean {
  return tolerations.some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

/** Tolerations for a set of taints, without duplicates, in a stable order. */
export function tolerationsFor(taints: readonly Taint[]): Toleration[] {
  const seen = new Map<string, Toleration>();
  for (const t of taints) {
    const tol = tolerationFor(t);
    seen.set(`${tol.key}:${tol.effect}`, tol);
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t);
}

/**
 * Node labels the NVIDIA GPU operator reads to decide which of its DaemonSets run on a node
 * (`nvidia.com/gpu.deploy.<operand>=false` keeps that operand off).
 */
export function gpuOperatorDeployLabel(operand: 'driver' | 'container-toolkit' | 'device-plugin' | 'mig-manager'): string {
  return `nvidia.com/gpu.deploy.${operand}`;
}

/** Node label selecting a pool's entry in the device plugin's config map (sharing, MIG strategy). */
export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';
/** Node label selecting the mig-parted layout the MIG manager applies to a node's GPUs. */
export const MIG_CONFIG_LABEL = 'nvidia.com/mig.config';
/** The mig-parted layout that turns MIG off. */
export const MIG_DISABLED_LAYOUT = 'all-disabled';
/** The EFA extended resource. */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** AWS tag by which Karpenter discovers a cluster's subnets and security groups (value: cluster name). */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Subnet tags by which the AWS load balancer integrations pick subnets, per tier. */
export const SUBNET_ROLE_TAGS = {
  public: { 'kubernetes.io/role/elb': '1' },
  private: { 'kubernetes.io/role/internal-elb': '1' },
} as const;

/** Argo Workflows: the label a controller with an instance ID selects its workflows and templates by. */
export const ARGO_INSTANCE_ID_LABEL = 'workflows.argoproj.io/controller-instanceid';
/** Argo Workflows: the annotation naming a namespace's default key in its `artifact-repositories` ConfigMap. */
export const ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository';

/** Karpenter's well-known node labels (karpenter.k8s.aws/...). */
export const KARPENTER_LABELS = {
  nodePool: 'karpenter.sh/nodepool',
  capacityType: 'karpenter.sh/capacity-type',
  instanceFamily: 'karpenter.k8s.aws/instance-family',
  instanceGpuName: 'karpenter.k8s.aws/instance-gpu-name',
  instanceGpuCount: 'karpenter.k8s.aws/instance-gpu-count',
  instanceGpuMemory: 'karpenter.k8s.aws/instance-gpu-memory',
  instanceGpuManufacturer: 'karpenter.k8s.aws/instance-gpu-manufacturer',
} as const;

/** Kubernetes well-known node labels. */
export const WELL_KNOWN_LABELS = {
  instanceType: 'node.kubernetes.io/instance-type',
  arch: 'kubernetes.io/arch',
  os: 'kubernetes.io/os',
  zone: 'topology.kubernetes.io/zone',
} as const;

/** Pod annotation that stops Karpenter from voluntarily disrupting the node the pod runs on. */
export const DO_NOT_DISRUPT_ANNOTATION = 'karpenter.sh/do-not-disrupt';

/** Namespace labels of Pod Security admission. */
export const POD_SECURITY_LABELS = {
  enforce: 'pod-security.kubernetes.io/enforce',
  audit: 'pod-security.kubernetes.io/audit',
  warn: 'pod-security.kubernetes.io/warn',
} as const;

/**
 * Namespace label: Kueue manages the namespace's jobs and pods (its `managedJobsNamespaceSelector`), so
 * Kueue's fail-closed webhooks touch only these namespaces, never the platform's own.
 */
export const KUEUE_MANAGED_NAMESPACE_LABEL = `${AIREADY_PREFIX}/kueue`;
/** Workload (or pod) label: the Kueue LocalQueue it waits in. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** Workload (or pod) label: the Kueue WorkloadPriorityClass it is admitted and preempted by. */
export const KUEUE_PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

/** Argo CD annotation ordering the sync of objects (lower waves first). */
export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Argo CD annotation with per-object sync options. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Annotation with the install wave of a Flux HelmRelease or Kustomization aiready writes (the number an
 * Argo CD sync wave would carry): the Flux layout puts each in the stage of its wave.
 */
export const INSTALL_WAVE_ANNOTATION = `${AIREADY_PREFIX}/install-wave`;
/**
 * Annotation on a Flux Kustomization of a kustomize base that creates a namespace: objects in that
 * namespace install after the base.
 */
export const CREATES_NAMESPACE_ANNOTATION = `${AIREADY_PREFIX}/creates-namespace`;
