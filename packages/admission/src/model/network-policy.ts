// NetworkPolicy semantics (networking.k8s.io/v1): which flows the policies of a namespace allow.
import { asArray, asObject, asString, at, describe, Json, KubeObject } from './kube';
import { ObjectIndex } from './object-index';
import { isEmptySelector, matchesSelector } from './selectors';

/** A pod as a flow endpoint. */
export interface PodEndpoint {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The other end of a flow: a pod, or an IP outside the pod network. */
export type Peer = { readonly pod: PodEndpoint } | { readonly ip: string };

/** A connection a check needs to be allowed: protocol and port (by number and name). */
export interface Flow {
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
  /** The port's name on the destination pod, if it has one (policies may name ports). */
  readonly portName?: string;
}

/** A NetworkPolicy as the checker reads it. */
export interface Policy {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: unknown;
  readonly ingress?: readonly Json[];
  readonly egress?: readonly Json[];
}

/** The NetworkPolicies of every namespace, indexed once. */
export function policiesByNamespace(index: ObjectIndex): Map<string, Policy[]> {
  const out = new Map<string, Policy[]>();
  for (const t of index.ofKind('NetworkPolicy')) {
    if (!t.namespace || !t.object.apiVersion.startsWith('networking.k8s.io/')) continue;
    out.set(t.namespace, [...(out.get(t.namespace) ?? []), policyOf(t.object, t.namespace)]);
  }
  return out;
}

function policyOf(o: KubeObject, namespace: string): Policy {
  const spec = asObject(o.spec) ?? {};
  const types = asArray(spec.policyTypes).map(String);
  const hasTypes = types.length > 0;
  const ingress = !hasTypes || types.includes('Ingress') ? asArray(spec.ingress).map((r) => asObject(r) ?? {}) : undefined;
  const egress =
    (hasTypes && types.includes('Egress')) || (!hasTypes && spec.egress !== undefined)
      ? asArray(spec.egress).map((r) => asObject(r) ?? {})
      : undefined;
  return {
    name: describe(o, namespace),
    namespace,
    podSelector: spec.podSelector ?? {},
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
  };
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
}

/** True when the IPv4 address `ip` is inside `cidr` (IPv6 is never matched). */
export function cidrContains(cidr: string, ip: string): boolean {
  if (cidr.includes(':') || ip.includes(':')) return false;
  const [base, bits] = cidr.split('/');
  const n = Number(bits ?? 32);
  const size = 2 ** (32 - n);
  const start = Math.floor(ipToNumber(base) / size) * size;
  const value = ipToNumber(ip);
  return value >= start && value < start + size;
}

function peerMatches(raw: unknown, policyNs: string, peer: Peer, nsLabels: (ns: string) => Record<string, string>): boolean {
  const p = asObject(raw) ?? {};
  const ipBlock = asObject(p.ipBlock);
  if ('ip' in peer) {
    if (!ipBlock) return false;
    const cidr = asString(ipBlock.cidr) ?? '';
    return cidrContains(cidr, peer.ip) && !asArray(ipBlock.except).some((e) => cidrContains(String(e), peer.ip));
  }
  if (ipBlock) return false;
  const nsSel = p.namespaceSelector;
  const nsOk = nsSel === undefined ? peer.pod.namespace === policyNs : matchesSelector(nsSel, nsLabels(peer.pod.namespace));
  const podOk = p.podSelector === undefined || matchesSelector(p.podSelector, peer.pod.labels);
  return nsOk && podOk;
}

function portMatches(raw: unknown, flow: Flow): boolean {
  const p = asObject(raw) ?? {};
  if ((asString(p.protocol) ?? 'TCP') !== flow.protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) return p.port === flow.portName;
  const start = Number(p.port);
  const end = typeof p.endPort === 'number' ? p.endPort : start;
  return flow.port >= start && flow.port <= end;
}

function ruleAllows(
  rule: Json,
  peersKey: 'to' | 'from',
  policyNs: string,
  peer: Peer,
  flow: Flow,
  nsLabels: (ns: string) => Record<string, string>,
): boolean {
  const peers = asArray(rule[peersKey]);
  const ports = asArray(rule.ports);
  const peerOk = peers.length === 0 || peers.some((p) => peerMatches(p, policyNs, peer, nsLabels));
  const portOk = ports.length === 0 || ports.some((p) => portMatches(p, flow));
  return peerOk && portOk;
}

/**
 * Whether `pod`'s policies allow a flow in `direction` with `peer`: allowed when no policy of that
 * direction selects the pod, or some selecting policy has a rule that matches.
 */
export function allows(
  policies: readonly Policy[],
  pod: PodEndpoint,
  direction: 'ingress' | 'egress',
  peer: Peer,
  flow: Flow,
  nsLabels: (ns: string) => Record<string, string>,
): { allowed: boolean; policies: readonly Policy[] } {
  const selecting = policies.filter(
    (p) => p[direction] !== undefined && (isEmptySelector(p.podSelector) || matchesSelector(p.podSelector, pod.labels)),
  );
  if (!selecting.length) return { allowed: true, policies: [] };
  const key = direction === 'egress' ? 'to' : 'from';
  return {
    allowed: selecting.some((p) => p[direction]!.some((r) => ruleAllows(r, key, p.namespace, peer, flow, nsLabels))),
    policies: selecting,
  };
}

/** A Service's target port for a named or numbered service port, with its name on the pod. */
export function targetPort(service: KubeObject, port: string | number): Flow | undefined {
  const ports = asArray(at(service, 'spec.ports')).map((p) => asObject(p) ?? {});
  const sp = ports.find((p) => p.name === port || p.port === port || String(p.port) === String(port));
  if (!sp) return undefined;
  const target = sp.targetPort ?? sp.port;
  return {
    protocol: (asString(sp.protocol) as Flow['protocol']) ?? 'TCP',
    port: typeof target === 'number' ? target : Number(sp.port),
    ...(typeof target === 'string' ? { portName: target } : {}),
  };
}
