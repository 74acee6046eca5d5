// The whole platform planned once, as a pure function: `AiPlatform`, the Pulumi components and the
// stack program only render the plan. Every problem is collected (field path, value, fix) and thrown
// together; the result never depends on the order of pools or teams.
import { AireadyValidationError, ProblemCollector, ValidationWarning } from '../errors';
import { Toleration } from '../labels';
import { karpenterNodeOverlays } from '../plan/karpenter-capacity';
import { karpenterNodeRoleName, clusterNameProblem } from '../plan/cluster-names';
import { checkGpuPool } from '../spec/gpu-pool-spec';
import { GpuPool } from '../spec/gpu-pool-types';
import { checkShape } from '../spec/schema';
import {
  CHARTS,
  DEFAULT_KUBERNETES_VERSION,
  KUBEFLOW_PIPELINES,
  KubernetesVersion,
  SUPPORTED_KUBERNETES_VERSIONS,
} from '../versions/version-lock';
import { planAirflow, PlannedAirflow } from './airflow-plan';
import { ArgoWorkflowsSpec, GpuOperatorSpec, KServeSpec, MonitoringSpec, PrometheusSpec } from './component-specs';
import { PLATFORM_SCHEMA } from './platform-schema';
import { PlatformSpec, PlatformValueOverrides } from './platform-spec';
import { KUEUE_CPU_FLAVOR } from './queue-plan';
import { checkTeamsTogether, planTeam, TeamContext, TeamPlan } from './team-plan';
import { TeamSpec } from './team-spec';
import { checkPoolZones } from './zone-checks';

/** Argo Workflows as the platform installs it. */
export interface PlannedArgoWorkflows extends ArgoWorkflowsSpec {
  readonly namespace: string;
  /**
   * Tolerations of every workflow pod: none unless the spec gives some. GPU steps carry their own
   * pool's tolerations (`GpuWorkflowTemplate`); tolerating GPU taints everywhere would let CPU steps
   * land on GPU nodes and keep them alive.
   */
  readonly defaultTolerations: readonly Toleration[];
  /** Install the Argo CRDs; off when Kubeflow Pipelines (their other writer) runs in the cluster. */
  readonly installCrds: boolean;
}

/** The cluster autoscaler as the platform installs it. */
export interface PlannedClusterAutoscaler {
  readonly region: string;
  readonly kubernetesVersion: KubernetesVersion;
  readonly scaleDownGpuUtilizationThreshold?: number;
}

/** Which components run, with their resolved options. */
export interface PlannedComponents {
  readonly gpuOperator: GpuOperatorSpec;
  /** The EFA device plugin: a pool has EFA. */
  readonly efaDevicePlugin: boolean;
  readonly karpenter: boolean;
  /** Karpenter's `nodeOverlay` feature gate: a Karpenter pool needs NodeOverlays to scale from zero. */
  readonly nodeOverlayGate: boolean;
  readonly storageClass: boolean;
  readonly clusterAutoscaler?: PlannedClusterAutoscaler;
  readonly keda: boolean;
  readonly kueue: boolean;
  readonly kubeflowTrainer: boolean;
  readonly kserve?: KServeSpec;
  readonly kubeflowPipelines: boolean;
  readonly argoWorkflows?: PlannedArgoWorkflows;
  readonly monitoring?: MonitoringSpec;
  readonly airflow?: PlannedAirflow;
}

/** A platform, validated, with every default and every cross-cutting decision resolved. */
export interface PlatformPlan {
  readonly clusterName: string;
  readonly kubernetesVersion: KubernetesVersion;
  /** Every pool, normalised once, by name: the order of the spec changes nothing. */
  readonly pools: readonly GpuPool[];
  /** Pools Karpenter provisions. */
  readonly karpenterPools: readonly GpuPool[];
  /** Pools EKS managed node groups provision. */
  readonly managedNodeGroupPools: readonly GpuPool[];
  /** IAM role (name) of Karpenter-launched nodes; the cloud side creates it under this name. */
  readonly nodeRole: string;
  readonly controllerNodeSelector?: Readonly<Record<string, string>>;
  readonly components: PlannedComponents;
  /** The teams of the spec, planned together, by name. */
  readonly teams: readonly TeamPlan[];
  readonly values: PlatformValueOverrides;
  /** Soft issues; the summary lists them. */
  readonly warnings: readonly ValidationWarning[];
}

