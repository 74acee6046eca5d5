// Pure planning of the GPU operator's sharing configuration from the pools: one device-plugin config
// map with an entry per sharing pool, one mig-parted config map with the layouts the pools use. Only
// entries some pool uses, and every entry a pool label names.
import { GpuPool, MIG_DISABLED_LAYOUT, NVIDIA_GPU_RESOURCE } from '@aiready/core';
import * as YAML from 'yaml';
import { Values } from '../private/merge';

/** Name of the device-plugin config map aiready creates in the operator namespace. */
export const DEVICE_PLUGIN_CONFIG_MAP = 'aiready-device-plugin-config';
/** Name of the mig-parted config map aiready creates in the operator namespace. */
export const MIG_PARTED_CONFIG_MAP = 'aiready-mig-parted-config';
/** The device-plugin config entry of nodes without a `nvidia.com/device-plugin.config` label. */
export const DEFAULT_DEVICE_PLUGIN_ENTRY = 'default';

/** The device plugin's config (format `version: v1`) for one pool. */
export function devicePluginConfig(pool: GpuPool): Values {
  const s = pool.sharing;
  const config: Values = { version: 'v1', flags: { migStrategy: s.mode === 'mig' ? s.migStrategy : 'none' } };
  if (s.mode === 'time-slicing') {
    config.sharing = {
      timeSlicing: {
        renameByDefault: s.renameByDefault,
        // A shared GPU request above 1 gives no more compute; refuse it instead of misleading the pod.
        failRequestsGreaterThanOne: true,
        resources: [{ name: NVIDIA_GPU_RESOURCE, replicas: s.replicas }],
      },
    };
  }
  if (s.mode === 'mps') {
    config.sharing = {
      mps: { renameByDefault: s.renameByDefault, resources: [{ name: NVIDIA_GPU_RESOURCE, replicas: s.replicas }] },
    };
  }
  return config;
}

/** Config map data: the default entry plus one per pool with sharing or MIG; undefined when no pool needs one. */
export function planDevicePluginConfigMap(pools: readonly GpuPool[]): Record<string, string> | undefined {
  // Pools whose AMI runs its own device plugin (Bottlerocket) are configured through user data instead.
  const sharing = pools.filter((p) => p.sharing.mode !== 'none' && !p.amiFamily.preinstalled.devicePlugin);
  if (sharing.length === 0) return undefined;
  const data: Record<string, string> = {
    [DEFAULT_DEVICE_PLUGIN_ENTRY]: YAML.stringify({ version: 'v1', flags: { migStrategy: 'none' } }),
  };
  for (const p of sharing) data[p.name] = YAML.stringify(devicePluginConfig(p));
  return data;
}

/** The mig-parted `config.yaml`: all-disabled plus the layouts MIG pools use; undefined without MIG-capable pools. */
export function planMigPartedConfig(pools: readonly GpuPool[]): string | undefined {
  const migCapable = pools.filter((p) => p.gpuModels.every((m) => m.mig));
  if (migCapable.length === 0) return undefined;
  const configs: Values = { [MIG_DISABLED_LAYOUT]: [{ devices: 'all', 'mig-enabled': false }] };
  for (const p of pools) {
    const layout = p.sharing.migLayout;
    if (layout) configs[layout.name] = [{ devices: 'all', 'mig-enabled': true, 'mig-devices': { ...layout.perGpu } }];
  }
  return YAML.stringify({ version: 'v1', 'mig-configs': configs });
}
