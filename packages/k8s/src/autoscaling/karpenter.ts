import { AireadyValidationError, CHARTS, isDnsLabel } from '@aiready/core';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';
import { CpuNodePool } from './cpu-node-pool';

/** Props of `Karpenter`. */
export interface KarpenterProps {
  /** EKS cluster name (`settings.clusterName`). */
  readonly clusterName: string;
  /**
   * Name of the SQS queue that receives spot interruption and instance state events.
   * @default - the cluster name (the convention of Karpenter's getting-started guide and of aiready's Pulumi side)
   */
  readonly interruptionQueue?: string;
  /**
   * Namespace of the controller.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Karpenter feature gates. `nodeOverlay` (alpha) lets the NodeOverlays of pools that share their
   * GPUs give Karpenter the slices and shares their nodes will advertise, so those pools scale from zero.
   * @default - spotToSpotConsolidation off (replacing a spot node with a cheaper one interrupts its pods), the chart's other defaults
   */
  readonly featureGates?: Readonly<
    Partial<Record<'spotToSpotConsolidation' | 'nodeRepair' | 'reservedCapacity' | 'staticCapacity' | 'nodeOverlay', boolean>>
  >;
  /**
   * Node selector of the controller, e.g. the system node group's label. Karpenter must not run on
   * nodes it manages (its default affinity already keeps it off them).
   * @default - none
   */
  readonly controllerNodeSelector?: Readonly<Record<string, string>>;
  /**
   * Controller replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Raw values of the karpenter chart, deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm releases are installed.
   * @default - the enclosing platform's, else ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * Karpenter: the `karpenter-crd` chart (CRDs in templates, so upgrades reach them) installed before
 * the `karpenter` controller chart, both from the version lock. The controller chart's own copy of the
 * CRDs (its crds/ folder) is skipped.
 */
export class Karpenter extends Construct {
  /** Namespace of the controller. */
  public readonly namespace: string;
  public readonly crds: HelmRelease;
  public readonly controller: HelmRelease;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const replicas = props.replicas ?? 2;
    const problems = [];
    if (!isDnsLabel(props.clusterName, 100)) {
      problems.push({
        path: 'clusterName',
        value: props.clusterName,
        problem: 'not a valid EKS cluster name',
        fix: "use letters, digits and '-', e.g. 'ai-prod'",
      });
    }
    if (!Number.isInteger(replicas) || replicas < 1) {
      problems.push({
        path: 'replicas',
        value: replicas,
        problem: 'must be a whole number of at least 1',
        fix: 'set replicas: 2',
      });
    }
    if (props.interruptionQueue !== undefined && !/^[A-Za-z0-9_-]{1,80}$/.test(props.interruptionQueue)) {
      problems.push({
        path: 'interruptionQueue',
        value: props.interruptionQueue,
        problem: 'not an SQS queue name; interruption handling would watch nothing',
        fix: "use the queue's name (1 to 80 letters, digits, '-' or '_'), e.g. the cluster name",
      });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const namespace = props.namespace ?? CHARTS.karpenter.namespace;
    this.namespace = namespace;
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.of(this);
    this.crds = new HelmRelease(this, 'Crds', {
      pin: CHARTS.karpenterCrd,
      component: 'karpenter',
      namespace,
      values: {},
      materializer,
    });
    this.controller = new HelmRelease(this, 'Release', {
      pin: CHARTS.karpenter,
      component: 'karpenter',
      namespace,
      values: {
        replicas,
        settings: {
          clusterName: props.clusterName,
          interruptionQueue: props.interruptionQueue ?? props.clusterName,
          featureGates: { spotToSpotConsolidation: false, ...props.featureGates },
        },
        ...(props.controllerNodeSelector ? { nodeSelector: { ...props.controllerNodeSelector } } : {}),
        // Karpenter's docs run the controller with requests equal to limits.
        controller: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
        podDisruptionBudget: { name: 'karpenter', maxUnavailable: 1 },
      },
      overrides: props.values,
      // The CRD chart is installed first (wave -1) and owns the CRDs: the controller chart's copies in
      // crds/ are skipped, else two releases apply them and deleting either deletes every NodePool.
      wave: 0,
      skipCrds: true,
      materializer,
    });
  }
}

/**
 * Karpenter in the platform, with a default CPU NodePool next to the GPU pools, and the `nodeOverlay`
 * feature gate on when a pool that shares its GPUs needs NodeOverlays.
 */
export const KARPENTER_COMPONENT: PlatformComponent<Karpenter> = {
  id: 'karpenter',
  build: ({ scope, plan }) => {
    if (!plan.components.karpenter) return undefined;
    new CpuNodePool(scope, 'cpu-pool', { clusterName: plan.clusterName, nodeRole: plan.nodeRole });
    return new Karpenter(scope, 'karpenter', {
      clusterName: plan.clusterName,
      // Shared GPU pools scale from zero only through their NodeOverlays.
      ...(plan.components.nodeOverlayGate ? { featureGates: { nodeOverlay: true } } : {}),
      ...(plan.controllerNodeSelector ? { controllerNodeSelector: plan.controllerNodeSelector } : {}),
      values: plan.values.karpenter,
    });
  },
};
