// The Pod Security Standards, rule by rule, as the API server's admission plugin registers them
// (kubernetes/pod-security-admission, policy/check_*.go at v0.36.2, commit 28fdd1bd; the 1.37 sysctls
// from master). Each rule keeps upstream's id, level, minimum version and forbidden reason, so a finding
// reads like the API server's refusal.
import { Json } from '../model/kube';
import {
  appArmor,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbes,
  hostProcess,
  privileged,
  procMount,
  seccompAnnotations,
  seccompBaseline,
  seLinux,
  SYSCTLS_1_0,
  SYSCTLS_1_27,
  SYSCTLS_1_29,
  SYSCTLS_1_32,
  SYSCTLS_1_37,
  sysctls,
} from './pod-security-baseline';
import {
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
} from './pod-security-restricted';
import { Minor, PodSecurityLevel, PodSecurityRule, Violation } from './pod-security-types';

export { minorOf } from './pod-security-types';
export type { Minor, PodSecurityLevel, PodSecurityRule, Violation } from './pod-security-types';

/** The Pod Security Standards checks (baseline and restricted), per Kubernetes version. */
export const POD_SECURITY_RULES: readonly PodSecurityRule[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { min: 108, check: allowPrivilegeEscalation(false) },
      { min: 125, check: allowPrivilegeEscalation(true) },
    ],
  },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ min: 100, check: appArmor }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ min: 100, check: capabilitiesBaseline }] },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    overrides: ['capabilities_baseline'],
    versions: [
      { min: 122, check: capabilitiesRestricted(false) },
      { min: 125, check: capabilitiesRestricted(true) },
    ],
  },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ min: 100, check: hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ min: 100, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ min: 100, check: hostPorts }] },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', versions: [{ min: 134, check: hostProbes }] },
  { id: 'privileged', level: 'baseline', versions: [{ min: 100, check: privileged }] },
  {
    id: 'procMount',
    level: 'baseline',
    versions: [
      { min: 100, check: procMount(false) },
      { min: 135, check: procMount(true) },
    ],
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    overrides: ['procMount'],
    versions: [{ min: 135, check: procMount(false) }],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: ['hostPathVolumes'],
    versions: [{ min: 100, check: restrictedVolumes }],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      { min: 100, check: runAsNonRoot(false) },
      { min: 135, check: runAsNonRoot(true) },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    versions: [
      { min: 123, check: runAsUser(false) },
      { min: 135, check: runAsUser(true) },
    ],
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { min: 100, check: seLinux(new Set(['', 'container_t', 'container_init_t', 'container_kvm_t'])) },
      { min: 131, check: seLinux(new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'])) },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { min: 100, check: seccompAnnotations },
      { min: 119, check: seccompBaseline },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    versions: [
      { min: 119, check: seccompRestricted(false) },
      { min: 125, check: seccompRestricted(true) },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { min: 100, check: sysctls(SYSCTLS_1_0) },
      { min: 127, check: sysctls(SYSCTLS_1_27) },
      { min: 129, check: sysctls(SYSCTLS_1_29) },
      { min: 132, check: sysctls(SYSCTLS_1_32) },
      { min: 137, check: sysctls(SYSCTLS_1_37) },
    ],
  },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ min: 100, check: hostProcess }] },
];

/** The refusals of a pod at a level and version, in upstream's order (empty: admitted). */
export function evaluatePodSecurity(level: PodSecurityLevel, version: Minor, meta: Json, spec: Json): Violation[] {
  if (level === 'privileged') return [];
  const applicable = POD_SECURITY_RULES.filter((r) => level === 'restricted' || r.level === 'baseline')
    .map((r) => ({ rule: r, variant: [...r.versions].reverse().find((v) => v.min <= version) }))
    .filter((x) => x.variant !== undefined);
  const overridden = new Set(applicable.flatMap((x) => (x.rule.overrides ?? []).filter(() => level === 'restricted')));
  return applicable.filter((x) => !overridden.has(x.rule.id)).flatMap((x) => x.variant!.check(meta, spec) ?? []);
}
