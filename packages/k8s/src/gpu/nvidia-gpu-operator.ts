import { AireadyValidationError, CHARTS } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { planGpuOperatorValues } from './gpu-operator-plan';
import {
  DEVICE_PLUGIN_CONFIG_MAP,
  MIG_PARTED_CONFIG_MAP,
  planDevicePluginConfigMap,
  planMigPartedConfig,
} from './gpu-sharing-plan';
import { componentLabels } from '../private/metadata';
import * as kplus from 'cdk8s-plus-28';
import { IGpuPool } from './gpu-node-pool';

export interface NvidiaGpuOperatorProps {
  /** The GPU pools the operator serves; driver settings and tolerations are derived from them. At least one. */
  readonly pools: readonly IGpuPool[];
  /**
   * Namespace of the operator. aiready creates it with Pod Security `privileged`, which the
   * operator's DaemonSets need; nothing else goes there.
   * @default 'gpu-operator'
   */
  readonly namespace?: string;
  /**
   * Create the operator's own dcgm-exporter ServiceMonitor.
   * @default false - aiready's GpuMonitoring defines the ServiceMonitor
   */
  readonly dcgmServiceMonitor?: boolean;
  /**
   * Raw chart values deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm release is installed.
   * @default ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * The NVIDIA GPU operator (chart gpu-operator, version from the version lock), configured from the
 * pools it serves: AMI-aware driver settings and tolerations that match every pool taint.
 */
export class NvidiaGpuOperator extends Construct {
  public readonly namespace: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, props: NvidiaGpuOperatorProps) {
    super(scope, id);
    this.namespace = props.namespace ?? CHARTS.gpuOperator.namespace;
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
    const pools = props.pools.map((p) => p.pool);
    this.namespaceObject = ownedNamespace(this, this.namespace, 'gpu-operator', 'privileged');
    const devicePluginData = planDevicePluginConfigMap(pools);
    const migParted = planMigPartedConfig(pools);
    const labels = componentLabels('gpu-operator');
    if (devicePluginData) {
      new kplus.k8s.KubeConfigMap(this, 'DevicePluginConfig', {
        metadata: { name: DEVICE_PLUGIN_CONFIG_MAP, namespace: this.namespace, labels },
        data: devicePluginData,
      });
    }
    if (migParted) {
      new kplus.k8s.KubeConfigMap(this, 'MigPartedConfig', {
        metadata: { name: MIG_PARTED_CONFIG_MAP, namespace: this.namespace, labels },
        // The MIG manager reads the key config.yaml.
        data: { 'config.yaml': migParted },
      });
    }
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.gpuOperator,
      component: 'gpu-operator',
      namespace: this.namespace,
      values: planGpuOperatorValues(pools, { dcgmServiceMonitor: props.dcgmServiceMonitor ?? false }),
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.argoCd(),
    });
    const devicePlugin = this.release.spec.values.devicePlugin as { enabled?: boolean } | undefined;
    const sharing = pools.filter((p) => p.sharing.mode === 'time-slicing' || p.sharing.mode === 'mps');
    if (devicePlugin?.enabled === false && sharing.length) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'values.devicePlugin.enabled',
          value: false,
          problem: `pools ${sharing.map((p) => p.name).join(', ')} share GPUs, which only the operator's device plugin can configure`,
          fix: 'keep devicePlugin.enabled, or remove sharing from those pools',
        },
      ]);
    }
  }
}
