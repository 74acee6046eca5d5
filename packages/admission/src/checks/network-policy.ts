// Network policy: with enforcement on, every pod's required flows are allowed by the policies of its
// namespace (DNS, the API server, the Pod Identity agent, Prometheus scraping, webhook callbacks,
// traffic inside a multi-node job); without enforcement, written policies are a warning.
import { asArray, asObject, asString, at, labelsOf } from '../model/kube';
import { Findings } from '../model/findings';
import { allows, Flow, Peer, PodEndpoint, Policy, policiesByNamespace, targetPort } from '../model/network-policy';
import { ObjectIndex } from '../model/object-index';
import { PLAN_TYPES, PlanIndex } from '../model/plan';
import { PodTemplate } from '../model/pod-templates';
import { Release } from '../model/releases';
import { matchesSelector } from '../model/selectors';
import { WebhookModel } from '../model/webhook';

/** The EKS Pod Identity agent's link-local endpoint. */
export const POD_IDENTITY_AGENT = { ip: '169.254.170.23', port: 80 } as const;
const DNS: PodEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

interface Required {
  readonly what: string;
  readonly direction: 'ingress' | 'egress';
  readonly peer: Peer;
  readonly flow: Flow;
  readonly fix: string;
}

/** Whether the cluster enforces NetworkPolicies: the VPC CNI add-on's network policy switch. */
export function networkPolicyEnforced(plan: PlanIndex): boolean | undefined {
  if (!plan.present) return undefined;
  const v = plan.addonConfiguration('vpc-cni').enableNetworkPolicy;
  return v === true || v === 'true';
}

/** A sample address of the API server's endpoints (inside the VPC). */
function apiServerIp(plan: PlanIndex): string {
  const cidr = asString(plan.ofType(PLAN_TYPES.vpc)[0]?.inputs.cidrBlock) ?? '10.0.0.0/16';
  const base = cidr.split('/')[0].split('.').map(Number);
  return `${base[0]}.${base[1]}.${base[2]}.10`;
}

/** Checks required flows of every pod in a namespace with policies. */
export function checkNetworkPolicy(
  pods: readonly PodTemplate[],
  index: ObjectIndex,
  releases: readonly Release[],
  webhooks: readonly WebhookModel[],
  plan: PlanIndex,
  enforced: boolean | undefined,
  findings: Findings,
): void {
  const policies = policiesByNamespace(index);
  if (!policies.size) return;
  if (enforced === false) {
    for (const [ns, list] of policies)
      findings.warn(
        'network-policy',
        `Namespace ${ns}`,
        `${list.length} NetworkPolicies written but not enforced: the VPC CNI add-on runs without network policy (configurationValues enableNetworkPolicy: "true")`,
      );
    return;
  }
  const nsLabels = (ns: string) => ({ ...(index.namespace(ns)?.labels ?? {}) });
  const apiIp = apiServerIp(plan);
  const podIdentity = new Set(plan.ofType(PLAN_TYPES.podIdentity).map((p) => `${p.inputs.namespace}/${p.inputs.serviceAccount}`));
  const bound = new Set<string>();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'])
    for (const t of index.ofKind(kind))
      for (const s of asArray(t.object.subjects)) {
        const sub = asObject(s);
        if (sub?.kind === 'ServiceAccount') bound.add(`${asString(sub.namespace) ?? t.namespace}/${asString(sub.name)}`);
      }
  const monitoring = releases.find((r) => r.chart === 'kube-prometheus-stack');
  const prometheus: PodEndpoint | undefined = monitoring
    ? { namespace: monitoring.namespace, labels: { 'app.kubernetes.io/name': 'prometheus' } }
    : undefined;
  const scrapeTargets = scrapePorts(index);

  for (const pod of pods) {
    if (!pod.namespace || !policies.has(pod.namespace)) continue;
    const me: PodEndpoint = { namespace: pod.namespace, labels: { ...labelsOf(pod) } };
    const sa = `${pod.namespace}/${asString(pod.spec.serviceAccountName) ?? 'default'}`;
    const required: Required[] = [
      {
        what: 'DNS (kube-dns, UDP 53)',
        direction: 'egress',
        peer: { pod: DNS },
        flow: { protocol: 'UDP', port: 53 },
        fix: 'allow egress to kube-system pods k8s-app=kube-dns on UDP and TCP 53',
      },
    ];
    if (pod.injected?.wait || bound.has(sa) || pod.owner.origin.release)
      required.push({
        what: 'the API server (TCP 443)',
        direction: 'egress',
        peer: { ip: apiIp },
        flow: { protocol: 'TCP', port: 443 },
        fix: 'allow egress on TCP 443 to the cluster endpoint (the VPC CIDR, or 0.0.0.0/0)',
      });
    if (podIdentity.has(sa))
      required.push({
        what: `the EKS Pod Identity agent (${POD_IDENTITY_AGENT.ip}:${POD_IDENTITY_AGENT.port})`,
        direction: 'egress',
        peer: { ip: POD_IDENTITY_AGENT.ip },
        flow: { protocol: 'TCP', port: POD_IDENTITY_AGENT.port },
        fix: `allow egress to ${POD_IDENTITY_AGENT.ip}/32 on TCP ${POD_IDENTITY_AGENT.port}, or the pod gets no AWS credentials`,
      });
    for (const flow of prometheus ? scrapeTargets(pod) : [])
      required.push({
        what: `Prometheus scraping port ${flow.portName ?? flow.port}`,
        direction: 'ingress',
        peer: { pod: prometheus! },
        flow,
        fix: `allow ingress from namespace ${prometheus!.namespace} (Prometheus) on port ${flow.portName ?? flow.port}`,
      });
    for (const w of webhooks) {
      if (!w.service || w.service.namespace !== pod.namespace) continue;
      const svc = index.find('Service', w.service.namespace, w.service.name)?.object;
      if (!svc || !matchesSelector({ matchLabels: at(svc, 'spec.selector') }, me.labels)) continue;
      const flow = targetPort(svc, w.service.port) ?? { protocol: 'TCP', port: w.service.port };
      required.push({
        what: `webhook ${w.name} called by the API server`,
        direction: 'ingress',
        peer: { ip: apiIp },
        flow,
        fix: `allow ingress on port ${flow.portName ?? flow.port} from the control plane (the VPC CIDR)`,
      });
    }
    if (pod.gang && pod.replicas > 1) {
      required.push({
        what: 'the other pods of its multi-node job',
        direction: 'egress',
        peer: { pod: me },
        flow: { protocol: 'TCP', port: 29500 },
        fix: 'allow traffic between the pods of the job (same namespace, any port)',
      });
      required.push({
        what: 'the other pods of its multi-node job',
        direction: 'ingress',
        peer: { pod: me },
        flow: { protocol: 'TCP', port: 29500 },
        fix: 'allow traffic between the pods of the job (same namespace, any port)',
      });
    }
    for (const r of required) checkFlow(pod, me, r, policies, nsLabels, findings);
  }
}

