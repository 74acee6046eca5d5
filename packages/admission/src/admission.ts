// Offline admission: all objects of one target (and the objects its charts render) plus its cloud plan,
// checked the way the cluster will check them, before anything is applied. Pure and linear in the
// number of objects: everything is indexed once, then each check walks the index.
import { AireadyValidationError, DEFAULT_KUBERNETES_VERSION } from '@aiready/core';
import { checkCrds } from './checks/crds';
import { checkIam } from './checks/iam';
import { checkNetworkPolicy, networkPolicyEnforced } from './checks/network-policy';
import { checkPodSecurity, checkReleasePodSecurity } from './checks/pod-security';
import { minorOf } from './checks/pod-security-rules';
import { checkQueues } from './checks/queues';
import { checkReferences, Resolver } from './checks/references';
import { checkResources, effectiveResources, limitRangesByNamespace } from './checks/resources';
import { checkFixedPoolCapacity } from './checks/capacity';
import { checkScheduling } from './checks/scheduling';
import { checkWebhooks, webhooksOfTarget } from './checks/webhooks';
import { argoControllers } from './model/argo-pods';
import { chartFacts, KUSTOMIZE_FACTS } from './model/chart-facts';
import { podTemplatesOf } from './model/crd-pod-templates';
import { AdmissionCheck, AdmissionProblem, AdmissionWarning, Findings } from './model/findings';
import { KubeObject } from './model/kube';
import { KueueModel, kueueModel } from './model/kueue';
import { DevicePlugin, devicePluginsOf, nodeResources, NodeResources } from './model/node-resources';
import { isClusterScoped, ObjectIndex, TargetObject } from './model/object-index';
import { CloudPlan, PlanIndex } from './model/plan';
import { EffectiveContainer } from './model/pod-resources';
import { PodTemplate } from './model/pod-templates';
import { Pool, poolsOf } from './model/pools';
import { Prerequisite } from './model/prerequisites';
import { Release, releasesOf } from './model/releases';

/** The objects one release (or kustomize base) renders, as `aiready synth --render` writes them. */
export interface RenderedRelease {
  /** The release name (as in the Application or the Pulumi release). */
  readonly release: string;
  /** The namespace namespaced objects without one land in. @default - the release's namespace */
  readonly namespace?: string;
  readonly objects: readonly KubeObject[];
}

/** A problem the user has decided to live with for now, with the reason; reported, not refused. */
export interface Acknowledgement {
  readonly check: AdmissionCheck;
  /** The object, exactly as findings name it (`Deployment serving/llm`). */
  readonly object: string;
  /** A text the problem contains, to pick one finding of the object. @default - every finding of the check on the object */
  readonly contains?: string;
  /** Why it is acceptable, shown in SUMMARY. */
  readonly reason: string;
}

/** What offline admission checks: a target's objects, rendered charts, cloud plan and prerequisites. */
export interface AdmissionInput {
  /** Every object aiready writes for the target. */
  readonly objects: readonly KubeObject[];
  /** Objects the target's charts render (`--render`). @default - none: releases are judged by chart facts */
  readonly rendered?: readonly RenderedRelease[];
  /** The cloud plan (`plan.json`). @default - none: pools come from NodePools only, IAM is not checked */
  readonly plan?: CloudPlan;
  /**
   * For Pulumi targets: the plan resource (`type::name`, a ConfigGroup) that applies each object, keyed
   * by `group/Kind/namespace/name`. @default - objects are ordered by Argo CD sync waves
   */
  readonly appliedBy?: Readonly<Record<string, string>>;
  /** Kubernetes minor (`1.35`). @default - the plan's cluster version, else aiready's default */
  readonly kubernetesVersion?: string;
  /**
   * Releases installed by neither an object nor the plan (`install.sh` of rendered manifests).
   * @default - none: releases come from Applications, Flux objects and the plan
   */
  readonly releases?: readonly Release[];
  /** Objects the target relies on but does not create. @default - none */
  readonly prerequisites?: readonly Prerequisite[];
  /** Whether the cluster enforces NetworkPolicies. @default - from the plan's VPC CNI add-on; checked as enforced without a plan */
  readonly networkPolicyEnforced?: boolean;
  /** Problems accepted for now; they are reported apart and do not fail. @default - none */
  readonly acknowledged?: readonly Acknowledgement[];
}

/** What offline admission found: problems (the cluster would refuse or never run it) and warnings. */
export interface AdmissionReport {
  /** What the cluster would refuse or never run. */
  readonly problems: readonly AdmissionProblem[];
  readonly warnings: readonly AdmissionWarning[];
  /** Problems matched by an acknowledgement, with its reason. */
  readonly acknowledged: readonly { readonly problem: AdmissionProblem; readonly reason: string }[];
  /** Acknowledgements that matched no problem (fixed since: remove them). */
  readonly staleAcknowledgements: readonly Acknowledgement[];
  /** The declared prerequisites, for SUMMARY. */
  readonly prerequisites: readonly Prerequisite[];
}

function ownObjects(input: AdmissionInput): TargetObject[] {
  return input.objects.map((object) => ({
    object,
    origin: {},
    namespace: isClusterScoped(object.kind) ? undefined : (object.metadata?.namespace ?? 'default'),
  }));
}

function renderedObjects(input: AdmissionInput, releases: readonly Release[]): TargetObject[] {
  return (input.rendered ?? []).flatMap((r) => {
    const namespace = r.namespace ?? releases.find((x) => x.name === r.release)?.namespace ?? 'default';
    return r.objects.map((object) => ({
      object,
      origin: { release: r.release },
      namespace: isClusterScoped(object.kind) ? undefined : (object.metadata?.namespace ?? namespace),
    }));
  });
}

