import {
  AireadyValidationError,
  CHARTS,
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  ClusterAutoscalerSpec,
  DEFAULT_KUBERNETES_VERSION,
  GpuPool,
  kubernetesVersionProblem,
  ValidationProblem,
} from '@aiready/core';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { Values } from '../private/merge';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';

/** The service account the cluster autoscaler runs as (its Pod Identity association names it). */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

/** Expander priority of each capacity type: use reservations first, then spot, then on-demand. */
const CAPACITY_PRIORITY: Record<GpuPool['capacityType'], number> = { reserved: 30, spot: 20, 'on-demand': 10 };

/**
 * The priority expander's priorities (higher wins) from the pools: a pool's managed node group is
 * named after the pool, and its Auto Scaling group is `eks-<nodegroup>-<uuid>`. Everything else
 * (e.g. the system group) falls back to priority 1.
 */
export function planExpanderPriorities(pools: readonly GpuPool[]): Record<string, string[]> {
  const out: Record<string, string[]> = { 1: ['.*'] };
  for (const p of pools) {
    const priority = p.weight ?? CAPACITY_PRIORITY[p.capacityType];
    out[priority] = [...(out[priority] ?? []), `^eks-${p.name}-.*`];
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Props of `ClusterAutoscaler`. */
export interface ClusterAutoscalerProps extends ClusterAutoscalerSpec {
  /** EKS cluster name (auto-discovery by the ASG tags GpuNodeGroup sets). */
  readonly clusterName: string;
  /** The managed node group pools it scales. Karpenter pools are refused (they would be scaled twice). */
  readonly pools: readonly IGpuPool[];
  /**
   * Raw chart values deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm release is installed.
   * @default - the enclosing platform's, else ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * The cluster autoscaler (chart from the version lock) for pools provisioned by EKS managed node
 * groups: auto-discovery by tags, the image of the cluster's minor, expanders `priority` then
 * `least-waste` with priorities from the pools (reserved > spot > on-demand, or the pool weight), a
 * GPU scale-down threshold, and DaemonSet usage ignored so a GPU node with only DaemonSets left is
 * removed. Scale-from-zero comes from the node-template tags on each group's ASG.
 */
export class ClusterAutoscaler extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const version = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const threshold = props.scaleDownGpuUtilizationThreshold ?? 0.5;
    const pools = props.pools.map((p) => p.pool);
    const problems: ValidationProblem[] = [];
    for (const p of pools.filter((x) => x.provisioner !== 'managed-node-group')) {
      problems.push({
        path: 'pools',
        value: p.name,
        problem: `pool '${p.name}' is provisioned by Karpenter; the cluster autoscaler would claim it too`,
        fix: 'give the cluster autoscaler only managed-node-group pools',
      });
    }
    const versionProblem = kubernetesVersionProblem('kubernetesVersion', version);
    if (versionProblem) problems.push(versionProblem);
    if (!(threshold > 0 && threshold < 1)) {
      problems.push({
        path: 'scaleDownGpuUtilizationThreshold',
        value: threshold,
        problem: 'must be a ratio between 0 and 1',
        fix: 'use e.g. 0.5',
      });
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      problems.push({ path: 'region', value: props.region, problem: 'not an AWS region', fix: "use e.g. 'us-east-1'" });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.clusterAutoscaler,
      component: 'cluster-autoscaler',
      values: {
        cloudProvider: 'aws',
        awsRegion: props.region,
        autoDiscovery: { clusterName: props.clusterName },
        image: { tag: CLUSTER_AUTOSCALER_IMAGE_TAGS[version] },
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
        expanderPriorities: planExpanderPriorities(pools),
        extraArgs: {
          expander: 'priority,least-waste',
          'balance-similar-node-groups': true,
          'scale-down-gpu-utilization-threshold': threshold,
          'ignore-daemonsets-utilization': true,
          'skip-nodes-with-local-storage': false,
        },
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
  }
}

/** The cluster autoscaler in the platform, for the pools of managed node groups. */
export const CLUSTER_AUTOSCALER_COMPONENT: PlatformComponent<ClusterAutoscaler> = {
  id: 'cluster-autoscaler',
  build: ({ scope, plan, pools }) =>
    plan.components.clusterAutoscaler
      ? new ClusterAutoscaler(scope, 'cluster-autoscaler', {
          ...plan.components.clusterAutoscaler,
          clusterName: plan.clusterName,
          pools: pools.filter((p) => p.pool.provisioner === 'managed-node-group'),
          values: plan.values.clusterAutoscaler,
        })
      : undefined,
};
