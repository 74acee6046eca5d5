// Closed value sets that the API server's validation enforces on built-in kinds (Kubernetes 1.36,
// pkg/apis/*/validation) but that its OpenAPI document does not carry as `enum`. Keyed by OpenAPI
// definition, then field. An empty string counts as unset (Go cannot tell them apart; the API server
// defaults the field or says it is required), so it is never reported as a bad value here.

const core = 'io.k8s.api.core.v1';
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const PROFILE_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** Allowed values by definition and field; for array fields, the allowed items. */
export const ENFORCED_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [`${core}.Container`]: {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
    restartPolicy: ['Always', 'Never', 'OnFailure'],
  },
  [`${core}.EphemeralContainer`]: {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  [`${core}.ContainerPort`]: { protocol: PROTOCOLS },
  [`${core}.ServicePort`]: { protocol: PROTOCOLS },
  [`${core}.ContainerResizePolicy`]: { restartPolicy: ['NotRequired', 'RestartContainer'] },
  [`${core}.PodSpec`]: {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['Never', 'PreemptLowerPriority'],
  },
  [`${core}.PodOS`]: { name: ['linux', 'windows'] },
  [`${core}.Toleration`]: { operator: ['Exists', 'Equal'], effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  [`${core}.NodeSelectorRequirement`]: { operator: [...SELECTOR_OPERATORS, 'Gt', 'Lt'] },
  [`${core}.TopologySpreadConstraint`]: {
    whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
    nodeAffinityPolicy: ['Honor', 'Ignore'],
    nodeTaintsPolicy: ['Honor', 'Ignore'],
  },
  [`${core}.SeccompProfile`]: { type: PROFILE_TYPES },
  [`${core}.AppArmorProfile`]: { type: PROFILE_TYPES },
  [`${core}.PodSecurityContext`]: {
    fsGroupChangePolicy: ['OnRootMismatch', 'Always'],
    seLinuxChangePolicy: ['Recursive', 'MountOption'],
  },
  [`${core}.VolumeMount`]: { mountPropagation: ['None', 'HostToContainer', 'Bidirectional'] },
  [`${core}.HostPathVolumeSource`]: {
    type: ['DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'],
  },
  [`${core}.HTTPGetAction`]: { scheme: ['HTTP', 'HTTPS'] },
  [`${core}.ServiceSpec`]: {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
    ipFamilies: ['IPv4', 'IPv6'],
  },
  [`${core}.PersistentVolumeClaimSpec`]: {
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
    volumeMode: ['Block', 'Filesystem'],
  },
  [`${core}.LimitRangeItem`]: { type: ['Pod', 'Container', 'PersistentVolumeClaim'] },
  [`${core}.ResourceQuotaSpec`]: {
    scopes: [
      'Terminating',
      'NotTerminating',
      'BestEffort',
      'NotBestEffort',
      'PriorityClass',
      'CrossNamespacePodAffinity',
      'VolumeAttributesClass',
    ],
  },
  [`${core}.ScopedResourceSelectorRequirement`]: { operator: SELECTOR_OPERATORS },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: SELECTOR_OPERATORS },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.batch.v1.JobSpec': {
    completionMode: ['NonIndexed', 'Indexed'],
    podReplacementPolicy: ['TerminatingOrFailed', 'Failed'],
  },
  'io.k8s.api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: ['Ingress', 'Egress'] },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: PROTOCOLS },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
  'io.k8s.api.rbac.v1.Subject': { kind: ['User', 'Group', 'ServiceAccount'] },
  'io.k8s.api.rbac.v1.RoleRef': { kind: ['Role', 'ClusterRole'], apiGroup: ['rbac.authorization.k8s.io'] },
  'io.k8s.api.storage.v1.StorageClass': {
    reclaimPolicy: ['Delete', 'Retain'],
    volumeBindingMode: ['Immediate', 'WaitForFirstConsumer'],
  },
  'io.k8s.api.scheduling.v1.PriorityClass': { preemptionPolicy: ['Never', 'PreemptLowerPriority'] },
  'io.k8s.api.autoscaling.v2.MetricSpec': { type: ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'] },
  'io.k8s.api.autoscaling.v2.MetricTarget': { type: ['Utilization', 'Value', 'AverageValue'] },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': {
    failurePolicy: ['Ignore', 'Fail'],
    matchPolicy: ['Exact', 'Equivalent'],
    sideEffects: ['None', 'NoneOnDryRun'],
    reinvocationPolicy: ['Never', 'IfNeeded'],
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': {
    failurePolicy: ['Ignore', 'Fail'],
    matchPolicy: ['Exact', 'Equivalent'],
    sideEffects: ['None', 'NoneOnDryRun'],
  },
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': {
    operations: ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
    scope: ['*', 'Cluster', 'Namespaced'],
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': {
    scope: ['Cluster', 'Namespaced'],
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion': { strategy: ['None', 'Webhook'] },
};

/** Fields the API server requires although the OpenAPI document does not say so. */
export const ENFORCED_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': ['sideEffects', 'admissionReviewVersions'],
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': ['sideEffects', 'admissionReviewVersions'],
};
