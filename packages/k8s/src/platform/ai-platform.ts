import {
  AireadyValidationError,
  ARGOCD_SYNC_WAVE,
  GpuPoolSpec,
  normalizeGpuPools,
  PART_OF_LABEL,
  poolCapacity,
  tolerationsFor,
  ValidationProblem,
  ValidationWarning,
} from '@aiready/core';
import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { ArgoCdApplication } from '../gitops/argocd-application';
import { Construct } from 'constructs';
import { ClusterAutoscaler, ClusterAutoscalerProps } from '../autoscaling/cluster-autoscaler';
import { CpuNodePool } from '../autoscaling/cpu-node-pool';
import { Keda } from '../autoscaling/keda';
import { Kueue, TEAM_LOCAL_QUEUE } from '../queueing/kueue';
import { KubeflowTrainer } from '../training/kubeflow-trainer';
import { KServe, KServeProps } from '../serving/kserve';
import { Karpenter } from '../autoscaling/karpenter';
import { GpuNodePool, IGpuPool } from '../gpu/gpu-node-pool';
import { GpuOperatorOptions } from '../gpu/gpu-operator-plan';
import { NvidiaGpuOperator } from '../gpu/nvidia-gpu-operator';
import { EfaDevicePlugin } from '../gpu/efa-device-plugin';
import { GpuMonitoring, GpuMonitoringProps } from '../monitoring/gpu-monitoring';
import { KubePrometheusStack, KubePrometheusStackProps } from '../monitoring/kube-prometheus-stack';
import { Values } from '../private/merge';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { argoCdOrder, checkInstallOrder, createdNamespaces } from '../release/apply-order';
import { KustomizeRelease } from '../release/kustomize-release';
import { ArgoWorkflows, ArgoWorkflowsProps } from '../workflows/argo-workflows';
import { KubeflowPipelines } from '../workflows/kubeflow-pipelines';
import { Gp3StorageClass } from './storage-class';
import { Team, TeamOptions } from '../teams/team';

const PLATFORM_SYMBOL = Symbol.for('@aiready/k8s.AiPlatform');

/** Monitoring options of a platform. */
export interface PlatformMonitoringOptions extends Omit<
  GpuMonitoringProps,
  'namespace' | 'pools' | 'prometheusSelectorLabels' | 'karpenter'
> {
  /**
   * Install kube-prometheus-stack with these options, or use an existing Prometheus that selects
   * monitors and rules by `selectorLabels` (its kube-state-metrics must export the node labels
   * `aiready.dev/pool` and `node.kubernetes.io/instance-type` for the per-pool rules).
   * @default - install kube-prometheus-stack with its defaults
   */
  readonly prometheus?:
    | Omit<KubePrometheusStackProps, 'releaseMaterializer'>
    | { readonly existing: { readonly selectorLabels: Readonly<Record<string, string>> } };
}

/** Raw chart values per component, deep-merged last. */
export interface PlatformValueOverrides {
  readonly gpuOperator?: Values;
  readonly karpenter?: Values;
  readonly argoWorkflows?: Values;
}