/** The namespaces the platform's components install into; no team may take one. */
export function platformNamespaces(spec: PlatformSpec): string[] {
  const monitoring = typeof spec.monitoring === 'object' ? spec.monitoring : undefined;
  const prometheus = monitoring?.prometheus && !('existing' in monitoring.prometheus) ? monitoring.prometheus : undefined;
  return [
    ...new Set([
      ...Object.values(CHARTS).map((c) => c.namespace),
      KUBEFLOW_PIPELINES.namespace,
      'argocd',
      spec.argoWorkflows?.namespace ?? CHARTS.argoWorkflows.namespace,
      prometheus?.namespace ?? CHARTS.kubePrometheusStack.namespace,
      ...(spec.airflow?.namespace ? [spec.airflow.namespace] : []),
    ]),
  ].sort();
}

function kubernetesVersion(value: unknown, path: string, problems: ProblemCollector): KubernetesVersion {
  if (value === undefined) return DEFAULT_KUBERNETES_VERSION;
  const text = String(value);
  if ((SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(text)) return text as KubernetesVersion;
  // YAML reads an unquoted 1.30 as the number 1.3.
  const asFloat = SUPPORTED_KUBERNETES_VERSIONS.find((v) => Number(v) === Number(text) && v !== text);
  problems.add({
    path,
    value,
    problem: asFloat
      ? `was read as the number ${text}; an unquoted ${asFloat} in YAML loses its trailing zero`
      : 'outside the supported Kubernetes range',
    fix: asFloat ? `quote it: '${asFloat}'` : `use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`,
  });
  return DEFAULT_KUBERNETES_VERSION;
}

/** What planning a team needs to know of a platform whose pools and components are planned. */
export function teamContext(plan: Pick<PlatformPlan, 'pools' | 'components'>, spec: PlatformSpec): TeamContext {
  return {
    pools: plan.pools,
    kueue: plan.components.kueue,
    argoWorkflows: plan.components.argoWorkflows !== undefined,
    platformNamespaces: platformNamespaces(spec),
  };
}

/** Plans the teams of a platform whose pools are planned: each alone, then all together. */
export function planTeams(
  teams: readonly TeamSpec[],
  plan: Pick<PlatformPlan, 'pools' | 'components'>,
  spec: PlatformSpec,
  path: (index: number) => string,
  problems: ProblemCollector,
): TeamPlan[] {
  const ctx = teamContext(plan, spec);
  const planned = teams.map((t, i) => planTeam(t, ctx, path(i), problems));
  const valid = planned.filter((t): t is TeamPlan => t !== undefined);
  if (valid.length === planned.length) checkTeamsTogether(valid, plan.pools, plan.components.kueue, path, problems);
  return valid;
}

/**
 * Plans a whole platform. Throws one `AireadyValidationError` listing every problem: the shape of
 * the input first (types at every depth, unknown keys), then every rule of every pool, team and
 * component. `scope` names the platform in the error (a construct path, a stack config).
 */
export function planPlatform(spec: PlatformSpec, scope = 'platform'): PlatformPlan {
  const problems = new ProblemCollector(scope);
  const shape: Parameters<typeof checkShape>[3] = [];
  if (!checkShape(PLATFORM_SCHEMA, spec, '', shape)) {
    for (const p of shape) problems.add(p);
    problems.throwIfAny();
  }
  const nameProblem = clusterNameProblem('clusterName', spec.clusterName);
  if (nameProblem) problems.add(nameProblem);
  if (spec.pools.length === 0) {
    problems.add({
      path: 'pools',
      value: spec.pools,
      problem: 'an AI platform needs at least one GPU pool',
      fix: "add a pool, e.g. { name: 'l4', instanceTypes: ['g6.xlarge'] }",
    });
  }
  const seen = new Map<string, number>();
  const pools: GpuPool[] = [];
  spec.pools.forEach((poolSpec, i) => {
    const first = seen.get(poolSpec.name);
    if (first !== undefined) {
      problems.add({
        path: `pools[${i}].name`,
        value: poolSpec.name,
        problem: `the same name as pools[${first}]`,
        fix: 'give every pool a unique name',
      });
    } else seen.set(poolSpec.name, i);
    const pool = checkGpuPool(poolSpec, `pools[${i}]`, problems);
    if (pool) pools.push(pool);
  });
  checkPoolZones(spec.pools, spec.region, problems);
  // Everything downstream lists pools by name, so declaration order never shows.
  pools.sort((a, b) => a.name.localeCompare(b.name));
  const version = kubernetesVersion(spec.kubernetesVersion, 'kubernetesVersion', problems);
  const warnings: ValidationWarning[] = pools.flatMap((p) => p.warnings);
  const managed = pools.filter((p) => p.provisioner === 'managed-node-group');
  const monitoring = spec.monitoring === false ? undefined : spec.monitoring === true ? {} : (spec.monitoring ?? {});
  if (monitoring && spec.gpuOperator?.dcgmServiceMonitor) {
    problems.add({
      path: 'gpuOperator.dcgmServiceMonitor',
      value: true,
      problem:
        "the platform's GPU monitoring already defines a ServiceMonitor for the DCGM exporter; two would scrape every GPU twice",
      fix: 'leave dcgmServiceMonitor unset, or set monitoring: false',
    });
  }

  // The workflow engine: 'kubeflow' is Kubeflow Pipelines (with its own Argo) and Trainer.
  const engine = spec.workflows ?? 'argo-workflows';
  if (engine === 'kubeflow') {
    for (const key of ['kubeflowPipelines', 'kubeflowTrainer'] as const) {
      if (spec[key] === false) {
        problems.add({
          path: key,
          value: false,
          problem: `contradicts workflows: kubeflow, which runs ${key === 'kubeflowTrainer' ? 'training through Kubeflow Trainer' : 'Kubeflow Pipelines'}`,
          fix: `remove ${key}, or choose another workflows value`,
        });
      }
    }
  }
  const kubeflowPipelines = engine === 'kubeflow' || spec.kubeflowPipelines === true;
  const kfpInCluster = kubeflowPipelines || spec.kubeflowPipelinesInCluster === true;
  let argoWorkflows: PlannedArgoWorkflows | undefined;
  if (engine === 'argo-workflows') {
    if (kfpInCluster && !spec.argoWorkflows?.instanceId && !spec.argoWorkflows?.namespaced) {
      problems.add({
        path: 'argoWorkflows',
        value: spec.argoWorkflows ?? {},
        problem:
          "is a second cluster-wide Argo Workflows controller next to Kubeflow Pipelines' own: both would run every workflow",
        fix: "scope it apart with argoWorkflows.instanceId (e.g. 'platform') or argoWorkflows.namespaced: true, or set workflows: 'none' and use the one KFP brings",
      });
    }
    argoWorkflows = {
      ...spec.argoWorkflows,
      namespace: spec.argoWorkflows?.namespace ?? CHARTS.argoWorkflows.namespace,
      // Opt-in per step: GPU steps tolerate their own pool's taints (GpuWorkflowTemplate).
      defaultTolerations: spec.argoWorkflows?.defaultTolerations ?? [],
      // Kubeflow Pipelines applies the Argo CRDs (v4) itself; one writer, or they fight.
      installCrds: !kfpInCluster,
    };
  } else if (spec.argoWorkflows !== undefined) {
    problems.add({
      path: 'argoWorkflows',
      value: spec.argoWorkflows,
      problem: `configures Argo Workflows, which workflows: '${engine}' does not install`,
      fix: "remove argoWorkflows, or set workflows: 'argo-workflows'",
    });
  }

  let clusterAutoscaler: PlannedClusterAutoscaler | undefined;
  const caSpec = spec.clusterAutoscaler === false ? undefined : spec.clusterAutoscaler;
  const region = caSpec?.region ?? spec.region;
  if (
    caSpec?.kubernetesVersion !== undefined &&
    spec.kubernetesVersion !== undefined &&
    String(caSpec.kubernetesVersion) !== String(spec.kubernetesVersion)
  ) {
    problems.add({
      path: 'clusterAutoscaler.kubernetesVersion',
      value: caSpec.kubernetesVersion,
      problem: `differs from the cluster's kubernetesVersion (${String(spec.kubernetesVersion)}); the autoscaler's image must match the cluster`,
      fix: 'remove clusterAutoscaler.kubernetesVersion',
    });
  }
  if (spec.clusterAutoscaler !== false && (caSpec !== undefined || managed.length > 0)) {
    if (region === undefined) {
      if (caSpec !== undefined) {
        problems.add({
          path: 'clusterAutoscaler.region',
          value: undefined,
          problem: 'the cluster autoscaler needs the AWS region',
          fix: "give region (of the platform or of clusterAutoscaler), e.g. 'us-east-1'",
        });
      } else {
        warnings.push({
          path: 'clusterAutoscaler',
          message: `pools ${managed.map((p) => p.name).join(', ')} are managed node groups but no cluster autoscaler is configured; they scale only by hand`,
        });
      }
    } else {
      clusterAutoscaler = {
        region,
        kubernetesVersion:
          caSpec?.kubernetesVersion !== undefined
            ? kubernetesVersion(caSpec.kubernetesVersion, 'clusterAutoscaler.kubernetesVersion', problems)
            : version,
        ...(caSpec?.scaleDownGpuUtilizationThreshold !== undefined
          ? { scaleDownGpuUtilizationThreshold: caSpec.scaleDownGpuUtilizationThreshold }
          : {}),
      };
    }
  }
  if (monitoring?.prometheus && 'existing' in monitoring.prometheus) {
    warnings.push({
      path: 'monitoring.prometheus.existing',
      message: `the existing Prometheus must select ${JSON.stringify(monitoring.prometheus.existing.selectorLabels)} and its kube-state-metrics must export the node labels aiready.dev/pool and node.kubernetes.io/instance-type and the namespace label aiready.dev/team`,
    });
  } else if (monitoring && !(monitoring.prometheus as PrometheusSpec | undefined)?.receivers?.length) {
    warnings.push({
      path: 'monitoring.prometheus.receivers',
      message: 'Alertmanager has no receivers: GPU alerts reach no one. Give receivers (Secret references) and routes',
    });
  }

  const components: PlannedComponents = {
    gpuOperator: spec.gpuOperator ?? {},
    efaDevicePlugin: pools.some((p) => p.efaInterfaces > 0),
    karpenter: spec.karpenter ?? pools.some((p) => p.provisioner === 'karpenter'),
    nodeOverlayGate: pools.some((p) => karpenterNodeOverlays(p).length > 0),
    storageClass: spec.storageClass ?? true,
    ...(clusterAutoscaler ? { clusterAutoscaler } : {}),
    keda: spec.keda ?? false,
    kueue: spec.kueue ?? false,
    kubeflowTrainer: engine === 'kubeflow' || spec.kubeflowTrainer === true,
    ...(spec.kserve ? { kserve: spec.kserve } : {}),
    kubeflowPipelines,
    ...(argoWorkflows ? { argoWorkflows } : {}),
    ...(monitoring ? { monitoring } : {}),
  };
  if (components.kueue) {
    spec.pools.forEach((p, i) => {
      if (p.name === KUEUE_CPU_FLAVOR)
        problems.add({
          path: `pools[${i}].name`,
          value: p.name,
          problem: `is the name of the Kueue flavor that counts CPU and memory; the pool's flavor would replace it`,
          fix: "name the pool after its GPUs, e.g. 'l4-inference'",
        });
    });
  }
  const teams = planTeams(spec.teams ?? [], { pools, components }, spec, (i) => `teams[${i}]`, problems);
  const airflow = planAirflow(
    spec.airflow,
    {
      pools,
      teams,
      environment: spec.environment ?? 'dev',
      monitoring: monitoring !== undefined,
      teamPath: (t) => `teams[${(spec.teams ?? []).indexOf(t.spec)}]`,
      rawValues: spec.values?.airflow,
    },
    problems,
    warnings,
  );
  problems.throwIfAny();
  if (pools.length !== spec.pools.length) throw new AireadyValidationError(scope, problems.problems);
  // Everything downstream lists teams (like pools) by name, so declaration order never shows.
  teams.sort((a, b) => a.namespace.localeCompare(b.namespace));
  return {
    clusterName: spec.clusterName,
    kubernetesVersion: version,
    pools,
    karpenterPools: pools.filter((p) => p.provisioner === 'karpenter'),
    managedNodeGroupPools: managed,
    nodeRole: spec.nodeRole ?? karpenterNodeRoleName(spec.clusterName),
    ...(spec.controllerNodeSelector ? { controllerNodeSelector: spec.controllerNodeSelector } : {}),
    components: airflow ? { ...components, airflow } : components,
    teams,
    values: spec.values ?? {},
    warnings,
  };
}
