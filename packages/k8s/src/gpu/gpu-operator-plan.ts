// Pure planning of the NVIDIA GPU operator's chart values from the pools it serves.
import { GpuPool, MIG_DISABLED_LAYOUT, tolerationsFor } from '@aiready/core';
import { Values } from '../private/merge';
import {
  DEFAULT_DEVICE_PLUGIN_ENTRY,
  DEVICE_PLUGIN_CONFIG_MAP,
  MIG_PARTED_CONFIG_MAP,
  planDevicePluginConfigMap,
  planMigPartedConfig,
} from './gpu-sharing-plan';

/** Options of the operator values that do not come from the pools. */
export interface GpuOperatorPlanOptions {
  /**
   * Whether the operator's own dcgm-exporter ServiceMonitor is created. aiready's `GpuMonitoring`
   * defines its own (with pod-label mapping and the platform's Prometheus selector labels), so it is
   * off by default to avoid scraping twice.
   */
  readonly dcgmServiceMonitor: boolean;
}

/**
 * The gpu-operator chart values for a set of pools.
 *
 * - Driver and container toolkit are off when every pool's AMI ships them (the EKS AL2023 and
 *   Bottlerocket NVIDIA AMIs do); installing them again breaks nodes and cannot upgrade.
 * - Every GPU DaemonSet and the NFD worker tolerate the pools' actual taints, derived here, never
 *   hard-coded: a toleration that misses a taint leaves the DaemonSet at zero pods.
 * - Bottlerocket pools switch the operator's device plugin and MIG manager off through node labels
 *   (`nvidia.com/gpu.deploy.*`, set by the pool), since Bottlerocket runs its own device plugin.
 * - Sharing: the device plugin and MIG manager read aiready's config maps (`config.name`, never only
 *   `config.default`, the mistake that silently disables time-slicing); each pool's nodes pick their
 *   entry through the `nvidia.com/device-plugin.config` and `nvidia.com/mig.config` labels.
 */
export function planGpuOperatorValues(pools: readonly GpuPool[], options: GpuOperatorPlanOptions): Values {
  const tolerations = tolerationsFor(pools.flatMap((p) => p.taints));
  const driverPreinstalled = pools.every((p) => p.amiFamily.preinstalled.driver);
  const toolkitPreinstalled = pools.every((p) => p.amiFamily.preinstalled.containerToolkit);
  const sharedConfig = planDevicePluginConfigMap(pools) !== undefined;
  const migConfig = planMigPartedConfig(pools) !== undefined;
  const mixed = pools.some((p) => p.sharing.migStrategy === 'mixed');
  return {
    operator: { defaultRuntime: 'containerd' },
    driver: { enabled: !driverPreinstalled },
    toolkit: { enabled: !toolkitPreinstalled },
    devicePlugin: {
      enabled: true,
      ...(sharedConfig
        ? { config: { name: DEVICE_PLUGIN_CONFIG_MAP, default: DEFAULT_DEVICE_PLUGIN_ENTRY, create: false } }
        : {}),
    },
    gfd: { enabled: true },
    mig: { strategy: mixed ? 'mixed' : 'single' },
    migManager: {
      enabled: true,
      ...(migConfig ? { config: { name: MIG_PARTED_CONFIG_MAP, default: MIG_DISABLED_LAYOUT, create: false } } : {}),
    },
    cdi: { enabled: true },
    nfd: { enabled: true },
    dcgm: { enabled: false },
    dcgmExporter: { enabled: true, serviceMonitor: { enabled: options.dcgmServiceMonitor } },
    daemonsets: { tolerations, priorityClassName: 'system-node-critical' },
    'node-feature-discovery': { worker: { tolerations } },
  };
}