/** A target indexed once: what every check, and {@link dryAdmission}, reads. */
export interface IndexedTarget {
  readonly plan: PlanIndex;
  readonly releases: readonly Release[];
  readonly index: ObjectIndex;
  /** Releases whose objects are among the target's (`--render`). */
  readonly rendered: ReadonlySet<string>;
  readonly pods: readonly PodTemplate[];
  readonly limits: ReturnType<typeof limitRangesByNamespace>;
  /** Every pod template's containers after pod and LimitRange defaulting. */
  readonly resources: ReadonlyMap<PodTemplate, EffectiveContainer[]>;
  readonly pools: readonly Pool[];
  readonly plugins: readonly DevicePlugin[];
  /** What a running node of each pool advertises. */
  readonly nodes: ReadonlyMap<Pool, NodeResources>;
  readonly kueue: KueueModel;
}

/** Indexes a target: its objects, what its releases render or provide, its pods, pools and queues. */
export function indexTarget(input: AdmissionInput): IndexedTarget {
  const plan = new PlanIndex(input.plan);
  const own = ownObjects(input);
  const releases = [...releasesOf(new ObjectIndex(own), plan), ...(input.releases ?? [])];
  const index = new ObjectIndex([...own, ...renderedObjects(input, releases)]);
  const rendered = new Set((input.rendered ?? []).map((r) => r.release));
  for (const r of releases) {
    if (r.createsNamespace) index.addNamespace(r.namespace);
    for (const ns of (r.type === 'kustomize' && KUSTOMIZE_FACTS[r.path ?? '']?.namespaces) || []) index.addNamespace(ns);
    // What the chart's operator creates at runtime (the GPU operator's DCGM Service) is in no rendered
    // chart: a rendered release keeps those facts, and only its template objects come from rendering.
    for (const object of chartFacts(r)?.provides?.(r) ?? []) {
      const namespace = isClusterScoped(object.kind) ? undefined : r.namespace;
      if (rendered.has(r.name) && index.find(object.kind, namespace, object.metadata?.name)) continue;
      index.add({ object, origin: { release: r.name, provided: true }, namespace });
    }
  }
  const pods = podTemplatesOf(index, argoControllers(index, releases));
  const limits = limitRangesByNamespace(index);
  const pools = poolsOf(index, plan, releases);
  const plugins = devicePluginsOf(releases, index);
  return {
    plan,
    releases,
    index,
    rendered,
    pods,
    limits,
    resources: effectiveResources(pods, limits),
    pools,
    plugins,
    nodes: new Map(pools.map((p) => [p, nodeResources(p, plugins, index)])),
    kueue: kueueModel(index, releases),
  };
}

/** Checks one target. Never throws for findings: see {@link assertAdmitted}. */
export function checkAdmission(input: AdmissionInput): AdmissionReport {
  const findings = new Findings();
  const { plan, releases, index, rendered, pods, limits, resources, pools, plugins, nodes, kueue } = indexTarget(input);
  const prerequisites = input.prerequisites ?? [];
  const cluster =
    minorOf(input.kubernetesVersion ?? plan.kubernetesVersion() ?? DEFAULT_KUBERNETES_VERSION) ??
    minorOf(DEFAULT_KUBERNETES_VERSION)!;
  const webhooks = webhooksOfTarget(index, releases, rendered);

  checkPodSecurity(pods, index, cluster, findings);
  checkReleasePodSecurity(releases, index, rendered, findings);
  const placement = checkScheduling(pods, (p) => resources.get(p) ?? [], pools, plugins, index, findings, plan.present);
  checkFixedPoolCapacity(pods, (p) => resources.get(p) ?? [], pools, nodes, index, findings);
  checkResources(pods, resources, limits, placement, (p, r) => nodes.get(p)?.resources[r], index, findings);
  checkReferences(pods, index, releases, new Resolver(index, releases, rendered, prerequisites), findings);
  checkCrds(index, releases, plan, input.appliedBy ?? {}, prerequisites, findings);
  checkWebhooks(webhooks, releases, findings);
  checkNetworkPolicy(pods, index, releases, webhooks, plan, input.networkPolicyEnforced ?? networkPolicyEnforced(plan), findings);
  checkIam(index, releases, plan, findings);
  checkQueues(pods, resources, kueue, findings);

  return acknowledge(findings, input.acknowledged ?? [], prerequisites);
}

function acknowledge(
  findings: Findings,
  acks: readonly Acknowledgement[],
  prerequisites: readonly Prerequisite[],
): AdmissionReport {
  const used = new Set<Acknowledgement>();
  const problems: AdmissionProblem[] = [];
  const acknowledged: { problem: AdmissionProblem; reason: string }[] = [];
  for (const p of findings.problems) {
    const ack = acks.find(
      (a) => a.check === p.check && a.object === p.object && (!a.contains || `${p.field} ${p.problem}`.includes(a.contains)),
    );
    if (!ack) {
      problems.push(p);
      continue;
    }
    used.add(ack);
    acknowledged.push({ problem: p, reason: ack.reason });
  }
  return {
    problems,
    warnings: findings.warnings,
    acknowledged,
    staleAcknowledgements: acks.filter((a) => !used.has(a)),
    prerequisites,
  };
}

/** Throws the report's problems as one {@link AireadyValidationError}, or returns when there are none. */
export function assertAdmitted(scope: string, report: AdmissionReport): void {
  if (report.problems.length) throw new AireadyValidationError(`${scope}: offline admission`, report.problems);
}
