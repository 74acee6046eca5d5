// Things a target relies on that it does not create: declared by the user (shown in SUMMARY under
// "Prerequisites"), or provided by every EKS cluster.

/** Something that must exist in the cluster before the target is applied, which the target does not create. */
export interface Prerequisite {
  /** Kind: `Secret`, `StorageClass`, `CustomResourceDefinition` (name as `group/Kind`), ... */
  readonly kind: string;
  readonly name: string;
  /** Namespace, for namespaced kinds. */
  readonly namespace?: string;
  /** Why it is needed and who provides it: shown in SUMMARY. */
  readonly reason: string;
}

/** What every EKS cluster has before anything is applied. */
export const CLUSTER_PROVIDED: readonly Omit<Prerequisite, 'reason'>[] = [
  { kind: 'Service', namespace: 'kube-system', name: 'kube-dns' },
  { kind: 'PriorityClass', name: 'system-node-critical' },
  { kind: 'PriorityClass', name: 'system-cluster-critical' },
  { kind: 'ClusterRole', name: 'cluster-admin' },
  { kind: 'ClusterRole', name: 'admin' },
  { kind: 'ClusterRole', name: 'edit' },
  { kind: 'ClusterRole', name: 'view' },
  // Bootstrap RBAC of every API server: extension API servers (metrics, Kueue visibility) bind these.
  { kind: 'ClusterRole', name: 'system:auth-delegator' },
  { kind: 'Role', namespace: 'kube-system', name: 'extension-apiserver-authentication-reader' },
];

/** What GitOps output needs in the cluster before it is applied: Argo CD, which applies it. */
export function argoCdPrerequisites(namespace = 'argocd'): Prerequisite[] {
  return [
    { kind: 'Namespace', name: namespace, reason: 'Argo CD runs there and applies this GitOps output' },
    { kind: 'CustomResourceDefinition', name: 'argoproj.io/Application', reason: 'Argo CD applies this GitOps output' },
  ];
}

/**
 * cert-manager, which aiready does not install: charts that render `Issuer` and `Certificate` objects
 * (KServe's webhook certificate) need its CRDs, and its controller to sign them.
 */
export function certManagerPrerequisites(): Prerequisite[] {
  return ['Certificate', 'Issuer'].map((kind) => ({
    kind: 'CustomResourceDefinition',
    name: `cert-manager.io/${kind}`,
    reason: `cert-manager's ${kind} (cert-manager runs in the cluster and signs webhook certificates)`,
  }));
}

/**
 * What Flux output needs in the cluster before it is applied: Flux (`flux bootstrap`), which applies it,
 * with its namespace and the kinds aiready writes for it.
 */
export function fluxPrerequisites(namespace = 'flux-system'): Prerequisite[] {
  const reason = 'Flux (flux bootstrap) applies this GitOps output';
  return [
    { kind: 'Namespace', name: namespace, reason: 'Flux runs there and applies this GitOps output' },
    ...[
      'helm.toolkit.fluxcd.io/HelmRelease',
      'source.toolkit.fluxcd.io/HelmRepository',
      'source.toolkit.fluxcd.io/OCIRepository',
      'source.toolkit.fluxcd.io/GitRepository',
      'kustomize.toolkit.fluxcd.io/Kustomization',
    ].map((name) => ({ kind: 'CustomResourceDefinition', name, reason })),
  ];
}

/** The key a reference is matched by: `Kind/namespace/name`. */
export function referenceKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** How a user declares a missing object as a prerequisite, for fixes. */
export function prerequisiteHint(kind: string, namespace: string | undefined, name: string): string {
  return `{ kind: '${kind}', ${namespace ? `namespace: '${namespace}', ` : ''}name: '${name}', reason: '...' }`;
}
