import {
  AireadyValidationError,
  DO_NOT_DISRUPT_ANNOTATION,
  GpuPool,
  GpuPoolSpec,
  karpenterNodeOverlays,
  karpenterNodeRoleName,
  normalizeGpuPool,
  POOL_LABEL,
  tolerationsFor,
  Toleration,
} from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Ec2NodeClass } from '../imports/karpenter.k8s.aws';
import { NodeOverlay, NodeOverlaySpecCapacity, NodeOverlaySpecRequirementsOperator, NodePool } from '../imports/karpenter.sh';
import { componentLabels } from '../private/metadata';
import { NodeClassTarget, planNodeClass, planNodePool } from './karpenter-plan';

/** Props of {@link GpuNodePool}: the pool spec plus where its nodes join. */
export interface GpuNodePoolProps extends GpuPoolSpec {
  /** EKS cluster name; Karpenter discovers subnets and security groups tagged `karpenter.sh/discovery=<clusterName>`. */
  readonly clusterName: string;
  /**
   * IAM role (name) the nodes run with.
   * @default - `KarpenterNodeRole-<clusterName>`
   */
  readonly nodeRole?: string;
}

/** A pool already planned (`planPlatform`), and where its nodes join. */
export interface PlannedGpuNodePoolProps {
  /** The normalised pool. */
  readonly pool: GpuPool;
  readonly clusterName: string;
  /**
   * IAM role (name) the nodes run with.
   * @default - `KarpenterNodeRole-<clusterName>`
   */
  readonly nodeRole?: string;
}

/** The normalised pool of props that hold either a spec or a planned pool. */
function poolOf(props: GpuPoolSpec | { readonly pool: GpuPool }, scope: string): GpuPool {
  if ('pool' in props && typeof props.pool === 'object' && props.pool !== null) return props.pool;
  // Where the nodes join is not part of the pool spec.
  const { clusterName: _cluster, nodeRole: _role, ...spec } = props as GpuNodePoolProps;
  return normalizeGpuPool(spec, scope);
}

/** A GPU pool other constructs can target. */
export interface IGpuPool {
  /** The validated pool. */
  readonly pool: GpuPool;
  /** Tolerations a pod needs to run on this pool. */
  readonly tolerations: readonly Toleration[];
  /** Node selector that pins a pod to this pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Lets `workload` run on this pool (tolerations, pool affinity; do-not-disrupt on training pools). */
  schedule(workload: kplus.Pod | kplus.Workload): void;
}

/** What every GPU pool offers workloads, whoever provisions its nodes. */
abstract class GpuPoolBase extends Construct implements IGpuPool {
  public abstract readonly pool: GpuPool;

  public get tolerations(): readonly Toleration[] {
    return tolerationsFor(this.pool.taints);
  }

  public get nodeSelector(): Readonly<Record<string, string>> {
    return { [POOL_LABEL]: this.pool.name };
  }

  /**
   * Lets `workload` run on this pool: tolerates the pool's taints and requires its pool label. On
   * training pools it also marks the pods `karpenter.sh/do-not-disrupt`, so no voluntary disruption
   * (consolidation, drift) stops a running job.
   */
  public schedule(workload: kplus.Pod | kplus.Workload): void {
    if (this.pool.purpose === 'training') {
      const meta = workload instanceof kplus.Pod ? workload.metadata : (workload as kplus.Workload).podMetadata;
      meta.addAnnotation(DO_NOT_DISRUPT_ANNOTATION, 'true');
    }
    for (const t of this.pool.taints) {
      workload.scheduling.tolerate(
        kplus.Node.tainted(kplus.NodeTaintQuery.exists(t.key, { effect: t.effect as kplus.TaintEffect })),
      );
    }
    workload.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(POOL_LABEL, this.pool.name)));
  }
}

/** A pool whose nodes an EKS managed node group provisions (see `GpuNodeGroup` in @aiready/pulumi). */
class ManagedGpuPool extends GpuPoolBase {
  public readonly pool: GpuPool;

