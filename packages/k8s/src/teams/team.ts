import {
  AireadyValidationError,
  ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION,
  EKS_POD_IDENTITY_AGENT,
  GpuPool,
  IAM_PRINCIPAL_ARN,
  KUEUE_MANAGED_NAMESPACE_LABEL,
  isDnsLabel,
  teamAccessGroup,
  teamComputeQuota,
  schedulableResources,
  TEAM_LABEL,
  ValidationProblem,
} from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels, TEAM_COMPONENT } from '../private/metadata';
import { cidrPeer, namespacePeer, networkPolicy, PolicySpec, ports } from '../private/network-policy';
import { podSecurityLabels } from '../private/namespace';
import type { ArgoArtifactRepository } from '../workflows/argo-workflows';
import { KFP_API_PORTS, KFP_API_SELECTOR } from '../workflows/kubeflow-pipelines';

/** What a team asks for; `AiPlatform.addTeam` takes this. */
export interface TeamOptions {
  /** Team name; also its namespace. A DNS label. */
  readonly name: string;
  /**
   * GPUs (physical, per pool) the team may request at once. Under MIG or sharing, the quota covers
   * the slices or shares those GPUs provide.
   * @default - no GPU: the quota allows none
   */
  readonly gpuQuota?: Readonly<Record<string, number>>;
  /**
   * CPU cores and memory (GiB) the team may request.
   * @default - what its GPU quota needs at the default GPU pod sizes, plus 16 cores and 64 GiB for CPU work
   */
  readonly computeQuota?: { readonly cpu?: number; readonly memoryGiB?: number };
  /**
   * Groups (as your cluster authenticator names them) bound to the `edit` ClusterRole in the namespace.
   * @default - none
   */
  readonly editGroups?: readonly string[];
  /**
   * Groups bound to the `view` ClusterRole.
   * @default - none
   */
  readonly viewGroups?: readonly string[];
  /**
   * IAM roles or users (ARNs) that get `edit` in the namespace. On EKS the platform maps each to the
   * Kubernetes group `aiready-team-<name>-edit` through an access entry, and binds that group here;
   * without such a mapping `editGroups` bind names no one is ever authenticated as.
   * @default - none
   */
  readonly editPrincipalArns?: readonly string[];
  /**
   * IAM roles or users (ARNs) that get `view`, as `editPrincipalArns`.
   * @default - none
   */
  readonly viewPrincipalArns?: readonly string[];
  /**
   * Pod Security level enforced. `baseline` allows containers running as root, which many CUDA images
   * expect; it needs `podSecurityReason`, recorded on the namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Why the team needs `baseline`.
   * @default - none (required with baseline)
   */
  readonly podSecurityReason?: string;
  /**
   * GPUs per pool the team may borrow from the other teams' idle quota (with Kueue).
   * @default - as many as its own quota
   */
  readonly borrowGpus?: Readonly<Record<string, number>>;
  /**
   * Give the team a Kueue queue. With Kueue in the platform every team needs one: its jobs are only
   * admitted through a queue.
   * @default true
   */
  readonly queue?: boolean;
  /**
   * Let pods open HTTPS connections anywhere (the API server, S3, model hubs, registries). Everything
   * else leaving the namespace is denied.
   * @default true
   */
  readonly allowEgressHttps?: boolean;
  /**
   * Where the Kubernetes API server's endpoints are (on EKS, the VPC CIDR: the control plane's network
   * interfaces sit in its subnets). Needed with `allowEgressHttps: false` when Argo Workflows runs:
   * the executor in every workflow pod reports to the API server.
   * @default - none (covered by `allowEgressHttps`)
   */
  readonly apiServerCidrs?: readonly string[];
}

const ARGO_DEFAULT_REPOSITORY_KEY = 'default-v1';

export interface TeamProps extends TeamOptions {
  /** The platform's pools (quota names must be among them). */
  readonly pools: readonly IGpuPool[];
  /**
   * Namespace of the Prometheus that scrapes the team's pods.
   * @default - no scraping allowance
   */
  readonly monitoringNamespace?: string;
  /**
   * Namespace of Kubeflow Pipelines: the team's pods may call its API server (the KFP SDK client).
   * @default - no access
   */
  readonly kubeflowPipelinesNamespace?: string;
  /**
   * Argo Workflows is installed: the team gets a `workflow` service account its steps run as.
   * @default false
   */
  readonly workflows?: boolean;
  /**
   * The platform's Argo artifact repository, made the team namespace's default (`artifact-repositories`).
   * @default - none
   */
  readonly artifactRepository?: ArgoArtifactRepository;
  /**
   * Kueue manages the namespace's jobs (the platform runs Kueue and the team has a queue).
   * @default false
   */
  readonly kueueManaged?: boolean;
}

/** The quota resources of `gpus` physical GPUs of `pool`. */
export function gpuQuotaResources(pool: GpuPool, gpus: number): Record<string, number> {
  const oneGpu = { ...pool.instanceTypes[0], gpuCount: 1 };
  return Object.fromEntries(Object.entries(schedulableResources(pool.sharing, oneGpu)).map(([r, n]) => [r, n * gpus]));
}

