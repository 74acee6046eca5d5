// The Pod Security Standards, rule by rule, as the API server's admission plugin implements them
// (kubernetes/pod-security-admission, policy/check_*.go at v0.36.2, commit 28fdd1bd; the 1.37
// sysctls from master). Each rule keeps upstream's id, level, minimum version and forbidden reason,
// so a finding reads like the API server's refusal.
import { asArray, asObject, asString, Json } from '../model/kube';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A Kubernetes minor as a comparable number (1.35 → 135). */
export type Minor = number;

export function minorOf(version: string): Minor | undefined {
  const m = /^v?1\.(\d+)$/.exec(version.trim());
  return m ? 100 + Number(m[1]) : undefined;
}

/** One refusal: the reason the API server prints, its detail, and where the bad value is. */
export interface Violation {
  readonly reason: string;
  readonly detail: string;
  /** The first offending container's name, or undefined when the pod spec itself is at fault. */
  readonly container?: string;
  /** Field under the container (or pod spec) holding the bad value. */
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

export interface PodSecurityRule {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  /** Variants by minimum version, newest last. */
  readonly versions: readonly { readonly min: Minor; readonly check: (meta: Json, spec: Json) => Violation | undefined }[];
  /** Baseline rules a restricted rule replaces. */
  readonly overrides?: readonly string[];
}

interface C {
  readonly name: string;
  readonly sc: Json | undefined;
  readonly c: Json;
}

/** Init, regular and ephemeral containers, in upstream's visiting order. */
function containers(spec: Json): C[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((list) =>
    asArray(spec[list]).map((raw) => {
      const c = asObject(raw) ?? {};
      return { name: asString(c.name) ?? '', sc: asObject(c.securityContext), c };
    }),
  );
}

const quote = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const podSc = (spec: Json) => asObject(spec.securityContext);
const isWindows = (spec: Json) => asObject(spec.os)?.name === 'windows';
const userNamespace = (spec: Json) => spec.hostUsers === false;

function bad(
  reason: string,
  detail: string,
  fix: string,
  where: { container?: string; field: string; value: unknown },
): Violation {
  return { reason, detail, fix, ...where };
}

// ---------------------------------------------------------------- baseline

const CAPABILITIES_BASELINE = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function hostProcess(_m: Json, spec: Json): Violation | undefined {
  const badContainers = containers(spec).filter((c) => asObject(c.sc?.windowsOptions)?.hostProcess === true);
  const pod = asObject(podSc(spec)?.windowsOptions)?.hostProcess === true;
  const setters = [
    ...(pod ? ['pod'] : []),
    ...(badContainers.length
      ? [`${plural(badContainers.length, 'container', 'containers')} ${quote(badContainers.map((c) => c.name))}`]
      : []),
  ];
  if (!setters.length) return undefined;
  return bad(
    'hostProcess',
    `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    'remove windowsOptions.hostProcess',
    {
      container: pod ? undefined : badContainers[0].name,
      field: 'securityContext.windowsOptions.hostProcess',
      value: true,
    },
  );
}

function hostNamespaces(_m: Json, spec: Json): Violation | undefined {
  const on = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  if (!on.length) return undefined;
  return bad(
    'host namespaces',
    on.map((k) => `${k}=true`).join(', '),
    `remove ${on.join(', ')}, or run the namespace at Pod Security privileged with the reason stated`,
    {
      field: on[0],
      value: true,
    },
  );
}

function privileged(_m: Json, spec: Json): Violation | undefined {
  const b = containers(spec).filter((c) => c.sc?.privileged === true);
  if (!b.length) return undefined;
  return bad(
    'privileged',
    `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} must not set securityContext.privileged=true`,
    'drop privileged, or run the namespace at Pod Security privileged with the reason stated',
    { container: b[0].name, field: 'securityContext.privileged', value: true },
  );
}

function capabilitiesBaseline(_m: Json, spec: Json): Violation | undefined {
  const caps = new Set<string>();
  const b = containers(spec).filter((c) => {
    const added = asArray(asObject(c.sc?.capabilities)?.add)
      .map(String)
      .filter((x) => !CAPABILITIES_BASELINE.has(x));
    added.forEach((x) => caps.add(x));
    return added.length > 0;
  });
  if (!b.length) return undefined;
  return bad(
    'non-default capabilities',
    `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`,
    'add only capabilities of the default set',
    { container: b[0].name, field: 'securityContext.capabilities.add', value: asObject(b[0].sc?.capabilities)?.add },
  );
}

function hostPathVolumes(_m: Json, spec: Json): Violation | undefined {
  const vols = asArray(spec.volumes)
    .map((v) => asObject(v) ?? {})
    .filter((v) => v.hostPath !== undefined);
  if (!vols.length) return undefined;
  const names = vols.map((v) => String(v.name));
  return bad(
    'hostPath volumes',
    `${plural(names.length, 'volume', 'volumes')} ${quote(names)}`,
    'use an emptyDir, a PVC or a CSI volume instead of hostPath',
    {
      field: `volumes[${asArray(spec.volumes).indexOf(vols[0])}].hostPath`,
      value: vols[0].hostPath,
    },
  );
}

function hostPorts(_m: Json, spec: Json): Violation | undefined {
  const ports = new Set<string>();
  const b = containers(spec).filter((c) => {
    const used = asArray(c.c.ports)
      .map((p) => asObject(p)?.hostPort)
      .filter((p) => typeof p === 'number' && p !== 0);
    used.forEach((p) => ports.add(String(p)));
    return used.length > 0;
  });
  if (!b.length) return undefined;
  const list = [...ports].sort();
  return bad(
    'hostPort',
    `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} ${plural(b.length, 'uses', 'use')} ${plural(list.length, 'hostPort', 'hostPorts')} ${list.join(', ')}`,
    'remove hostPort and reach the pod through a Service',
    { container: b[0].name, field: 'ports', value: list.map(Number) },
  );
}

function hostProbes(_m: Json, spec: Json): Violation | undefined {
  const hosts = new Set<string>();
  const handlerHosts = (h: unknown) =>
    ['httpGet', 'tcpSocket'].map((k) => asString(asObject(asObject(h)?.[k])?.host)).filter((x): x is string => !!x);
  const b = containers(spec).filter((c) => {
    const lc = asObject(c.c.lifecycle);
    const found = [c.c.livenessProbe, c.c.readinessProbe, c.c.startupProbe, lc?.postStart, lc?.preStop].flatMap(handlerHosts);
    found.forEach((h) => hosts.add(h));
    return found.length > 0;
  });
  if (!b.length) return undefined;
  const list = [...hosts].sort();
  return bad(
    'probe or lifecycle host',
    `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} ${plural(b.length, 'uses', 'use')} ${plural(list.length, 'probe or lifecycle host', 'probe or lifecycle hosts')} ${quote(list)}`,
    'remove the host field of probes and lifecycle handlers (they then target the pod)',
    { container: b[0].name, field: 'livenessProbe', value: list },
  );
}

function appArmor(meta: Json, spec: Json): Violation | undefined {
  const ok = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  const values = new Set<string>();
  const setters: string[] = [];
  const pod = asObject(podSc(spec)?.appArmorProfile);
  if (pod && !ok(pod.type)) {
    setters.push('pod');
    values.add(String(pod.type));
  }
  const b = containers(spec).filter((c) => {
    const p = asObject(c.sc?.appArmorProfile);
    if (p && !ok(p.type)) values.add(String(p.type));
    return p !== undefined && !ok(p.type);
  });
  if (b.length) setters.push(`${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))}`);
  const annotations = Object.entries(asObject(meta.annotations) ?? {})
    .filter(
      ([k, v]) =>
        k.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
        !(v === '' || v === 'runtime/default' || String(v).startsWith('localhost/')),
    )
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  if (annotations.length) setters.push(plural(annotations.length, 'annotation', 'annotations'));
  if (!setters.length) return undefined;
  const list = [...[...values].sort(), ...annotations];
  return bad(
    plural(list.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
    `${setters.join(' and ')} must not set AppArmor profile type to ${quote(list)}`,
    "use appArmorProfile type 'RuntimeDefault' or 'Localhost'",
    {
      container: setters[0] === 'pod' ? undefined : b[0]?.name,
      field: 'securityContext.appArmorProfile.type',
      value: list[0],
    },
  );
}

function seLinux(allowed: ReadonlySet<string>) {
  return (_m: Json, spec: Json): Violation | undefined => {
    const types = new Set<string>();
    let user = false;
    let role = false;
    const valid = (o: Json | undefined) => {
      if (!o) return true;
      let v = true;
      const type = asString(o.type) ?? '';
      if (!allowed.has(type)) {
        v = false;
        types.add(type);
      }
      if (asString(o.user)) {
        v = false;
        user = true;
      }
      if (asString(o.role)) {
        v = false;
        role = true;
      }
      return v;
    };
    const setters: string[] = [];
    if (!valid(asObject(podSc(spec)?.seLinuxOptions))) setters.push('pod');
    const b = containers(spec).filter((c) => !valid(asObject(c.sc?.seLinuxOptions)));
    if (b.length) setters.push(`${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))}`);
    if (!setters.length) return undefined;
    const data = [
      ...(types.size ? [`${plural(types.size, 'type', 'types')} ${quote([...types].sort())}`] : []),
      ...(user ? ['user may not be set'] : []),
      ...(role ? ['role may not be set'] : []),
    ];
    return bad(
      'seLinuxOptions',
      `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
      `use seLinuxOptions type ${[...allowed].filter(Boolean).join(', ')} only, without user or role`,
      {
        container: setters[0] === 'pod' ? undefined : b[0].name,
        field: 'securityContext.seLinuxOptions',
        value: setters[0] === 'pod' ? podSc(spec)?.seLinuxOptions : b[0].sc?.seLinuxOptions,
      },
    );
  };
}

