// The baseline level of the Pod Security Standards (kubernetes/pod-security-admission policy/check_*.go
// at v0.36.2; the 1.37 sysctls from master).
import { asArray, asObject, asString, Json } from '../model/kube';
import { bad, containers, plural, podSc, quote, userNamespace, Violation } from './pod-security-types';

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

export function hostProcess(_m: Json, spec: Json): Violation | undefined {
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

export function hostNamespaces(_m: Json, spec: Json): Violation | undefined {
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

export function privileged(_m: Json, spec: Json): Violation | undefined {
  const b = containers(spec).filter((c) => c.sc?.privileged === true);
  if (!b.length) return undefined;
  return bad(
    'privileged',
    `${plural(b.length, 'container', 'containers')} ${quote(b.map((c) => c.name))} must not set securityContext.privileged=true`,
    'drop privileged, or run the namespace at Pod Security privileged with the reason stated',
    { container: b[0].name, field: 'securityContext.privileged', value: true },
  );
}

export function capabilitiesBaseline(_m: Json, spec: Json): Violation | undefined {
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

export function hostPathVolumes(_m: Json, spec: Json): Violation | undefined {
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

export function hostPorts(_m: Json, spec: Json): Violation | undefined {
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

export function hostProbes(_m: Json, spec: Json): Violation | undefined {
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

export function appArmor(meta: Json, spec: Json): Violation | undefined {
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

export function seLinux(allowed: ReadonlySet<string>) {
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

export function procMount(relaxForUserNamespace: boolean) {
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

export const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

export function seccompBaseline(_m: Json, spec: Json): Violation | undefined {
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

export function seccompAnnotations(meta: Json, spec: Json): Violation | undefined {
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

export const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
export const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
export const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
export const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
export const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

export function sysctls(allowed: readonly string[]) {
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