/**
 * A team: a namespace with Pod Security enforced, a ResourceQuota that includes its GPUs (MIG slices
 * and shares included), a LimitRange, RBAC for its groups, default-deny NetworkPolicies with the
 * allowances the platform needs (DNS, traffic inside the namespace, Prometheus scraping, HTTPS out),
 * and a workflow service account (with the platform's artifact repository as its namespace default) when Argo Workflows is installed.
 */
export class Team extends Construct {
  public readonly namespace: string;
  public readonly gpuQuota: Readonly<Record<string, number>>;
  public readonly podSecurity: 'restricted' | 'baseline';
  public readonly cpu: number;
  public readonly memoryGiB: number;
  /** The Kueue LocalQueue its jobs go to, when the platform has Kueue. */
  public queueName?: string;
  /** The platform runs Kubeflow Trainer: training jobs become TrainJobs on the pools' runtimes. */
  public trainer = false;
  /** The platform runs KServe: inference services become KServe InferenceServices. */
  public kserve = false;
  /** Instance ID of the platform's Argo Workflows controller, when it is scoped by one. */
  public argoInstanceId?: string;
  /** Labels the platform's Prometheus selects monitors by, when it has monitoring. */
  public monitorLabels?: Readonly<Record<string, string>>;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, props: TeamProps) {
    super(scope, id);
    const pools = props.pools.map((p) => p.pool);
    const quota = props.gpuQuota ?? {};
    const level = props.podSecurity ?? 'restricted';
    const sized = teamComputeQuota(
      pools,
      Object.fromEntries(Object.entries(quota).filter(([name]) => pools.some((p) => p.name === name))),
    );
    const cpu = props.computeQuota?.cpu ?? sized.cpu;
    const memory = props.computeQuota?.memoryGiB ?? sized.memoryGiB;
    const problems: ValidationProblem[] = [];
    if (!isDnsLabel(props.name ?? '')) {
      problems.push({
        path: 'name',
        value: props.name,
        problem: 'a team name is its namespace: a DNS label',
        fix: "use e.g. 'ml-research'",
      });
    }
    for (const [pool, gpus] of Object.entries(quota)) {
      if (!pools.some((p) => p.name === pool)) {
        problems.push({
          path: `gpuQuota["${pool}"]`,
          value: pool,
          problem: 'no such pool',
          fix: `use one of ${pools.map((p) => p.name).join(', ')}`,
        });
      }
      if (!Number.isInteger(gpus) || gpus < 0)
        problems.push({ path: `gpuQuota["${pool}"]`, value: gpus, problem: 'must be a whole number of GPUs', fix: 'use e.g. 8' });
    }
    for (const key of ['editPrincipalArns', 'viewPrincipalArns'] as const) {
      (props[key] ?? []).forEach((arn, i) => {
        if (typeof arn !== 'string' || !IAM_PRINCIPAL_ARN.test(arn)) {
          problems.push({
            path: `${key}[${i}]`,
            value: arn,
            problem: 'not an IAM role or user ARN (EKS access entries take no STS session or group names)',
            fix: "use e.g. 'arn:aws:iam::123456789012:role/research-engineers'",
          });
        }
      });
    }
    if (props.allowEgressHttps === false && props.workflows && !props.apiServerCidrs?.length) {
      problems.push({
        path: 'allowEgressHttps',
        value: false,
        problem:
          'blocks the Argo executor in every workflow pod from reporting to the API server, so no workflow step would finish',
        fix: 'give apiServerCidrs (on EKS, the VPC CIDR), or keep allowEgressHttps',
      });
    }
    (props.apiServerCidrs ?? []).forEach((cidr, i) => {
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) {
        problems.push({ path: `apiServerCidrs[${i}]`, value: cidr, problem: 'not an IPv4 CIDR', fix: "use e.g. '10.0.0.0/16'" });
      }
    });
    if (level !== 'restricted' && level !== 'baseline') {
      problems.push({
        path: 'podSecurity',
        value: level,
        problem: 'not a level a team may have',
        fix: "use 'restricted', or 'baseline' with a podSecurityReason",
      });
    }
    if (level === 'baseline' && !props.podSecurityReason?.trim()) {
      problems.push({
        path: 'podSecurityReason',
        value: props.podSecurityReason,
        problem: 'baseline lets containers run as root; say why',
        fix: "e.g. podSecurityReason: 'vendor CUDA image runs as root'",
      });
    }
    if (!(cpu > 0) || !(memory > 0))
      problems.push({
        path: 'computeQuota',
        value: props.computeQuota,
        problem: 'must be positive',
        fix: 'e.g. { cpu: 64, memoryGiB: 512 }',
      });
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    this.namespace = props.name;
    this.gpuQuota = quota;
    this.podSecurity = level;
    this.cpu = cpu;
    this.memoryGiB = memory;
    const labels = componentLabels(TEAM_COMPONENT);
    const ns = this.namespace;
    this.namespaceObject = new kplus.k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: {
          ...labels,
          ...podSecurityLabels(level),
          ...(props.kueueManaged ? { [KUEUE_MANAGED_NAMESPACE_LABEL]: 'managed' } : {}),
          // Alerts about the team's pods carry `team` from this label (kube-state-metrics exports it).
          [TEAM_LABEL]: props.name,
        },
        ...(level === 'baseline' ? { annotations: { 'aiready.dev/pod-security-reason': props.podSecurityReason! } } : {}),
      },
    });

    const gpuHard: Record<string, number> = {};
    for (const [poolName, gpus] of Object.entries(quota)) {
      for (const [r, n] of Object.entries(
        gpuQuotaResources(
          pools.find((p) => p.name === poolName)!,
          gpus,
        ),
      ))
        gpuHard[r] = (gpuHard[r] ?? 0) + n;
    }
    // Extended resources are quota'd by requests only; a resource absent from the quota would be unlimited,
    // so every GPU resource of every pool is listed, at zero when the team has none of it.
    for (const p of pools) for (const r of Object.keys(gpuQuotaResources(p, 0))) gpuHard[r] ??= 0;
    new kplus.k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'team-quota', namespace: ns, labels },
      spec: {
        hard: {
          'requests.cpu': kplus.k8s.Quantity.fromString(String(cpu)),
          'requests.memory': kplus.k8s.Quantity.fromString(`${memory}Gi`),
          ...Object.fromEntries(
            Object.entries(gpuHard)
              .sort()
              .map(([r, n]) => [`requests.${r}`, kplus.k8s.Quantity.fromNumber(n)]),
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
      ['edit', [...(props.editGroups ?? []), ...principalGroup('edit', props.editPrincipalArns)]],
      ['view', [...(props.viewGroups ?? []), ...principalGroup('view', props.viewPrincipalArns)]],
    ] as const) {
      if (groups.length === 0) continue;
      new kplus.k8s.KubeRoleBinding(this, `Binding-${role}`, {
        metadata: { name: `team-${role}`, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [...groups].sort().map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
      });
    }
    const policy = (name: string, spec: PolicySpec) =>
      networkPolicy(this, `Policy-${name}`, { name, namespace: ns, labels }, spec);
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-same-namespace', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [namespacePeer('kube-system', { 'k8s-app': 'kube-dns' })],
          ports: [...ports('UDP', 53), ...ports('TCP', 53)],
        },
      ],
    });
    // Pods whose service account has a Pod Identity association (the workflow account's artifact
    // access) fetch credentials from the node-local agent; nothing else is reachable through this rule.
    policy('allow-pod-identity', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [cidrPeer(EKS_POD_IDENTITY_AGENT.cidr)], ports: ports('TCP', EKS_POD_IDENTITY_AGENT.port) }],
    });
    if (props.monitoringNamespace) {
      policy('allow-prometheus', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [namespacePeer(props.monitoringNamespace)] }],
      });
    }
    if (props.allowEgressHttps ?? true) {
      policy('allow-https-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: ports('TCP', 443) }],
      });
    }
    if (props.allowEgressHttps === false && props.apiServerCidrs?.length) {
      policy('allow-apiserver', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: props.apiServerCidrs.map(cidrPeer), ports: ports('TCP', 443) }],
      });
    }
    if (props.kubeflowPipelinesNamespace) {
      policy('allow-kubeflow-pipelines', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [namespacePeer(props.kubeflowPipelinesNamespace, KFP_API_SELECTOR)],
            ports: ports('TCP', ...KFP_API_PORTS),
          },
        ],
      });
    }
    if (props.workflows) {
      new kplus.k8s.KubeServiceAccount(this, 'WorkflowAccount', { metadata: { name: 'workflow', namespace: ns, labels } });
      // Argo v4's executor reports step results through WorkflowTaskResults; nothing more.
      new kplus.k8s.KubeRole(this, 'WorkflowRole', {
        metadata: { name: 'workflow', namespace: ns, labels },
        rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
      });
      new kplus.k8s.KubeRoleBinding(this, 'WorkflowBinding', {
        metadata: { name: 'workflow', namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'workflow' },
        subjects: [{ kind: 'ServiceAccount', name: 'workflow', namespace: ns }],
      });
      if (props.artifactRepository) {
        // Workflows in the namespace without an explicit artifactRepositoryRef use this one.
        new kplus.k8s.KubeConfigMap(this, 'ArtifactRepositories', {
          metadata: {
            name: 'artifact-repositories',
            namespace: ns,
            labels,
            annotations: { [ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION]: ARGO_DEFAULT_REPOSITORY_KEY },
          },
          data: { [ARGO_DEFAULT_REPOSITORY_KEY]: YAML.stringify(props.artifactRepository) },
        });
      }
    }
  }
}