function procMount(relaxForUserNamespace: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (relaxForUserNamespace && userNamespace(spec)) return undefined;
    const values = new Set<string>();
    const b = containers(spec).filter((c) => {
      const p = c.sc?.procMount;
      if (p !== undefined && p !== 'Default') values.add(String(p));
      return p !== undefined && p !== 'Default';
    });
    if (!b.length) return undefined;
    return bad(
      'procMount',
      `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} must not set securityContext.procMount to ${quote([...values].sort())}`,
      "remove procMount (or set it to 'Default')",
      { container: b[0].name, field: 'securityContext.procMount', value: b[0].sc?.procMount },
    );
  };
}

const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

function seccompBaseline(_m: Json, spec: Json): Violation | undefined {
  const values = new Set<string>();
  const setters: string[] = [];
  const pod = asObject(podSc(spec)?.seccompProfile);
  if (pod && !validSeccomp(pod.type)) {
    setters.push('pod');
    values.add(String(pod.type));
  }
  const b = containers(spec).filter((c) => {
    const p = asObject(c.sc?.seccompProfile);
    if (p && !validSeccomp(p.type)) values.add(String(p.type));
    return p !== undefined && !validSeccomp(p.type);
  });
  if (b.length) setters.push(`${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))}`);
  if (!setters.length) return undefined;
  return bad(
    'seccompProfile',
    `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${quote([...values].sort())}`,
    "use seccompProfile type 'RuntimeDefault'",
    {
      container: setters[0] === 'pod' ? undefined : b[0].name,
      field: 'securityContext.seccompProfile.type',
      value: [...values][0],
    },
  );
}

