import { EKS_POD_IDENTITY_AGENT, teamAccessGroup, TEAM_LABEL, TeamPlan, TeamSpec } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { componentLabels, TEAM_COMPONENT } from '../private/metadata';
import { cidrPeer, namespacePeer, networkPolicy, PolicySpec, ports } from '../private/network-policy';
import { podSecurityLabels } from '../private/namespace';

/** What a team asks for; `AiPlatform.addTeam` takes this (`TeamSpec` in @aiready/core). */
export type TeamOptions = TeamSpec;

/** What the team's workloads need to know about the platform's engines. */
export interface TeamWorkloadSettings {
  /** The Kueue LocalQueue its jobs go to. */
  readonly queueName?: string;
  /** Kubeflow Trainer runs: training jobs become TrainJobs on the pools' runtimes. */
  readonly trainer?: boolean;
  /** KServe runs: inference services become KServe InferenceServices. */
  readonly kserve?: boolean;
  /** Instance ID of the platform's Argo Workflows controller, when it is scoped by one. */
  readonly argoInstanceId?: string;
  /** Labels the platform's Prometheus selects monitors by. */
  readonly monitorLabels?: Readonly<Record<string, string>>;
}

/**
 * What a platform component gives every team namespace: labels, network allowances, objects in the
 * namespace (service accounts, queues), and settings for the team's workloads. Components declare
 * these (see `PLATFORM_COMPONENTS`), so a team knows no engine by name.
 */
export interface TeamContribution {
  /** Labels on the team's namespace. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** NetworkPolicies (by name) in the namespace: the flows the component needs. */
  readonly networkPolicies?: Readonly<Record<string, PolicySpec>>;
  /** Adds the component's objects to the team (in the team's namespace, or cluster-scoped). */
  readonly objects?: (team: Team) => void;
  readonly workloads?: TeamWorkloadSettings;
}

/** Props of `Team`. */
export interface TeamProps {
  /** The planned team (`planPlatform` or `planTeam` in @aiready/core). */
  readonly plan: TeamPlan;
  /**
   * What the platform's components give the team.
   * @default - none
   */
  readonly contributions?: readonly TeamContribution[];
}

/**
 * A team: a namespace with Pod Security enforced, a ResourceQuota that includes its GPUs (MIG slices
 * and shares included; with Kueue, its borrowing limit too, so the quota never refuses what the
 * queue admits), a LimitRange, RBAC for its groups, default-deny NetworkPolicies with the
 * allowances every pod needs (DNS, traffic inside the namespace, the Pod Identity agent, HTTPS out),
 * plus whatever the platform's components contribute (a workflow account, a queue, scrape access).
 */
