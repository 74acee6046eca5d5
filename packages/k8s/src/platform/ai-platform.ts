import {
  AireadyValidationError,
  ARGOCD_SYNC_WAVE,
  INSTALL_WAVE_ANNOTATION,
  checkTeamsTogether,
  MonitoringSpec,
  PART_OF_LABEL,
  PlatformPlan,
  PlatformSpec,
  planPlatform,
  planTeam,
  ProblemCollector,
  TeamPlan,
  teamContext,
  ValidationWarning,
} from '@aiready/core';
import { attachWarningSink } from './warning-sink';
import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterAutoscaler } from '../autoscaling/cluster-autoscaler';
import { CpuNodePool } from '../autoscaling/cpu-node-pool';
import { Karpenter } from '../autoscaling/karpenter';
import { Keda } from '../autoscaling/keda';
import { ArgoCdApplication } from '../gitops/argocd-application';
import { EfaDevicePlugin } from '../gpu/efa-device-plugin';
import { GpuNodePool, IGpuPool } from '../gpu/gpu-node-pool';
import { NvidiaGpuOperator } from '../gpu/nvidia-gpu-operator';
import { GpuMonitoring } from '../monitoring/gpu-monitoring';
import { KubePrometheusStack } from '../monitoring/kube-prometheus-stack';
import { Kueue } from '../queueing/kueue';
import { argoCdOrder, checkInstallOrder, createdNamespaces, objectWave } from '../release/apply-order';
import { HelmRelease } from '../release/helm-release';
import { KustomizeRelease } from '../release/kustomize-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { KServe } from '../serving/kserve';
import { Team, TeamOptions } from '../teams/team';
import { KubeflowTrainer } from '../training/kubeflow-trainer';
import { ArgoWorkflows } from '../workflows/argo-workflows';
import { KubeflowPipelines } from '../workflows/kubeflow-pipelines';
import { PLATFORM_COMPONENTS } from './components';
import { PlatformComponent, PlatformContext } from './platform-component';

export type { PlatformValueOverrides } from '@aiready/core';

const PLATFORM_SYMBOL = Symbol.for('@aiready/k8s.AiPlatform');

/**
 * What a platform keeps for itself. Not private members: a Pulumi program type-checked by Pulumi's
 * ts-node can see this package through two symlinked paths, and TypeScript would then refuse one
 * AiPlatform for the other over their private declarations.
 */
interface PlatformState {
  readonly spec: PlatformSpec;
  readonly built: Map<string, Construct>;
  readonly context: PlatformContext;
}
const STATE = new WeakMap<AiPlatform, PlatformState>();

function state(platform: AiPlatform): PlatformState {
  return STATE.get(platform)!;
}

/** Renders a planned team with what every built component gives it. */
function renderTeam(platform: AiPlatform, plan: TeamPlan): Team {
  const { built, context } = state(platform);
  const contributions = PLATFORM_COMPONENTS.flatMap((c: PlatformComponent) => {
    const construct = built.get(c.id);
    return construct && c.team ? [c.team(construct, context)] : [];
  });
  return new Team(platform, `team-${plan.namespace}`, { plan, contributions });
}

/**
 * Under Argo CD, objects sync in the platform's apply order ({@link argoCdOrder}): namespaces, then
 * configuration the charts read, then the releases, then custom resources (a missing CRD at dry-run
 * does not fail the sync); objects in a namespace a kustomize base creates after that base. Objects
 * that state their own wave keep it.
 */
function orderForArgoCd(platform: AiPlatform): void {
  const created = createdNamespaces(KustomizeRelease.all(platform).map((k) => k.spec));
  for (const obj of platform.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    if (obj.kind === ArgoCdApplication.GVK.kind || obj.metadata.toJson().annotations?.[ARGOCD_SYNC_WAVE] !== undefined) continue;
    for (const [key, value] of Object.entries(argoCdOrder(obj, created) ?? {})) obj.metadata.addAnnotation(key, value);
  }
}

/**
 * Under `ReleaseMaterializer.rendered()`, every object says its install wave ({@link objectWave}) in
 * `aiready.dev/install-wave`, as under Flux: synth lays the objects out by wave and `install.sh` applies
 * them in that order.
 */
function orderForRendered(platform: AiPlatform): void {
  const created = createdNamespaces(KustomizeRelease.all(platform).map((k) => k.spec));
  for (const obj of platform.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    if (obj.metadata.toJson().annotations?.[INSTALL_WAVE_ANNOTATION] !== undefined) continue;
    obj.metadata.addAnnotation(INSTALL_WAVE_ANNOTATION, String(objectWave(obj, created)));
  }
}

