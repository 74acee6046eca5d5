// The order a platform's own objects are applied in, relative to the releases: one rule for Argo CD's
// sync waves and for Pulumi's dependencies.
import { ARGOCD_SYNC_OPTIONS, ARGOCD_SYNC_WAVE } from '@aiready/core';

/**
 * When an object is applied:
 * - `namespace`: first, everything else lives in them;
 * - `configuration`: before the releases, because the charts read them (the GPU operator's device
 *   plugin and MIG ConfigMaps, the default StorageClass Prometheus' volume claims, Secrets, RBAC,
 *   quotas, network policies);
 * - `after-releases`: custom resources (their CRDs come with the releases) and workloads (a job
 *   labelled for Kueue must not start before Kueue's webhook can suspend it).
 */
export type ApplyPhase = 'namespace' | 'configuration' | 'after-releases';

const CONFIGURATION_KINDS: ReadonlySet<string> = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PriorityClass',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
]);

/** The phase of an object; see {@link ApplyPhase}. */
export function applyPhase(obj: { readonly apiVersion: string; readonly kind: string }): ApplyPhase {
  if (obj.kind === 'Namespace') return 'namespace';
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const builtIn = group === '' || !group.includes('.') || group.endsWith('.k8s.io');
  return builtIn && CONFIGURATION_KINDS.has(obj.kind) ? 'configuration' : 'after-releases';
}

/** True for objects of an API group Kubernetes does not serve itself (their CRD comes from a release). */
export function isCustomResource(obj: { readonly apiVersion: string }): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return !(group === '' || !group.includes('.') || group.endsWith('.k8s.io'));
}

/**
 * The Argo CD sync wave and options of a platform object: namespaces at -10, configuration at -5
 * (releases that own CRDs sync at -1, the others at 0), custom resources at 1, tolerating a CRD still
 * being installed at dry-run. Undefined when the object keeps the default wave.
 */
export function argoCdOrder(obj: { readonly apiVersion: string; readonly kind: string }): Record<string, string> | undefined {
  const phase = applyPhase(obj);
  if (phase === 'namespace') return { [ARGOCD_SYNC_WAVE]: '-10' };
  if (phase === 'configuration') return { [ARGOCD_SYNC_WAVE]: '-5' };
  if (isCustomResource(obj)) return { [ARGOCD_SYNC_WAVE]: '1', [ARGOCD_SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' };
  return undefined;
}
