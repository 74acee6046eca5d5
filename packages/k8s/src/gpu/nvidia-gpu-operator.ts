import { AireadyValidationError, CHARTS, dcgmMetricsCsv, POOL_LABEL, tolerationsFor } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { componentLabels } from '../private/metadata';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { IGpuPool } from './gpu-node-pool';
import type { PlatformComponent } from '../platform/platform-component';
import {
  checkGpuOperatorOptions,
  checkMergedOperatorValues,
  DCGM_METRICS_CONFIG_MAP,
  DCGM_METRICS_FILE,
  GpuOperatorOptions,
  planGpuOperatorValues,
} from './gpu-operator-plan';
import {
  DEVICE_PLUGIN_CONFIG_MAP,
  MIG_PARTED_CONFIG_MAP,
  planDevicePluginConfigMap,
  planMigPartedConfig,
} from './gpu-sharing-plan';

export interface NvidiaGpuOperatorProps extends GpuOperatorOptions {
  /** The GPU pools the operator serves; driver settings, tolerations and sharing come from them. At least one. */
  readonly pools: readonly IGpuPool[];
  /**
   * Namespace of the operator. aiready creates it with Pod Security `privileged`, which the
   * operator's DaemonSets need; nothing else goes there.
   * @default 'gpu-operator'
   */
  readonly namespace?: string;
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
 * The NVIDIA GPU operator (chart gpu-operator, version from the version lock), configured from the
 * pools it serves: AMI-aware driver settings, tolerations that match every pool taint, per-pool
 * sharing config maps, and a DCGM exporter with pod labels and the metrics aiready's alerts use.
 */
export class NvidiaGpuOperator extends Construct {
  public readonly namespace: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, props: NvidiaGpuOperatorProps) {
    super(scope, id);
    if (props.pools.length === 0) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'pools',
          value: [],
          problem: 'the GPU operator serves no pool',
          fix: 'pass the GpuNodePools whose nodes it runs on',
        },
      ]);
    }
    this.namespace = props.namespace ?? CHARTS.gpuOperator.namespace;
    const pools = props.pools.map((p) => p.pool);
    const { driverEnabled } = checkGpuOperatorOptions(this.node.path, pools, props);
    const labels = componentLabels('gpu-operator');
    this.namespaceObject = ownedNamespace(this, this.namespace, 'gpu-operator', 'privileged');

    const devicePluginData = planDevicePluginConfigMap(pools);
    if (devicePluginData) {
      new kplus.k8s.KubeConfigMap(this, 'DevicePluginConfig', {
        metadata: { name: DEVICE_PLUGIN_CONFIG_MAP, namespace: this.namespace, labels },
        data: devicePluginData,
      });
    }
    const migParted = planMigPartedConfig(pools);
    if (migParted) {
      new kplus.k8s.KubeConfigMap(this, 'MigPartedConfig', {
        metadata: { name: MIG_PARTED_CONFIG_MAP, namespace: this.namespace, labels },
        // The MIG manager reads the key config.yaml.
        data: { 'config.yaml': migParted },
      });
    }
    new kplus.k8s.KubeConfigMap(this, 'DcgmMetrics', {
      metadata: { name: DCGM_METRICS_CONFIG_MAP, namespace: this.namespace, labels },
      data: { [DCGM_METRICS_FILE]: dcgmMetricsCsv() },
    });
    for (const [poolName, version] of Object.entries(props.driver?.perPool ?? {}).sort()) {
      const pool = pools.find((p) => p.name === poolName)!;
      new ApiObject(this, `Driver-${poolName}`, {
        apiVersion: 'nvidia.com/v1alpha1',
        kind: 'NVIDIADriver',
        metadata: { name: `aiready-${poolName}`, labels },
        spec: {
          // Not the cluster default: each object serves only its pool's nodes.
          default: false,
          driverType: 'gpu',
          image: 'driver',
          repository: 'nvcr.io/nvidia',
          version,
          nodeSelector: { [POOL_LABEL]: poolName },
          tolerations: tolerationsFor(pool.taints),
        },
      });
    }

    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.gpuOperator,
      component: 'gpu-operator',
      namespace: this.namespace,
      values: planGpuOperatorValues(pools, props, driverEnabled),
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
    checkMergedOperatorValues(this.node.path, pools, this.release.spec.values);
  }
}

/** The GPU operator in the platform, serving every pool. */
export const GPU_OPERATOR_COMPONENT: PlatformComponent<NvidiaGpuOperator> = {
  id: 'gpu-operator',
  build: ({ scope, plan, pools }) =>
    new NvidiaGpuOperator(scope, 'gpu-operator', { ...plan.components.gpuOperator, pools, values: plan.values.gpuOperator }),
};