function checkFlow(
  pod: PodTemplate,
  me: PodEndpoint,
  r: Required,
  policies: Map<string, Policy[]>,
  nsLabels: (ns: string) => Record<string, string>,
  findings: Findings,
): void {
  const here = allows(policies.get(me.namespace) ?? [], me, r.direction, r.peer, r.flow, nsLabels);
  let blockedBy = here.allowed ? undefined : here.policies;
  // A pod-to-pod flow also needs the other side's policies to agree.
  if (!blockedBy && 'pod' in r.peer) {
    const other = r.peer.pod;
    const there = allows(
      policies.get(other.namespace) ?? [],
      other,
      r.direction === 'egress' ? 'ingress' : 'egress',
      { pod: me },
      r.flow,
      nsLabels,
    );
    if (!there.allowed) blockedBy = there.policies;
  }
  if (!blockedBy) return;
  findings.error(
    'network-policy',
    pod.ownerName,
    pod.path,
    `${r.direction} ${
      'ip' in r.peer
        ? r.peer.ip
        : `${r.peer.pod.namespace}/${Object.entries(r.peer.pod.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`
    }:${r.flow.port}/${r.flow.protocol}`,
    `${r.direction === 'egress' ? 'cannot reach' : 'cannot be reached by'} ${r.what}: ${blockedBy.map((p) => p.name).join(', ')} select${blockedBy.length === 1 ? 's' : ''} it and no rule allows it`,
    r.fix,
  );
}

/** For each pod, the ports Prometheus scrapes on it (ServiceMonitors through Services, PodMonitors). */
function scrapePorts(index: ObjectIndex): (pod: PodTemplate) => Flow[] {
  const targets: { namespace: string; selector: unknown; flow: Flow }[] = [];
  for (const sm of index.ofKind('ServiceMonitor')) {
    for (const svc of index.inNamespace('Service', sm.namespace)) {
      if (!matchesSelector(at(sm.object, 'spec.selector'), labelsOf(svc.object))) continue;
      for (const e of asArray(at(sm.object, 'spec.endpoints'))) {
        const port = asObject(e)?.port ?? asObject(e)?.targetPort;
        const flow = port === undefined ? undefined : targetPort(svc.object, port as string);
        if (flow) targets.push({ namespace: svc.namespace!, selector: { matchLabels: at(svc.object, 'spec.selector') }, flow });
      }
    }
  }
  for (const pm of index.ofKind('PodMonitor'))
    for (const e of asArray(at(pm.object, 'spec.podMetricsEndpoints'))) {
      const port = asString(asObject(e)?.port);
      if (port)
        targets.push({
          namespace: pm.namespace!,
          selector: at(pm.object, 'spec.selector'),
          flow: { protocol: 'TCP', port: 0, portName: port },
        });
    }
  const byNamespace = new Map<string, typeof targets>();
  for (const t of targets) byNamespace.set(t.namespace, [...(byNamespace.get(t.namespace) ?? []), t]);
  return (pod) =>
    (byNamespace.get(pod.namespace ?? '') ?? []).filter((t) => matchesSelector(t.selector, labelsOf(pod))).map((t) => t.flow);
}