  constructor(scope: Construct, id: string, spec: GpuPoolSpec | { readonly pool: GpuPool }) {
    super(scope, id);
    this.pool = poolOf(spec, this.node.path);
    if (this.pool.provisioner !== 'managed-node-group') {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'provisioner',
          value: this.pool.provisioner,
          problem: 'fromManagedNodeGroup needs a pool provisioned by a managed node group',
          fix: "set provisioner: 'managed-node-group', or define the pool with new GpuNodePool(...)",
        },
      ]);
    }
  }
}

/**
 * A GPU node pool provisioned by Karpenter: a `NodePool` and its `EC2NodeClass`, and for a pool that
 * shares its GPUs (MIG, time-slicing, MPS) the `NodeOverlay`s that tell Karpenter what its nodes will
 * advertise, so a pod asking for a slice or a share can start the pool from zero. NodeOverlays need
 * Karpenter's alpha `nodeOverlay` feature gate (`AiPlatform` turns it on when a pool needs it; with
 * your own Karpenter, set `settings.featureGates.nodeOverlay: true`); without it such a pod stays
 * Pending until some node of the pool already runs.
 *
 * Nodes carry the `nvidia.com/gpu=true:NoSchedule` taint and the `aiready.dev/pool` label; use
 * {@link GpuNodePool.schedule} to place a workload on the pool without repeating either.
 */
export class GpuNodePool extends GpuPoolBase {
  /**
   * A pool whose nodes an EKS managed node group provisions: it emits no Karpenter objects, but
   * workloads and the GPU operator target it the same way.
   */
  public static fromManagedNodeGroup(scope: Construct, id: string, spec: GpuPoolSpec | { readonly pool: GpuPool }): IGpuPool {
    return new ManagedGpuPool(scope, id, spec);
  }

  public readonly pool: GpuPool;
  /** The Karpenter NodePool (escape hatch: `addJsonPatch`). */
  public readonly nodePool: ApiObject;
  /** The Karpenter EC2NodeClass (escape hatch: `addJsonPatch`). */
  public readonly nodeClass: ApiObject;
  /** The NodeOverlays giving the pool's instance types their shared GPU capacity (none without sharing). */
  public readonly nodeOverlays: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: GpuNodePoolProps | PlannedGpuNodePoolProps) {
    super(scope, id);
    this.pool = poolOf(props, this.node.path);
    if (this.pool.provisioner !== 'karpenter') {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'provisioner',
          value: this.pool.provisioner,
          problem: 'a GpuNodePool is provisioned by Karpenter; a managed node group would scale the same pool twice',
          fix: "use GpuNodePool.fromManagedNodeGroup(...) for managed node group pools, or set provisioner: 'karpenter'",
        },
      ]);
    }
    const target: NodeClassTarget = {
      clusterName: props.clusterName,
      nodeRole: props.nodeRole ?? karpenterNodeRoleName(props.clusterName),
    };
    const metadata = { name: this.pool.name, labels: componentLabels('gpu-node-pool') };
    this.nodeClass = new Ec2NodeClass(this, 'NodeClass', { metadata, spec: planNodeClass(this.pool, target) });
    this.nodePool = new NodePool(this, 'Resource', { metadata, spec: planNodePool(this.pool) });
    this.nodeOverlays = karpenterNodeOverlays(this.pool).map(
      (o) =>
        new NodeOverlay(this, `Overlay-${o.name}`, {
          metadata: { name: o.name, labels: metadata.labels },
          spec: {
            requirements: o.requirements.map((r) => ({
              key: r.key,
              operator: NodeOverlaySpecRequirementsOperator.IN,
              values: [...r.values],
            })),
            capacity: Object.fromEntries(Object.entries(o.capacity).map(([k, v]) => [k, NodeOverlaySpecCapacity.fromNumber(v)])),
          },
        }),
    );
  }
}
