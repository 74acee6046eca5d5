// Pure planning of the NVIDIA GPU operator's chart values from the pools it serves and typed options.
import {
  GpuDriverSpec,
  GpuOperatorSpec,
  GpuPool,
  MIG_DISABLED_LAYOUT,
  NVIDIA_GPU_RESOURCE,
  ProblemCollector,
  schedulableResources,
  tolerates,
  Toleration,
  tolerationsFor,
} from '@aiready/core';
import { Values } from '../private/merge';
import {
  DEFAULT_DEVICE_PLUGIN_ENTRY,
  DEVICE_PLUGIN_CONFIG_MAP,
  MIG_PARTED_CONFIG_MAP,
  planDevicePluginConfigMap,
  planMigPartedConfig,
} from './gpu-sharing-plan';

/** Name of the config map holding the DCGM exporter's metrics list. */
export const DCGM_METRICS_CONFIG_MAP = 'aiready-dcgm-metrics';
/** Key of the metrics list in that config map, and where the exporter reads it. */
export const DCGM_METRICS_FILE = 'dcgm-metrics.csv';

/**
 * The DCGM exporter's pod-mapping settings for the pools' sharing. The exporter attributes a GPU to
 * a pod only for `nvidia.com/gpu` and `nvidia.com/mig-*` unless `NVIDIA_RESOURCE_NAMES` names the
 * other resources (the time-sliced `nvidia.com/gpu.shared`), and maps a shared GPU to one pod only
 * unless `KUBERNETES_VIRTUAL_GPUS` is on, which repeats the GPU's series for every pod sharing it
 * (NVIDIA/dcgm-exporter internal/pkg/transformation/kubernetes.go, pkg/cmd/app.go at 4.5.3-4.8.2).
 */
export function dcgmExporterPodMappingEnv(pools: readonly GpuPool[]): { name: string; value: string }[] {
  const names = [
    ...new Set(pools.flatMap((p) => p.instanceTypes.flatMap((t) => Object.keys(schedulableResources(p.sharing, t))))),
  ]
    .filter((r) => r !== NVIDIA_GPU_RESOURCE)
    .sort();
  const shared = pools.some((p) => p.sharing.mode === 'time-slicing' || p.sharing.mode === 'mps');
  return [
    ...(names.length ? [{ name: 'NVIDIA_RESOURCE_NAMES', value: names.join(',') }] : []),
    ...(shared ? [{ name: 'KUBERNETES_VIRTUAL_GPUS', value: 'true' }] : []),
  ];
}

/** Who installs the NVIDIA kernel driver (see `GpuDriverSpec` in @aiready/core). */
export type GpuDriverOptions = GpuDriverSpec;

/** Typed options of the operator, mapped to chart values (see `GpuOperatorSpec` in @aiready/core). */
export type GpuOperatorOptions = GpuOperatorSpec;

/**
 * Checks the options against the pools and returns the resolved driver setting. All problems at once.
 */
