import { NAMESPACE_NAME_LABEL } from '@aiready/core';
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** A port of a network policy rule, as plain data. */
export interface PolicyPort {
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
}

/** A peer of a network policy rule (a namespace, pod or IP block selector), as plain data. */
export type Peer = Record<string, unknown>;

/** Ports of one protocol. */
export function ports(protocol: PolicyPort['protocol'], ...numbers: readonly number[]): PolicyPort[] {
  return numbers.map((port) => ({ protocol, port }));
}

/** A peer: every pod of the namespace `name` (or only those matching `pods`). */
export function namespacePeer(name: string, pods?: Readonly<Record<string, string>>): Peer {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
    ...(pods ? { podSelector: { matchLabels: { ...pods } } } : {}),
  };
}

/** A peer: an IP range (`ipBlock`). */
export function cidrPeer(cidr: string): Peer {
  return { ipBlock: { cidr } };
}

/** A network policy spec with ports as plain numbers. */
export interface PolicySpec {
  readonly podSelector: Record<string, unknown>;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress?: readonly { readonly from?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }[];
  readonly egress?: readonly { readonly to?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }[];
}

/**
 * A NetworkPolicy. cdk8s-plus drops a `port` given as a bare number (it expects an `IntOrString`),
 * and a rule whose ports lost their numbers allows every port, so ports go through here.
 */
export function networkPolicy(scope: Construct, id: string, metadata: ApiObjectMetadata, spec: PolicySpec): void {
  const withPorts = (list?: readonly PolicyPort[]) =>
    list ? { ports: list.map((p) => ({ protocol: p.protocol, port: kplus.k8s.IntOrString.fromNumber(p.port) })) } : {};
  new kplus.k8s.KubeNetworkPolicy(scope, id, {
    metadata,
    spec: {
      podSelector: spec.podSelector,
      policyTypes: [...spec.policyTypes],
      ...(spec.ingress
        ? { ingress: spec.ingress.map((r) => ({ ...(r.from ? { from: r.from } : {}), ...withPorts(r.ports) })) }
        : {}),
      ...(spec.egress ? { egress: spec.egress.map((r) => ({ ...(r.to ? { to: r.to } : {}), ...withPorts(r.ports) })) } : {}),
    } as never,
  });
}
