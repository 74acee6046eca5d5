// The restricted level of the Pod Security Standards (kubernetes/pod-security-admission policy/check_*.go
// at v0.36.2).
import { asArray, asObject, Json } from '../model/kube';
import { validSeccomp } from './pod-security-baseline';
import { bad, C, containers, isWindows, plural, podSc, quote, userNamespace, Violation } from './pod-security-types';

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

export function restrictedVolumes(_m: Json, spec: Json): Violation | undefined {
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

export function allowPrivilegeEscalation(skipWindows: boolean) {
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

export function runAsNonRoot(relaxForUserNamespace: boolean) {
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

export function runAsUser(relaxForUserNamespace: boolean) {
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

export function seccompRestricted(skipWindows: boolean) {
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

export function capabilitiesRestricted(skipWindows: boolean) {
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