export interface AiPlatformProps extends ChartProps {
  /** EKS cluster name. Karpenter discovers subnets and security groups by it. */
  readonly clusterName: string;
  /** The GPU pools. Names must be unique. */
  readonly pools: readonly GpuPoolSpec[];
  /**
   * IAM role (name) of Karpenter-launched nodes.
   * @default - `KarpenterNodeRole-<clusterName>`
   */
  readonly nodeRole?: string;
  /**
   * Options of the NVIDIA GPU operator (driver, DCGM exporter, NFD, mode...).
   * @default - NvidiaGpuOperator defaults, derived from the pools
   */
  readonly gpuOperator?: GpuOperatorOptions;
  /**
   * Node selector of platform controllers (Karpenter), e.g. `{ 'aiready.dev/pool': 'system' }` for
   * the system node group.
   * @default - none
   */
  readonly controllerNodeSelector?: Readonly<Record<string, string>>;
  /**
   * Install Karpenter and a default CPU NodePool (GPU instance types excluded).
   * @default - true when any pool is provisioned by Karpenter
   */
  readonly karpenter?: boolean;
  /**
   * An encrypted gp3 StorageClass (EBS CSI), marked default; `false` for none.
   * @default true
   */
  readonly storageClass?: boolean;
  /**
   * The cluster autoscaler for the pools of managed node groups (Karpenter provisions the others).
   * `false` for none.
   * @default - none; pools of managed node groups then only scale by hand, and the summary warns
   */
  readonly clusterAutoscaler?: false | Omit<ClusterAutoscalerProps, 'clusterName' | 'pools' | 'values' | 'releaseMaterializer'>;
  /**
   * Kueue: a ResourceFlavor per pool, and a ClusterQueue and LocalQueue per team, with all-or-nothing
   * admission.
   * @default false
   */
  readonly kueue?: boolean;
  /**
   * Kubeflow Trainer v2 with a torch runtime per pool; `GpuTrainingJob`s become TrainJobs.
   * @default false
   */
  readonly kubeflowTrainer?: boolean;
  /**
   * KServe; `GpuInferenceService`s then become KServe InferenceServices.
   * @default - none
   */
  readonly kserve?: Omit<KServeProps, 'releaseMaterializer'>;
  /**
   * KEDA, for scaling inference deployments on GPU activity (`GpuInferenceScaler`).
   * @default false
   */
  readonly keda?: boolean;
  /**
   * Workflow engine. `'none'` installs none.
   * @default 'argo-workflows'
   */
  readonly workflows?: 'argo-workflows' | 'none';
  /**
   * Kubeflow Pipelines standalone, from its pinned kustomize bases. It runs its own Argo Workflows
   * controller, so the platform's must be scoped apart or turned off (`workflows: 'none'`).
   * @default false
   */
  readonly kubeflowPipelines?: boolean;
  /**
   * Kubeflow Pipelines (installed outside aiready) runs in this cluster. It brings its own Argo
   * Workflows controller, so the platform's Argo controller must then be scoped apart from it
   * (`argoWorkflows.instanceId` or `argoWorkflows.namespaced`).
   * @default false
   */
  readonly kubeflowPipelinesInCluster?: boolean;
  /**
   * Options of Argo Workflows.
   * @default - ArgoWorkflows defaults (client auth, namespace 'argo')
   */
  readonly argoWorkflows?: Omit<ArgoWorkflowsProps, 'releaseMaterializer' | 'values' | 'installCrds' | 'installAfter'>;
  /**
   * GPU monitoring: kube-prometheus-stack (or an existing Prometheus), the DCGM ServiceMonitor,
   * recording rules, alerts and dashboards. `false` for none.
   * @default - on, installing kube-prometheus-stack with its defaults
   */
  readonly monitoring?: false | PlatformMonitoringOptions;
  /**
   * How Helm releases are installed.
   * @default ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
  /**
   * Raw chart values per component, deep-merged last.
   * @default - none
   */
  readonly values?: PlatformValueOverrides;
}

/**
 * An AI-ready platform in one chart: GPU node pools, the NVIDIA GPU operator configured from them,
 * Karpenter, a workflow engine and GPU monitoring, wired so that taints, tolerations, labels and
 * alerts always agree.
 */
export class AiPlatform extends Chart {
  /**
   * True when `x` is an AiPlatform, across copies of this package. (`instanceof` is not enough:
   * cdk8s makes `instanceof` on any Chart subclass true for every chart.)
   */
  public static isAiPlatform(x: unknown): x is AiPlatform {
    return typeof x === 'object' && x !== null && PLATFORM_SYMBOL in x;
  }

