// What a running node of each pool advertises: GPUs (whole, MIG slices or shared) through an NVIDIA
// device plugin configured by the pool's labels, and EFA devices through the EFA device plugin.
import {
  DEVICE_PLUGIN_CONFIG_LABEL,
  EFA_RESOURCE,
  gpuOperatorDeployLabel,
  MIG_CONFIG_LABEL,
  MIG_DISABLED_LAYOUT,
  NVIDIA_GPU_RESOURCE,
  Taint,
  Toleration,
} from '@aiready/core';
import * as YAML from 'yaml';
import { chartFacts, DevicePluginFact } from './chart-facts';
import { asArray, asObject, asString, at, describe, Json } from './kube';
import { ObjectIndex } from './object-index';
import { Pool, poolAdmits } from './pools';
import { Release } from './releases';
import { requirementsOf } from './selectors';

/** A device plugin of the target, with what installs it. */
export interface DevicePlugin extends DevicePluginFact {
  readonly source: string;
  /** Node affinity requirements of its DaemonSet (one term). */
  readonly nodeRequirements?: ReturnType<typeof requirementsOf>;
}

/** Whether a toleration matches a taint, as the scheduler decides. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/** The taints of a pool a pod with `tolerations` does not tolerate (PreferNoSchedule never blocks). */
export function untolerated(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint[] {
  return taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
}

/** Device plugins from releases (chart facts) and from DaemonSets in the objects (images). */
export function devicePluginsOf(releases: readonly Release[], index: ObjectIndex): DevicePlugin[] {
  const out: DevicePlugin[] = [];
  const modelled = new Set<string>();
  for (const r of releases) {
    const fact = chartFacts(r)?.devicePlugin?.(r);
    if (fact) out.push({ ...fact, source: r.installer });
    if (fact) modelled.add(r.name);
  }
  for (const t of index.ofKind('DaemonSet')) {
    if (t.origin.release && modelled.has(t.origin.release)) continue;
    const images = asArray(at(t.object, 'spec.template.spec.containers')).map((c) => String(asObject(c)?.image ?? ''));
    const plugin = images.some((i) => i.includes('aws-efa-k8s-device-plugin'))
      ? 'efa'
      : images.some((i) => i.includes('k8s-device-plugin'))
        ? 'nvidia'
        : undefined;
    if (!plugin) continue;
    const terms = asArray(
      at(t.object, 'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms'),
    );
    out.push({
      plugin,
      source: describe(t.object, t.namespace),
      tolerations: asArray(at(t.object, 'spec.template.spec.tolerations')) as Toleration[],
      ...(terms.length === 1 ? { nodeRequirements: requirementsOf(asObject(terms[0])?.matchExpressions) } : {}),
    });
  }
  return out;
}

/** What one node of a pool advertises, and why a resource is missing. */
export interface NodeResources {
  readonly resources: Readonly<Record<string, number>>;
  /** Per missing kind (`gpu`, `efa`): why the node advertises none. */
  readonly missing: Readonly<Record<string, string>>;
  /** Problems with the pool's device plugin configuration (a config entry that does not exist). */
  readonly configProblems: readonly {
    readonly field: string;
    readonly value: string;
    readonly problem: string;
    readonly fix: string;
  }[];
}

function runsOn(plugin: DevicePlugin, pool: Pool): string | undefined {
  const blocked = untolerated(pool.taints, plugin.tolerations);
  if (blocked.length)
    return `${plugin.source} does not tolerate the taint ${blocked[0].key}:${blocked[0].effect} of ${pool.source}`;
  if (plugin.instanceTypes && pool.instanceTypes.some((t) => !plugin.instanceTypes!.includes(t)))
    return `${plugin.source} runs only on the instance types of its supportedInstanceLabels, not all of ${pool.instanceTypes.join(', ')}`;
  if (plugin.nodeRequirements && !plugin.nodeRequirements.every((r) => poolAdmits(pool, r)))
    return `${plugin.source}'s node affinity does not match ${pool.source}`;
  if (plugin.operator && pool.labels[gpuOperatorDeployLabel('device-plugin')] === 'false')
    return `${pool.source} sets ${gpuOperatorDeployLabel('device-plugin')}=false`;
  return undefined;
}

function parseEntry(text: unknown): Json | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return asObject(YAML.parse(text));
  } catch {
    return undefined;
  }
}

/** The MIG devices per GPU of a mig-parted layout, from the config map or the generated defaults. */
function migLayout(pool: Pool, plugin: DevicePlugin, index: ObjectIndex): Record<string, number> | 'missing' {
  const name = pool.labels[MIG_CONFIG_LABEL];
  if (!name || name === MIG_DISABLED_LAYOUT) return {};
  if (plugin.migConfigMap) {
    const cm = index.find('ConfigMap', plugin.migConfigMap.namespace, plugin.migConfigMap.name)?.object;
    const configs = asObject(parseEntry(asObject(cm?.data)?.['config.yaml'])?.['mig-configs']);
    const entry = asArray(configs?.[name]);
    if (!entry.length) return 'missing';
    const devices = asObject(asObject(entry[0])?.['mig-devices']) ?? {};
    return Object.fromEntries(Object.entries(devices).map(([k, v]) => [k, Number(v)]));
  }
  const geometry = pool.gpu?.model.mig;
  if (!geometry) return 'missing';
  if (name === 'all-balanced') return { ...geometry.balanced };
  const profile = geometry.profiles.find((p) => `all-${p.name}` === name);
  return profile ? { [profile.name]: profile.maxInstances } : 'missing';
}