function seccompAnnotations(meta: Json, spec: Json): Violation | undefined {
  const annotations = asObject(meta.annotations) ?? {};
  const ok = (v: unknown) => v === 'runtime/default' || v === 'docker/default' || String(v).startsWith('localhost/');
  const keys = [
    'seccomp.security.alpha.kubernetes.io/pod',
    ...containers(spec).map((c) => `container.seccomp.security.alpha.kubernetes.io/${c.name}`),
  ];
  const forbidden = keys
    .filter((k) => k in annotations && !ok(annotations[k]))
    .map((k) => `${k}="${annotations[k]}"`)
    .sort();
  if (!forbidden.length) return undefined;
  return bad(
    'seccompProfile',
    `forbidden ${plural(forbidden.length, 'annotation', 'annotations')} ${forbidden.join(', ')}`,
    "use 'runtime/default'",
    {
      field: 'metadata.annotations',
      value: forbidden,
    },
  );
}

const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(allowed: readonly string[]) {
  return (_m: Json, spec: Json): Violation | undefined => {
    const names = asArray(podSc(spec)?.sysctls)
      .map((s) => String(asObject(s)?.name))
      .filter((n) => !allowed.includes(n));
    if (!names.length) return undefined;
    return bad('forbidden sysctls', names.join(', '), `set only the safe sysctls: ${allowed.join(', ')}`, {
      field: 'securityContext.sysctls',
      value: names,
    });
  };
}

