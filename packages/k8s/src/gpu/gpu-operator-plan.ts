// Pure planning of the NVIDIA GPU operator's chart values from the pools it serves.
import { GpuPool, tolerationsFor } from '@aiready/core';
import { Values } from '../private/merge';

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
 */
export function planGpuOperatorValues(pools: readonly GpuPool[], options: GpuOperatorPlanOptions): Values {
  const tolerations = tolerationsFor(pools.flatMap((p) => p.taints));
  const driverPreinstalled = pools.every((p) => p.amiFamily.preinstalled.driver);
  const toolkitPreinstalled = pools.every((p) => p.amiFamily.preinstalled.containerToolkit);
  return {
    operator: { defaultRuntime: 'containerd' },
    driver: { enabled: !driverPreinstalled },
    toolkit: { enabled: !toolkitPreinstalled },
    devicePlugin: { enabled: true },
    gfd: { enabled: true },
    migManager: { enabled: true },
    cdi: { enabled: true },
    nfd: { enabled: true },
    dcgm: { enabled: false },
    dcgmExporter: { enabled: true, serviceMonitor: { enabled: options.dcgmServiceMonitor } },
    daemonsets: { tolerations, priorityClassName: 'system-node-critical' },
    'node-feature-discovery': { worker: { tolerations } },
  };
}