function gpuResources(pool: Pool, plugin: DevicePlugin, index: ObjectIndex, out: NodeResources): Record<string, number> {
  const gpus = pool.gpu!.perNode;
  const problems = out.configProblems as NodeResources['configProblems'][number][];
  let entry: Json = {};
  if (plugin.configMap) {
    const cm = index.find('ConfigMap', plugin.configMap.namespace, plugin.configMap.name)?.object;
    const name = pool.labels[DEVICE_PLUGIN_CONFIG_LABEL] ?? plugin.configMap.defaultEntry;
    if (name) {
      const parsed = parseEntry(asObject(cm?.data)?.[name]);
      if (!parsed)
        problems.push({
          field: `labels.${DEVICE_PLUGIN_CONFIG_LABEL}`,
          value: name,
          problem: `names entry '${name}' of ConfigMap ${plugin.configMap.namespace}/${plugin.configMap.name}, which ${cm ? 'has no such entry' : 'the target does not create'}`,
          fix: `add the entry to the ConfigMap, or label the pool with one of its entries`,
        });
      else entry = parsed;
    }
  }
  const strategy = asString(at(entry, 'flags.migStrategy')) ?? plugin.migStrategy ?? 'none';
  const layout = migLayout(pool, plugin, index);
  if (layout === 'missing') {
    problems.push({
      field: `labels.${MIG_CONFIG_LABEL}`,
      value: pool.labels[MIG_CONFIG_LABEL],
      problem: `names a MIG layout that ${plugin.migConfigMap ? `ConfigMap ${plugin.migConfigMap.namespace}/${plugin.migConfigMap.name}` : 'the MIG manager'} does not define`,
      fix: 'label the pool with a layout the MIG manager knows',
    });
    return {};
  }
  if (Object.keys(layout).length && strategy !== 'none') {
    if (strategy === 'single') return { [NVIDIA_GPU_RESOURCE]: gpus * Object.values(layout).reduce((a, b) => a + b, 0) };
    return Object.fromEntries(Object.entries(layout).map(([p, n]) => [`nvidia.com/mig-${p}`, gpus * n]));
  }
  const sharing = asObject(at(entry, 'sharing.timeSlicing')) ?? asObject(at(entry, 'sharing.mps'));
  const res: Record<string, number> = { [NVIDIA_GPU_RESOURCE]: gpus };
  for (const raw of asArray(sharing?.resources)) {
    const r = asObject(raw) ?? {};
    if (r.name !== NVIDIA_GPU_RESOURCE) continue;
    const replicas = Number(r.replicas ?? 1);
    const renamed = asString(r.rename) ?? (sharing?.renameByDefault === true ? `${NVIDIA_GPU_RESOURCE}.shared` : undefined);
    delete res[NVIDIA_GPU_RESOURCE];
    res[renamed ?? NVIDIA_GPU_RESOURCE] = gpus * replicas;
  }
  return res;
}

/** Bottlerocket's own device plugin: whole GPUs, or time-sliced from its settings in the node's user data. */
function bottlerocketResources(pool: Pool, index: ObjectIndex): Record<string, number> {
  const gpus = pool.gpu!.perNode;
  const np = index.find('NodePool', undefined, pool.name)?.object;
  const nodeClass = index.find('EC2NodeClass', undefined, asString(at(np, 'spec.template.spec.nodeClassRef.name')))?.object;
  const userData = asString(at(nodeClass, 'spec.userData')) ?? '';
  const replicas = /replicas\s*=\s*(\d+)/.exec(userData);
  if (!/device-sharing-strategy\s*=\s*"time-slicing"/.test(userData) || !replicas) return { [NVIDIA_GPU_RESOURCE]: gpus };
  const renamed = /rename-by-default\s*=\s*true/.test(userData);
  return { [renamed ? `${NVIDIA_GPU_RESOURCE}.shared` : NVIDIA_GPU_RESOURCE]: gpus * Number(replicas[1]) };
}

/** What a node of `pool` advertises once its device plugins run. */
export function nodeResources(pool: Pool, plugins: readonly DevicePlugin[], index: ObjectIndex): NodeResources {
  const out: NodeResources = { resources: {}, missing: {}, configProblems: [] };
  const resources = out.resources as Record<string, number>;
  const missing = out.missing as Record<string, string>;
  if (pool.gpu) {
    if (pool.amiFamily === 'bottlerocket') Object.assign(resources, bottlerocketResources(pool, index));
    else {
      const nvidia = plugins.filter((p) => p.plugin === 'nvidia');
      const reasons = nvidia.map((p) => runsOn(p, pool));
      const running = nvidia.find((_, i) => reasons[i] === undefined);
      if (running) Object.assign(resources, gpuResources(pool, running, index, out));
      else
        missing.gpu =
          reasons.find((r) => r !== undefined) ?? 'no NVIDIA device plugin is installed (GPU operator or nvidia-device-plugin)';
    }
  }
  if (pool.efaPerNode > 0) {
    const efa = plugins.filter((p) => p.plugin === 'efa');
    const reasons = efa.map((p) => runsOn(p, pool));
    if (efa.some((_, i) => reasons[i] === undefined)) resources[EFA_RESOURCE] = pool.efaPerNode;
    else
      missing.efa = reasons.find((r) => r !== undefined) ?? 'the EFA device plugin (aws-efa-k8s-device-plugin) is not installed';
  }
  return out;
}
