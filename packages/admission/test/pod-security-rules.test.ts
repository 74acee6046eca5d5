import { Loose } from './support';
import { evaluatePodSecurity, minorOf, POD_SECURITY_RULES } from '../src/checks/pod-security-rules';
import { RESTRICTED } from './fixtures/target';

type Spec = Loose;
const pod = (container: Spec = {}, spec: Spec = {}): Spec => ({
  containers: [{ name: 'c', securityContext: { ...RESTRICTED }, ...container }],
  ...spec,
});
const v = (minor: string) => minorOf(minor)!;
const reasons = (level: 'baseline' | 'restricted', version: string, spec: Spec, meta: Spec = {}) =>
  evaluatePodSecurity(level, v(version), meta, spec).map((x) => x.reason);

describe('Pod Security rules', () => {
  test('a restricted-ready pod passes every level and version', () => {
    // GIVEN the security context restricted asks for WHEN checked THEN nothing is refused
    for (const level of ['baseline', 'restricted'] as const)
      for (const version of ['1.19', '1.25', '1.34', '1.35', '1.36', '1.37']) expect(reasons(level, version, pod())).toEqual([]);
  });

  test.each<[string, 'baseline' | 'restricted', Spec, string]>([
    ['privileged containers', 'baseline', pod({ securityContext: { privileged: true } }), 'privileged'],
    ['host network', 'baseline', pod({}, { hostNetwork: true }), 'host namespaces'],
    ['host PID', 'baseline', pod({}, { hostPID: true }), 'host namespaces'],
    ['hostPath volumes', 'baseline', pod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }), 'hostPath volumes'],
    [
      'hostPath volumes under restricted',
      'restricted',
      pod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }),
      'restricted volume types',
    ],
    [
      'nfs volumes under restricted',
      'restricted',
      pod({}, { volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] }),
      'restricted volume types',
    ],
    ['host ports', 'baseline', pod({ ports: [{ containerPort: 80, hostPort: 80 }] }), 'hostPort'],
    [
      'capabilities beyond the default set',
      'baseline',
      pod({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }),
      'non-default capabilities',
    ],
    [
      'capabilities not dropped',
      'restricted',
      pod({ securityContext: { ...RESTRICTED, capabilities: {} } }),
      'unrestricted capabilities',
    ],
    [
      'capabilities added under restricted',
      'restricted',
      pod({ securityContext: { ...RESTRICTED, capabilities: { drop: ['ALL'], add: ['NET_RAW'] } } }),
      'unrestricted capabilities',
    ],
    [
      'privilege escalation allowed',
      'restricted',
      pod({ securityContext: { ...RESTRICTED, allowPrivilegeEscalation: true } }),
      'allowPrivilegeEscalation != false',
    ],
    [
      'privilege escalation unset',
      'restricted',
      pod({ securityContext: { ...RESTRICTED, allowPrivilegeEscalation: undefined } }),
      'allowPrivilegeEscalation != false',
    ],
    [
      'runAsNonRoot unset',
      'restricted',
      pod({ securityContext: { ...RESTRICTED, runAsNonRoot: undefined } }),
      'runAsNonRoot != true',
    ],
    [
      'runAsNonRoot false on the pod',
      'restricted',
      pod({}, { securityContext: { runAsNonRoot: false } }),
      'runAsNonRoot != true',
    ],
    ['runAsUser 0', 'restricted', pod({ securityContext: { ...RESTRICTED, runAsUser: 0 } }), 'runAsUser=0'],
    ['seccomp unset', 'restricted', pod({ securityContext: { ...RESTRICTED, seccompProfile: undefined } }), 'seccompProfile'],
    ['seccomp Unconfined', 'baseline', pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), 'seccompProfile'],
    [
      'unsafe sysctls',
      'baseline',
      pod({}, { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }),
      'forbidden sysctls',
    ],
    ['unmasked /proc', 'baseline', pod({ securityContext: { procMount: 'Unmasked' } }), 'procMount'],
    ['SELinux user', 'baseline', pod({ securityContext: { seLinuxOptions: { user: 'system_u' } } }), 'seLinuxOptions'],
    ['SELinux type', 'baseline', pod({ securityContext: { seLinuxOptions: { type: 'spc_t' } } }), 'seLinuxOptions'],
    [
      'AppArmor unconfined',
      'baseline',
      pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }),
      'forbidden AppArmor profile',
    ],
    ['AppArmor annotation', 'baseline', pod(), 'forbidden AppArmor profile'],
    ['probe host', 'baseline', pod({ livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } }), 'probe or lifecycle host'],
    ['windows hostProcess', 'baseline', pod({ securityContext: { windowsOptions: { hostProcess: true } } }), 'hostProcess'],
  ])('refuses %s', (name, level, spec, reason) => {
    // GIVEN a pod that breaks one rule WHEN checked at 1.35 THEN the API server's reason is named
    const meta =
      name === 'AppArmor annotation' ? { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } } : {};
    expect(reasons(level, '1.35', spec, meta)).toContain(reason);
  });

  test('init and ephemeral containers are checked like the others', () => {
    const spec = pod({}, { initContainers: [{ name: 'init' }] });
    const found = evaluatePodSecurity('restricted', v('1.35'), {}, spec);
    expect(found.map((x) => x.detail).join('\n')).toContain(
      'container "init" must set securityContext.allowPrivilegeEscalation=false',
    );
  });

  test.each<[string, string, Spec, boolean]>([
    ['probe hosts are allowed before 1.34', '1.33', pod({ readinessProbe: { tcpSocket: { host: 'x', port: 1 } } }), false],
    ['probe hosts are refused from 1.34', '1.34', pod({ readinessProbe: { tcpSocket: { host: 'x', port: 1 } } }), true],
    [
      'net.ipv4.tcp_rmem is unsafe before 1.32',
      '1.31',
      pod({}, { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }] } }),
      true,
    ],
    [
      'net.ipv4.tcp_rmem is safe from 1.32',
      '1.32',
      pod({}, { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem' }] } }),
      false,
    ],
    [
      'user namespaces relax runAsNonRoot from 1.35',
      '1.35',
      pod({ securityContext: { ...RESTRICTED, runAsNonRoot: false } }, { hostUsers: false }),
      false,
    ],
    [
      'user namespaces do not relax runAsNonRoot before 1.35',
      '1.34',
      pod({ securityContext: { ...RESTRICTED, runAsNonRoot: false } }, { hostUsers: false }),
      true,
    ],
    [
      'windows pods skip seccomp from 1.25',
      '1.25',
      pod({ securityContext: { ...RESTRICTED, seccompProfile: undefined } }, { os: { name: 'windows' } }),
      false,
    ],
    [
      'container_engine_t is allowed from 1.31',
      '1.31',
      pod({ securityContext: { ...RESTRICTED, seLinuxOptions: { type: 'container_engine_t' } } }),
      false,
    ],
    [
      'container_engine_t is refused before 1.31',
      '1.30',
      pod({ securityContext: { ...RESTRICTED, seLinuxOptions: { type: 'container_engine_t' } } }),
      true,
    ],
  ])('%s', (_, version, spec, refused) => {
    expect(reasons('restricted', version, spec).length > 0).toBe(refused);
  });

  test('restricted replaces the baseline rules it overrides', () => {
    // GIVEN a hostPath volume WHEN checked at restricted THEN only restrictedVolumes reports it
    const found = reasons('restricted', '1.35', pod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }));
    expect(found).toEqual(['restricted volume types']);
  });

  test('every rule has upstream ids and versions in order', () => {
    for (const r of POD_SECURITY_RULES) expect([...r.versions].sort((a, b) => a.min - b.min)).toEqual(r.versions);
    expect(new Set(POD_SECURITY_RULES.map((r) => r.id)).size).toBe(POD_SECURITY_RULES.length);
  });
});