  public readonly clusterName: string;
  /** Every GPU pool: Karpenter NodePools and pools of managed node groups. */
  public readonly pools: readonly IGpuPool[];
  public readonly gpuOperator: NvidiaGpuOperator;
  /** The EFA device plugin, when a pool has EFA. */
  public readonly efaDevicePlugin?: EfaDevicePlugin;
  public readonly karpenter?: Karpenter;
  public readonly cpuPool?: CpuNodePool;
  public readonly clusterAutoscaler?: ClusterAutoscaler;
  public readonly keda?: Keda;
  public readonly kueue?: Kueue;
  public readonly trainer?: KubeflowTrainer;
  public readonly pipelines?: KubeflowPipelines;
  public readonly kserve?: KServe;
  public readonly workflows?: ArgoWorkflows;
  public readonly monitoring?: GpuMonitoring;
  public readonly prometheus?: KubePrometheusStack;
  /** The teams added with `addTeam`. */
  public readonly teams: Team[] = [];
  public readonly releaseMaterializer: ReleaseMaterializer;
  /** Soft issues found in the pools; the summary lists them. */
  public readonly warnings: readonly ValidationWarning[];

  constructor(scope: Construct, id: string, props: AiPlatformProps) {
    super(scope, id, { ...props, labels: { [PART_OF_LABEL]: id, ...props.labels } });
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    this.clusterName = props.clusterName;
    if (!Array.isArray(props.pools) || props.pools.length === 0) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'pools',
          value: props.pools,
          problem: 'an AI platform needs at least one GPU pool',
          fix: "add a pool, e.g. { name: 'l4', instanceTypes: ['g6.xlarge'] }",
        },
      ]);
    }
    // Validate every pool together first, so all problems (duplicate names included) surface at once.
    const normalized = normalizeGpuPools(props.pools, this.node.path);
    const warnings: ValidationWarning[] = normalized.flatMap((p) => p.warnings);
    this.warnings = warnings;
    if (props.monitoring !== false && props.gpuOperator?.dcgmServiceMonitor) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'gpuOperator.dcgmServiceMonitor',
          value: true,
          problem:
            "the platform's GPU monitoring already defines a ServiceMonitor for the DCGM exporter; two would scrape every GPU twice",
          fix: 'leave dcgmServiceMonitor unset, or set monitoring: false',
        },
      ]);
    }
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.argoCd();
    this.releaseMaterializer = materializer;

    this.pools = props.pools.map((spec) =>
      (spec.provisioner ?? 'karpenter') === 'karpenter'
        ? new GpuNodePool(this, `pool-${spec.name}`, { ...spec, clusterName: props.clusterName, nodeRole: props.nodeRole })
        : GpuNodePool.fromManagedNodeGroup(this, `pool-${spec.name}`, spec),
    );
    this.gpuOperator = new NvidiaGpuOperator(this, 'gpu-operator', {
      ...props.gpuOperator,
      pools: this.pools,
      values: props.values?.gpuOperator,
      releaseMaterializer: materializer,
    });
    if (normalized.some((p) => p.efaInterfaces > 0)) {
      this.efaDevicePlugin = new EfaDevicePlugin(this, 'efa-device-plugin', {
        pools: normalized,
        releaseMaterializer: materializer,
      });
    }
    if (props.karpenter ?? normalized.some((p) => p.provisioner === 'karpenter')) {
      this.karpenter = new Karpenter(this, 'karpenter', {
        clusterName: props.clusterName,
        controllerNodeSelector: props.controllerNodeSelector,
        values: props.values?.karpenter,
        releaseMaterializer: materializer,
      });
      this.cpuPool = new CpuNodePool(this, 'cpu-pool', { clusterName: props.clusterName, nodeRole: props.nodeRole });
    }
    const managed = this.pools.filter((p) => p.pool.provisioner === 'managed-node-group');
    if (props.clusterAutoscaler) {
      this.clusterAutoscaler = new ClusterAutoscaler(this, 'cluster-autoscaler', {
        ...props.clusterAutoscaler,
        clusterName: props.clusterName,
        pools: managed,
        releaseMaterializer: materializer,
      });
    } else if (managed.length && props.clusterAutoscaler === undefined) {
      warnings.push({
        path: 'clusterAutoscaler',
        message: `pools ${managed.map((p) => p.pool.name).join(', ')} are managed node groups but no cluster autoscaler is configured; they scale only by hand`,
      });
    }
    if (props.keda) this.keda = new Keda(this, 'keda', { releaseMaterializer: materializer });
    if (props.kubeflowTrainer)
      this.trainer = new KubeflowTrainer(this, 'kubeflow-trainer', normalized, { releaseMaterializer: materializer });
    if (props.kserve) this.kserve = new KServe(this, 'kserve', { ...props.kserve, releaseMaterializer: materializer });
    if (props.kueue) this.kueue = new Kueue(this, 'kueue', normalized, { releaseMaterializer: materializer });
    if (props.storageClass ?? true) new Gp3StorageClass(this, 'storage-class');
    let monitorLabels: Readonly<Record<string, string>> | undefined;
    if (props.monitoring !== false) {
      const { prometheus, ...options } = props.monitoring ?? {};
      let selectorLabels: Readonly<Record<string, string>>;
      if (prometheus && 'existing' in prometheus) {
        selectorLabels = prometheus.existing.selectorLabels;
        warnings.push({
          path: 'monitoring.prometheus.existing',
          message: `the existing Prometheus must select ${JSON.stringify(selectorLabels)} and its kube-state-metrics must export the node labels aiready.dev/pool and node.kubernetes.io/instance-type and the namespace label aiready.dev/team`,
        });
      } else {
        this.prometheus = new KubePrometheusStack(this, 'monitoring', { ...prometheus, releaseMaterializer: materializer });
        selectorLabels = this.prometheus.selectorLabels;
      }
      monitorLabels = selectorLabels;
      if (this.prometheus && !this.prometheus.hasReceivers) {
        warnings.push({
          path: 'monitoring.prometheus.receivers',
          message: 'Alertmanager has no receivers: GPU alerts reach no one. Give receivers (Secret references) and routes',
        });
      }
      this.monitoring = new GpuMonitoring(this, 'gpu-monitoring', {
        ...options,
        pools: this.pools,
        prometheusSelectorLabels: selectorLabels,
        namespace: this.gpuOperator.namespace,
        ...(this.karpenter ? { karpenter: { namespace: this.karpenter.namespace } } : {}),
      });
    }
    if (props.kubeflowPipelines) {
      this.pipelines = new KubeflowPipelines(this, 'kubeflow-pipelines', {
        releaseMaterializer: materializer,
        ...(this.prometheus ? { monitoringNamespace: this.prometheus.namespace } : {}),
      });
    }
    if ((props.workflows ?? 'argo-workflows') === 'argo-workflows') {
      const kfp = props.kubeflowPipelines || props.kubeflowPipelinesInCluster;
      if (kfp && !props.argoWorkflows?.instanceId && !props.argoWorkflows?.namespaced) {
        throw new AireadyValidationError(this.node.path, [
          {
            path: 'argoWorkflows',
            value: props.argoWorkflows ?? {},
            problem:
              "is a second cluster-wide Argo Workflows controller next to Kubeflow Pipelines' own: both would run every workflow",
            fix: "scope it apart with argoWorkflows.instanceId (e.g. 'platform') or argoWorkflows.namespaced: true, or set workflows: 'none' and use the one KFP brings",
          },
        ]);
      }
      this.workflows = new ArgoWorkflows(this, 'argo-workflows', {
        ...(monitorLabels ? { serviceMonitorLabels: monitorLabels } : {}),
        // Workflow pods tolerate the GPU pools' taints; node selection stays with each step (pool.schedule).
        defaultTolerations: tolerationsFor(this.pools.flatMap((p) => p.pool.taints)),
        ...props.argoWorkflows,
        // Kubeflow Pipelines applies the Argo CRDs (v4) itself; one writer, or they fight.
        ...(kfp ? { installCrds: false } : {}),
        ...(this.pipelines
          ? { installAfter: this.pipelines.kustomizations.filter((k) => k.spec.ownsCrds).map((k) => k.spec.name) }
          : {}),
        values: props.values?.argoWorkflows,
        releaseMaterializer: materializer,
      });
    }
  }

  /**
   * Renders the platform. The install order is checked first (for every engine), and, under Argo CD,
   * objects added since construction (teams) get their sync waves too.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toJson(): any[] {
    const kustomizations = KustomizeRelease.all(this).map((k) => k.spec);
    checkInstallOrder(
      this.node.path,
      HelmRelease.all(this).map((r) => r.spec),
      kustomizations,
    );
    if (this.releaseMaterializer.kind === 'argocd') this.orderForArgoCd(createdNamespaces(kustomizations));
    return super.toJson();
  }

  /**
   * Under Argo CD, objects sync in the platform's apply order ({@link argoCdOrder}): namespaces, then
   * configuration the charts read, then the releases, then custom resources (a missing CRD at dry-run
   * does not fail the sync); objects in a namespace a kustomize base creates after that base. Objects
   * that state their own wave keep it.
   */
  private orderForArgoCd(created: ReadonlyMap<string, number>): void {
    for (const obj of this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
      if (obj.kind === ArgoCdApplication.GVK.kind || obj.metadata.toJson().annotations?.[ARGOCD_SYNC_WAVE] !== undefined)
        continue;
      for (const [key, value] of Object.entries(argoCdOrder(obj, created) ?? {})) obj.metadata.addAnnotation(key, value);
    }
  }

  /**
   * Adds a team: its namespace, GPU quota, RBAC and network policies. GPU quotas are checked against
   * what the pools can ever supply, together with every other team's: over-promising is an error
   * that names the teams and the pool.
   */
  public addTeam(options: TeamOptions): Team {
    const team = new Team(this, `team-${options.name}`, {
      ...options,
      pools: this.pools,
      workflows: this.workflows !== undefined,
      kueueManaged: this.kueue !== undefined && options.queue !== false,
      ...(this.workflows?.artifactRepository ? { artifactRepository: this.workflows.artifactRepository } : {}),
      ...(this.prometheus ? { monitoringNamespace: this.prometheus.namespace } : {}),
      ...(this.pipelines ? { kubeflowPipelinesNamespace: this.pipelines.namespace } : {}),
    });
    const teams = [...this.teams, team];
    const problems: ValidationProblem[] = [];
    for (const pool of this.pools.map((p) => p.pool)) {
      const asks = teams.filter((t) => (t.gpuQuota[pool.name] ?? 0) > 0);
      const promised = asks.reduce((sum, t) => sum + t.gpuQuota[pool.name], 0);
      const supply = poolCapacity(pool).maxGpus;
      if (promised > supply) {
        problems.push({
          path: `teams.gpuQuota["${pool.name}"]`,
          value: Object.fromEntries(asks.map((t) => [t.namespace, t.gpuQuota[pool.name]])),
          problem: `teams ${asks.map((t) => t.namespace).join(', ')} are promised ${promised} GPUs of pool '${pool.name}', which can hold at most ${supply}`,
          fix: `lower the quotas to ${supply} in total, or raise the pool's maxNodes or gpuLimit`,
        });
      }
    }
    if (this.kueue && options.queue === false) {
      problems.push({
        path: 'queue',
        value: false,
        problem: "the platform runs Kueue, which admits a team's jobs only through a queue",
        fix: 'leave queue unset, or run the platform without kueue',
      });
    }
    if (problems.length) throw new AireadyValidationError(`${this.node.path}/team-${options.name}`, problems);
    if (this.kueue) {
      const spec = (t: Team) => ({
        namespace: t.namespace,
        gpuQuota: t.gpuQuota,
        cpu: t.cpu,
        memoryGiB: t.memoryGiB,
        borrowGpus: t === team ? options.borrowGpus : undefined,
      });
      this.kueue.addTeamQueue(team, spec(team), teams.map(spec));
      team.queueName = TEAM_LOCAL_QUEUE;
    }
    team.trainer = this.trainer !== undefined;
    team.kserve = this.kserve !== undefined;
    team.argoInstanceId = this.workflows?.instanceId;
    team.monitorLabels = this.monitoring?.selectorLabels;
    this.teams.push(team);
    return team;
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