// ---------------------------------------------------------------- restricted

const RESTRICTED_VOLUME_OK = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function restrictedVolumes(_m: Json, spec: Json): Violation | undefined {
  const types = new Set<string>();
  const vols = asArray(spec.volumes).map((v) => asObject(v) ?? {});
  const badVols = vols.filter((v) => {
    if (RESTRICTED_VOLUME_OK.some((k) => v[k] !== undefined)) return false;
    types.add(Object.keys(v).find((k) => k !== 'name') ?? 'unknown');
    return true;
  });
  if (!badVols.length) return undefined;
  const names = badVols.map((v) => String(v.name));
  const list = [...types].sort();
  return bad(
    'restricted volume types',
    `${plural(names.length, 'volume', 'volumes')} ${quote(names)} ${plural(names.length, 'uses', 'use')} ${plural(list.length, 'restricted volume type', 'restricted volume types')} ${quote(list)}`,
    `use only ${RESTRICTED_VOLUME_OK.join(', ')} volumes`,
    { field: `volumes[${vols.indexOf(badVols[0])}]`, value: list[0] },
  );
}

function allowPrivilegeEscalation(skipWindows: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (skipWindows && isWindows(spec)) return undefined;
    const b = containers(spec).filter((c) => c.sc?.allowPrivilegeEscalation !== false);
    if (!b.length) return undefined;
    return bad(
      'allowPrivilegeEscalation != false',
      `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
      'set securityContext.allowPrivilegeEscalation: false',
      { container: b[0].name, field: 'securityContext.allowPrivilegeEscalation', value: b[0].sc?.allowPrivilegeEscalation },
    );
  };
}

function runAsNonRoot(relaxForUserNamespace: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (relaxForUserNamespace && userNamespace(spec)) return undefined;
    const podValue = podSc(spec)?.runAsNonRoot;
    const setters: string[] = podValue === false ? ['pod'] : [];
    const explicit = containers(spec).filter((c) => c.sc?.runAsNonRoot === false);
    const implicit = containers(spec).filter((c) => c.sc?.runAsNonRoot === undefined && podValue !== true);
    if (explicit.length)
      setters.push(`${plural(explicit.length, 'container', 'containers')} ${quote(explicit.map((c) => c.name))}`);
    const fix = 'set securityContext.runAsNonRoot: true (and a non-zero runAsUser the image can run as)';
    if (setters.length)
      return bad('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, fix, {
        container: setters[0] === 'pod' ? undefined : explicit[0].name,
        field: 'securityContext.runAsNonRoot',
        value: false,
      });
    if (implicit.length)
      return bad(
        'runAsNonRoot != true',
        `pod or ${plural(implicit.length, 'container', 'containers')} ${quote(implicit.map((c) => c.name))} must set securityContext.runAsNonRoot=true`,
        fix,
        {
          container: implicit[0].name,
          field: 'securityContext.runAsNonRoot',
          value: undefined,
        },
      );
    return undefined;
  };
}

function runAsUser(relaxForUserNamespace: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (relaxForUserNamespace && userNamespace(spec)) return undefined;
    const setters = podSc(spec)?.runAsUser === 0 ? ['pod'] : [];
    const b = containers(spec).filter((c) => c.sc?.runAsUser === 0);
    if (b.length) setters.push(`${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))}`);
    if (!setters.length) return undefined;
    return bad('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, 'run as a non-zero user (runAsUser: 1000)', {
      container: setters[0] === 'pod' ? undefined : b[0].name,
      field: 'securityContext.runAsUser',
      value: 0,
    });
  };
}

function seccompRestricted(skipWindows: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (skipWindows && isWindows(spec)) return undefined;
    const values = new Set<string>();
    const setters: string[] = [];
    const pod = asObject(podSc(spec)?.seccompProfile);
    const podSet = pod !== undefined && validSeccomp(pod.type);
    if (pod && !podSet) {
      setters.push('pod');
      values.add(String(pod.type));
    }
    const explicit = containers(spec).filter((c) => {
      const p = asObject(c.sc?.seccompProfile);
      if (p && !validSeccomp(p.type)) values.add(String(p.type));
      return p !== undefined && !validSeccomp(p.type);
    });
    const implicit = containers(spec).filter((c) => asObject(c.sc?.seccompProfile) === undefined && !podSet);
    if (explicit.length)
      setters.push(`${plural(explicit.length, 'container', 'containers')} ${quote(explicit.map((c) => c.name))}`);
    const fix = 'set securityContext.seccompProfile.type: RuntimeDefault (on the pod or every container)';
    if (setters.length)
      return bad(
        'seccompProfile',
        `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${quote([...values].sort())}`,
        fix,
        {
          container: setters[0] === 'pod' ? undefined : explicit[0].name,
          field: 'securityContext.seccompProfile.type',
          value: [...values][0],
        },
      );
    if (implicit.length)
      return bad(
        'seccompProfile',
        `pod or ${plural(implicit.length, 'container', 'containers')} ${quote(implicit.map((c) => c.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        fix,
        {
          container: implicit[0].name,
          field: 'securityContext.seccompProfile',
          value: undefined,
        },
      );
    return undefined;
  };
}