/** The install order of the platform's own objects, for the engines that read it from them. */
function orderObjects(platform: AiPlatform): void {
  if (platform.releaseMaterializer.kind === 'argocd') orderForArgoCd(platform);
  if (platform.releaseMaterializer.kind === 'rendered') orderForRendered(platform);
}

/** Monitoring options of a platform (`MonitoringSpec` in @aiready/core). */
export type PlatformMonitoringOptions = MonitoringSpec;

/** A whole platform as a cdk8s chart: the `PlatformSpec` of @aiready/core, and how releases are installed. */
export interface AiPlatformProps extends PlatformSpec, ChartProps {
  /**
   * The plan of exactly this spec, when it was planned already (`planPlatform`, as the stack config
   * reader does), so the platform is planned once.
   * @default - planned here
   */
  readonly plan?: PlatformPlan;
  /**
   * How Helm releases are installed; every component of the platform finds it from its scope.
   * @default ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * An AI-ready platform in one chart. It plans the whole platform once (`planPlatform` in
 * @aiready/core: pools, autoscalers, teams, components) and renders the plan: the GPU pools, then
 * every registered component (`PLATFORM_COMPONENTS`) the plan runs, then the teams with what the
 * components give them, so taints, tolerations, labels, queues and alerts always agree.
 */
export class AiPlatform extends Chart {
  /**
   * True when `x` is an AiPlatform, across copies of this package. (`instanceof` is not enough:
   * cdk8s makes `instanceof` on any Chart subclass true for every chart.)
   */
  public static isAiPlatform(x: unknown): x is AiPlatform {
    return typeof x === 'object' && x !== null && PLATFORM_SYMBOL in x;
  }

  /** The plan this chart renders. */
  public readonly plan: PlatformPlan;
  public readonly clusterName: string;
  /** Every GPU pool: Karpenter NodePools and pools of managed node groups. */
  public readonly pools: readonly IGpuPool[];
  /** The teams: those of the spec, then those added with `addTeam`. */
  public readonly teams: Team[] = [];
  public readonly releaseMaterializer: ReleaseMaterializer;
  /** Soft issues found while planning; the summary lists them. */
  public readonly warnings: readonly ValidationWarning[];

  constructor(scope: Construct, id: string, props: AiPlatformProps) {
    super(scope, id, { ...props, labels: { [PART_OF_LABEL]: id, ...props?.labels } });
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    const {
      releaseMaterializer,
      plan,
      labels: _labels,
      namespace: _namespace,
      disableResourceNameHashes: _hashes,
      ...spec
    } = props ?? ({} as AiPlatformProps);
    // Props that are no object at all (plain JavaScript: null, a list) are planned as given, so the
    // error says what they are.
    const given = typeof props === 'object' && props !== null && !Array.isArray(props) ? spec : (props as PlatformSpec);
    this.plan = plan ?? planPlatform(given, this.node.path);
    this.clusterName = this.plan.clusterName;
    this.warnings = [...this.plan.warnings];
    // Workloads on the platform's teams add theirs (a multi-node job without EFA...).
    attachWarningSink(this, this.warnings as ValidationWarning[]);
    this.releaseMaterializer = releaseMaterializer ?? ReleaseMaterializer.argoCd();
    ReleaseMaterializer.use(this, this.releaseMaterializer);

    this.pools = this.plan.pools.map((pool) =>
      pool.provisioner === 'karpenter'
        ? new GpuNodePool(this, `pool-${pool.name}`, { pool, clusterName: this.plan.clusterName, nodeRole: this.plan.nodeRole })
        : GpuNodePool.fromManagedNodeGroup(this, `pool-${pool.name}`, { pool }),
    );
    const built = new Map<string, Construct>();
    const context: PlatformContext = {
      scope: this,
      plan: this.plan,
      pools: this.pools,
      built: <T extends Construct>(componentId: string) => built.get(componentId) as T | undefined,
    };
    STATE.set(this, { spec, built, context });
    for (const component of PLATFORM_COMPONENTS) {
      const construct = component.build(context);
      if (construct) built.set(component.id, construct);
    }
    for (const team of this.plan.teams) this.teams.push(renderTeam(this, team));
    orderObjects(this);
  }

  /** The built component with this id (`'argo-workflows'`), if the plan runs it. */
  public component<T extends Construct>(id: string): T | undefined {
    return state(this).built.get(id) as T | undefined;
  }