export function checkGpuOperatorOptions(
  scope: string,
  pools: readonly GpuPool[],
  o: GpuOperatorOptions,
): { driverEnabled: boolean } {
  const problems = new ProblemCollector(scope);
  const preinstalled = pools.filter((p) => p.amiFamily.preinstalled.driver);
  const driverEnabled = o.driver?.enabled ?? preinstalled.length !== pools.length;
  if (driverEnabled && preinstalled.length && !o.driver?.force) {
    problems.add({
      path: 'driver.enabled',
      value: true,
      problem: `pools ${preinstalled.map((p) => p.name).join(', ')} run AMIs that ship the NVIDIA driver; a second driver breaks the nodes`,
      fix: 'leave driver.enabled unset, or set driver.force if the AMI really has no driver',
    });
  }
  if (o.driver?.version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(o.driver.version)) {
    problems.add({
      path: 'driver.version',
      value: o.driver.version,
      problem: 'not a driver version',
      fix: "use e.g. '595.91.07'",
    });
  }
  for (const [pool, version] of Object.entries(o.driver?.perPool ?? {})) {
    if (!pools.some((p) => p.name === pool)) {
      problems.add({
        path: `driver.perPool["${pool}"]`,
        value: pool,
        problem: 'no such pool',
        fix: `use one of ${pools.map((p) => p.name).join(', ')}`,
      });
    }
    if (!/^\d+\.\d+(\.\d+)?$/.test(version)) {
      problems.add({
        path: `driver.perPool["${pool}"]`,
        value: version,
        problem: 'not a driver version',
        fix: "use e.g. '595.91.07'",
      });
    }
  }
  if (o.driver?.perPool && !driverEnabled) {
    problems.add({
      path: 'driver.perPool',
      value: o.driver.perPool,
      problem: 'per-pool drivers while the operator installs no driver',
      fix: 'set driver.enabled (and force on EKS NVIDIA AMIs), or remove perPool',
    });
  }
  if (o.nodeFeatureDiscovery !== undefined && !['bundled', 'existing'].includes(o.nodeFeatureDiscovery)) {
    problems.add({
      path: 'nodeFeatureDiscovery',
      value: o.nodeFeatureDiscovery,
      problem: 'not a choice',
      fix: "use 'bundled' or 'existing'",
    });
  }
  if (o.mode !== undefined && !['cluster-policy', 'gpu-cluster'].includes(o.mode)) {
    problems.add({ path: 'mode', value: o.mode, problem: 'not an operator mode', fix: "use 'cluster-policy' or 'gpu-cluster'" });
  }
  if (o.mode === 'gpu-cluster' && pools.some((p) => p.sharing.mode !== 'none')) {
    problems.add({
      path: 'mode',
      value: 'gpu-cluster',
      problem:
        'the DRA-based GPUCluster does not use the device plugin, so the pools’ MIG and time-slicing settings would be ignored',
      fix: "use mode 'cluster-policy' with shared pools",
    });
  }
  problems.throwIfAny();
  return { driverEnabled };
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
 * - DCGM exporter: pod/namespace mapping on, for every GPU resource the pools advertise (see
 *   {@link dcgmExporterPodMappingEnv}), and aiready's metrics list, which includes the profiling
 *   metrics idle detection needs.
 */
export function planGpuOperatorValues(pools: readonly GpuPool[], o: GpuOperatorOptions, driverEnabled: boolean): Values {
  const tolerations = tolerationsFor(pools.flatMap((p) => p.taints));
  const toolkitPreinstalled = pools.every((p) => p.amiFamily.preinstalled.containerToolkit);
  const sharedConfig = planDevicePluginConfigMap(pools) !== undefined;
  const migConfig = planMigPartedConfig(pools) !== undefined;
  const mixed = pools.some((p) => p.sharing.migStrategy === 'mixed');
  const gpuCluster = o.mode === 'gpu-cluster';
  return {
    driver: {
      enabled: driverEnabled,
      ...(o.driver?.version ? { version: o.driver.version } : {}),
      ...(o.driver?.perPool ? { nvidiaDriverCRD: { enabled: true, deployDefaultCR: false } } : {}),
    },
    toolkit: { enabled: driverEnabled || !toolkitPreinstalled },
    devicePlugin: {
      enabled: true,
      ...(sharedConfig
        ? { config: { name: DEVICE_PLUGIN_CONFIG_MAP, default: DEFAULT_DEVICE_PLUGIN_ENTRY, create: false } }
        : {}),
    },
    gfd: { enabled: o.gfd ?? true },
    mig: { strategy: mixed ? 'mixed' : 'single' },
    migManager: {
      enabled: true,
      ...(migConfig ? { config: { name: MIG_PARTED_CONFIG_MAP, default: MIG_DISABLED_LAYOUT, create: false } } : {}),
    },
    cdi: { enabled: o.cdi ?? true },
    nfd: { enabled: (o.nodeFeatureDiscovery ?? 'bundled') === 'bundled' },
    nodeStatusExporter: { enabled: o.nodeStatusExporter ?? false },
    gds: { enabled: o.gds ?? false },
    gdrcopy: { enabled: o.gdrcopy ?? false },
    dcgm: { enabled: false },
    dcgmExporter: {
      enabled: true,
      config: { name: DCGM_METRICS_CONFIG_MAP },
      // The chart's env list is replaced, not merged, so the defaults are restated.
      env: [
        { name: 'DCGM_EXPORTER_LISTEN', value: ':9400' },
        { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
        { name: 'DCGM_EXPORTER_COLLECTORS', value: `/etc/dcgm-exporter/${DCGM_METRICS_FILE}` },
        ...dcgmExporterPodMappingEnv(pools),
      ],
      serviceMonitor: { enabled: o.dcgmServiceMonitor ?? false, honorLabels: true },
    },
    daemonsets: { tolerations, priorityClassName: o.priorityClassName ?? 'system-node-critical' },
    'node-feature-discovery': { worker: { tolerations } },
    clusterPolicy: { deployCR: !gpuCluster },
    gpuCluster: { deployCR: gpuCluster },
  };
}

/** Rules on the merged values (after raw overrides), which typed options cannot see. */
export function checkMergedOperatorValues(scope: string, pools: readonly GpuPool[], values: Values): void {
  const problems = new ProblemCollector(scope);
  const get = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Values | undefined)?.[k], values);
  const needsOperatorPlugin = pools.filter((p) => !p.amiFamily.preinstalled.devicePlugin);
  if (get('devicePlugin.enabled') === false && needsOperatorPlugin.length) {
    const sharing = needsOperatorPlugin.filter((p) => p.sharing.mode !== 'none');
    problems.add({
      path: 'values.devicePlugin.enabled',
      value: false,
      problem: sharing.length
        ? `pools ${sharing.map((p) => p.name).join(', ')} share GPUs, which only the operator's device plugin can configure`
        : `pools ${needsOperatorPlugin.map((p) => p.name).join(', ')} run AMIs without a device plugin, so their GPUs would never be advertised`,
      fix: 'keep devicePlugin.enabled, or install another device plugin and say so by removing these pools',
    });
  }
  // Overriding a derived toleration list replaces it: the DaemonSets must still tolerate every pool taint.
  const taints = pools.flatMap((p) => p.taints.map((t) => ({ pool: p.name, taint: t })));
  for (const path of ['daemonsets.tolerations', 'node-feature-discovery.worker.tolerations']) {
    if (path.startsWith('node-feature-discovery') && get('nfd.enabled') === false) continue;
    const given = get(path);
    const list = Array.isArray(given) ? (given as Partial<Toleration>[]) : [];
    const missed = taints.filter(({ taint }) => !tolerates(list, taint));
    if (!missed.length) continue;
    const shown = [...new Set(missed.map(({ taint }) => `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`))];
    problems.add({
      path: `values.${path}`,
      value: given,
      problem: `does not tolerate ${shown.join(', ')} (pools ${[...new Set(missed.map((m) => m.pool))].join(', ')}), so the operator's pods would never run on those GPU nodes`,
      fix: `keep aiready's tolerations and add yours to them: ${JSON.stringify(tolerationsFor(missed.map((m) => m.taint)))}`,
    });
  }
  if (get('clusterPolicy.deployCR') !== false && get('gpuCluster.deployCR') === true) {
    problems.add({
      path: 'values.gpuCluster.deployCR',
      value: true,
      problem: 'a GPUCluster and a ClusterPolicy together is an invalid operator configuration',
      fix: "use mode: 'gpu-cluster' (which turns the ClusterPolicy off), or remove gpuCluster.deployCR",
    });
  }
  problems.throwIfAny();
}