function capabilitiesRestricted(skipWindows: boolean) {
  return (_m: Json, spec: Json): Violation | undefined => {
    if (skipWindows && isWindows(spec)) return undefined;
    const missingDrop: C[] = [];
    const adding: C[] = [];
    const forbidden = new Set<string>();
    for (const c of containers(spec)) {
      const caps = asObject(c.sc?.capabilities);
      if (!caps) {
        missingDrop.push(c);
        continue;
      }
      if (!asArray(caps.drop).includes('ALL')) missingDrop.push(c);
      const added = asArray(caps.add)
        .map(String)
        .filter((x) => x !== 'NET_BIND_SERVICE');
      added.forEach((x) => forbidden.add(x));
      if (added.length) adding.push(c);
    }
    const details = [
      ...(missingDrop.length
        ? [
            `${plural(missingDrop.length, 'container', 'containers')} ${quote(missingDrop.map((c) => c.name))} must set securityContext.capabilities.drop=["ALL"]`,
          ]
        : []),
      ...(adding.length
        ? [
            `${plural(adding.length, 'container', 'containers')} ${quote(adding.map((c) => c.name))} must not include ${quote([...forbidden].sort())} in securityContext.capabilities.add`,
          ]
        : []),
    ];
    if (!details.length) return undefined;
    const first = missingDrop[0] ?? adding[0];
    return bad(
      'unrestricted capabilities',
      details.join('; '),
      'set securityContext.capabilities.drop: [ALL] and add nothing but NET_BIND_SERVICE',
      {
        container: first.name,
        field: 'securityContext.capabilities',
        value: first.sc?.capabilities,
      },
    );
  };
}

/** Every rule, in upstream's registration order. */
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