  /** The NVIDIA GPU operator (every platform has one). */
  public get gpuOperator(): NvidiaGpuOperator {
    return this.component<NvidiaGpuOperator>('gpu-operator')!;
  }
  /** The EFA device plugin, when a pool has EFA. */
  public get efaDevicePlugin(): EfaDevicePlugin | undefined {
    return this.component('efa-device-plugin');
  }
  /** Karpenter, when a pool is provisioned by Karpenter. */
  public get karpenter(): Karpenter | undefined {
    return this.component('karpenter');
  }
  /** The default CPU NodePool that comes with Karpenter. */
  public get cpuPool(): CpuNodePool | undefined {
    return this.node.tryFindChild('cpu-pool') as CpuNodePool | undefined;
  }
  /** The Cluster Autoscaler, when a pool is a managed node group. */
  public get clusterAutoscaler(): ClusterAutoscaler | undefined {
    return this.component('cluster-autoscaler');
  }
  /** KEDA, when the platform has it. */
  public get keda(): Keda | undefined {
    return this.component('keda');
  }
  /** Kueue, when the platform has it. */
  public get kueue(): Kueue | undefined {
    return this.component('kueue');
  }
  /** The Kubeflow Trainer, when the platform has it. */
  public get trainer(): KubeflowTrainer | undefined {
    return this.component('kubeflow-trainer');
  }
  /** Kubeflow Pipelines, when the platform has it. */
  public get pipelines(): KubeflowPipelines | undefined {
    return this.component('kubeflow-pipelines');
  }
  /** KServe, when the platform has it. */
  public get kserve(): KServe | undefined {
    return this.component('kserve');
  }
  /** Argo Workflows, when the platform has it. */
  public get workflows(): ArgoWorkflows | undefined {
    return this.component('argo-workflows');
  }
  /** GPU monitoring (rules, alerts, dashboards), when the platform has it. */
  public get monitoring(): GpuMonitoring | undefined {
    return this.component('gpu-monitoring');
  }
  /** The kube-prometheus-stack release, when the platform installs Prometheus. */
  public get prometheus(): KubePrometheusStack | undefined {
    return this.component('prometheus');
  }

  /**
   * Adds a team: its namespace, GPU quota, RBAC and network policies, and what the platform's
   * components give it. Rules of the team alone are checked now; rules across teams (quotas no pool
   * can supply, Kueue borrowing) are checked over every team at synth, whatever order they were
   * added in.
   */
  public addTeam(options: TeamOptions): Team {
    const problems = new ProblemCollector(`${this.node.path}/team-${options.name}`);
    const plan = planTeam(options, teamContext(this.plan, state(this).spec), 'team', problems);
    problems.throwIfAny();
    // A quota no pool can supply is wrong whatever comes next: say so now.
    const supply = new ProblemCollector(`${this.node.path}/team-${options.name}`);
    checkTeamsTogether([...this.teams.map((t) => t.plan), plan!], this.plan.pools, false, (i) => `teams[${i}]`, supply);
    supply.throwIfAny();
    const team = renderTeam(this, plan!);
    this.teams.push(team);
    orderObjects(this);
    return team;
  }

  /** Checks the rules across every team and the install order (for every engine), then synthesizes. */
  public override toJson(): unknown[] {
    checkInstallOrder(
      this.node.path,
      HelmRelease.all(this).map((r) => r.spec),
      KustomizeRelease.all(this).map((k) => k.spec),
    );
    const problems = new ProblemCollector(this.node.path);
    checkTeamsTogether(
      this.teams.map((t) => t.plan),
      this.plan.pools,
      this.plan.components.kueue,
      (i) => `teams[${i}]`,
      problems,
    );
    problems.throwIfAny();
    return super.toJson();
  }

  /**
   * True when the platform writes NetworkPolicies (team namespaces, Kubeflow Pipelines), so the
   * cluster's CNI must enforce them (on EKS: the vpc-cni add-on's network policy agent).
   */
  public get writesNetworkPolicies(): boolean {
    return this.node.findAll().some((c) => c instanceof ApiObject && c.kind === 'NetworkPolicy');
  }

  /** Every Helm release of the platform, CRD owners first. */
  public get releases(): HelmRelease[] {
    return HelmRelease.all(this);
  }

  /** The pool with this name. */
  public pool(name: string): IGpuPool {
    const found = this.pools.find((p) => p.pool.name === name);
    if (!found) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'pool',
          value: name,
          problem: 'no such pool',
          fix: `use one of ${this.pools.map((p) => p.pool.name).join(', ')}`,
        },
      ]);
    }
    return found;
  }
}