export class Team extends Construct {
  public readonly namespace: string;
  public readonly plan: TeamPlan;
  public readonly gpuQuota: Readonly<Record<string, number>>;
  public readonly podSecurity: 'restricted' | 'baseline';
  public readonly cpu: number;
  public readonly memoryGiB: number;
  /** The Kueue LocalQueue its jobs go to, when the platform has Kueue. */
  public readonly queueName?: string;
  /** The platform runs Kubeflow Trainer: training jobs become TrainJobs on the pools' runtimes. */
  public readonly trainer: boolean;
  /** The platform runs KServe: inference services become KServe InferenceServices. */
  public readonly kserve: boolean;
  /** Instance ID of the platform's Argo Workflows controller, when it is scoped by one. */
  public readonly argoInstanceId?: string;
  /** Labels the platform's Prometheus selects monitors by, when it has monitoring. */
  public readonly monitorLabels?: Readonly<Record<string, string>>;
  public readonly namespaceObject: ApiObject;
  /** Labels of every object aiready puts in the namespace. */
  public readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TeamProps) {
    super(scope, id);
    const plan = props.plan;
    const spec = plan.spec;
    const contributions = props.contributions ?? [];
    const settings: TeamWorkloadSettings = Object.assign({}, ...contributions.map((c) => c.workloads ?? {}));
    this.plan = plan;
    this.namespace = plan.namespace;
    this.gpuQuota = plan.gpuQuota;
    this.podSecurity = plan.podSecurity;
    this.cpu = plan.cpu;
    this.memoryGiB = plan.memoryGiB;
    this.queueName = settings.queueName;
    this.trainer = settings.trainer ?? false;
    this.kserve = settings.kserve ?? false;
    this.argoInstanceId = settings.argoInstanceId;
    this.monitorLabels = settings.monitorLabels;
    const labels = componentLabels(TEAM_COMPONENT);
    this.labels = labels;
    const ns = this.namespace;
    this.namespaceObject = new kplus.k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: {
          ...labels,
          ...podSecurityLabels(plan.podSecurity),
          ...Object.assign({}, ...contributions.map((c) => c.namespaceLabels ?? {})),
          // Alerts about the team's pods carry `team` from this label (kube-state-metrics exports it).
          [TEAM_LABEL]: ns,
        },
        ...(plan.podSecurity === 'baseline'
          ? { annotations: { 'aiready.dev/pod-security-reason': spec.podSecurityReason! } }
          : {}),
      },
    });

    new kplus.k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'team-quota', namespace: ns, labels },
      spec: {
        hard: {
          'requests.cpu': kplus.k8s.Quantity.fromString(String(plan.namespaceQuota.cpu)),
          'requests.memory': kplus.k8s.Quantity.fromString(`${plan.namespaceQuota.memoryGiB}Gi`),
          ...Object.fromEntries(
            Object.entries(plan.namespaceQuota.gpuResources).map(([r, n]) => [`requests.${r}`, kplus.k8s.Quantity.fromNumber(n)]),
          ),
        },
      },
    });
    // Requests only: the quota counts containers that set none. No default limit, which would cap
    // every container that omits one, GPU pods written by hand included (their /dev/shm counts too).
    new kplus.k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'team-defaults', namespace: ns, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: kplus.k8s.Quantity.fromString('250m'), memory: kplus.k8s.Quantity.fromString('256Mi') },
          },
        ],
      },
    });
    const principalGroup = (role: 'edit' | 'view', arns: readonly string[] | undefined) =>
      arns?.length ? [teamAccessGroup(ns, role)] : [];
    for (const [role, groups] of [
      ['edit', [...(spec.editGroups ?? []), ...principalGroup('edit', spec.editPrincipalArns)]],
      ['view', [...(spec.viewGroups ?? []), ...principalGroup('view', spec.viewPrincipalArns)]],
    ] as const) {
      if (groups.length === 0) continue;
      new kplus.k8s.KubeRoleBinding(this, `Binding-${role}`, {
        metadata: { name: `team-${role}`, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [...groups].sort().map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
      });
    }
    const policies: Record<string, PolicySpec> = {
      'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      'allow-same-namespace': {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
      'allow-dns': {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [namespacePeer('kube-system', { 'k8s-app': 'kube-dns' })],
            ports: [...ports('UDP', 53), ...ports('TCP', 53)],
          },
        ],
      },
      // Pods whose service account has a Pod Identity association fetch credentials from the
      // node-local agent; nothing else is reachable through this rule.
      'allow-pod-identity': {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [cidrPeer(EKS_POD_IDENTITY_AGENT.cidr)], ports: ports('TCP', EKS_POD_IDENTITY_AGENT.port) }],
      },
      ...((spec.allowEgressHttps ?? true)
        ? { 'allow-https-egress': { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: ports('TCP', 443) }] } }
        : {}),
      ...(spec.allowEgressHttps === false && spec.apiServerCidrs?.length
        ? {
            'allow-apiserver': {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [{ to: spec.apiServerCidrs.map(cidrPeer), ports: ports('TCP', 443) }],
            },
          }
        : {}),
      ...Object.assign({}, ...contributions.map((c) => c.networkPolicies ?? {})),
    };
    for (const [name, policy] of Object.entries(policies)) {
      networkPolicy(this, `Policy-${name}`, { name, namespace: ns, labels }, policy);
    }
    for (const c of contributions) c.objects?.(this);
  }
}
