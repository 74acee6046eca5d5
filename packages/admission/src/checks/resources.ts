// LimitRange and ResourceQuota: after LimitRange defaulting each pod fits its LimitRange's min/max and its
// namespace's quota; a GPU pod whose memory a default would cap below what its GPUs hold is refused
// here rather than OOM-killed there; a quota that can never admit a whole gang is an error.
import { GPU_MODELS, NVIDIA_GPU_RESOURCE } from '@aiready/core';
import { asArray, asObject, asString, at, describe } from '../model/kube';
import { Findings } from '../model/findings';
import { ObjectIndex } from '../model/object-index';
import { ContainerLimits, containerLimitsOf, EffectiveContainer, effectiveContainers, podTotals } from '../model/pod-resources';
import { containerPath, PodTemplate } from '../model/pod-templates';
import { Pool } from '../model/pools';
import { formatBytes, formatQuantity, parseQuantity, parseResourceList } from '../model/quantity';
import { Placement } from './scheduling';

const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** The LimitRanges (Container items) of every namespace, indexed once. */
export function limitRangesByNamespace(index: ObjectIndex): Map<string, ContainerLimits[]> {
  const out = new Map<string, ContainerLimits[]>();
  for (const t of index.ofKind('LimitRange')) {
    if (!t.namespace) continue;
    out.set(t.namespace, [...(out.get(t.namespace) ?? []), ...containerLimitsOf(t.object.spec, describe(t.object, t.namespace))]);
  }
  return out;
}

/** Every pod's containers after defaulting. */
export function effectiveResources(
  pods: readonly PodTemplate[],
  limits: Map<string, ContainerLimits[]>,
): Map<PodTemplate, EffectiveContainer[]> {
  return new Map(pods.map((p) => [p, effectiveContainers(p.spec, p.namespace ? (limits.get(p.namespace) ?? []) : [])]));
}

/** GPU memory (bytes) that `n` units of a GPU resource hold on a pool's nodes, or undefined. */
export function gpuMemory(resource: string, n: number, pool: Pool, advertised: number | undefined): number | undefined {
  const model = pool.gpu?.model;
  if (!model) return undefined;
  const mib = 2 ** 20;
  if (resource === NVIDIA_GPU_RESOURCE) return n * model.memoryMiB * mib;
  const mig = /^nvidia\.com\/mig-\d+g\.(\d+)gb/.exec(resource);
  if (mig) return n * Number(mig[1]) * 1e9;
  if (resource === `${NVIDIA_GPU_RESOURCE}.shared` && advertised)
    return (n * model.memoryMiB * mib * pool.gpu!.perNode) / advertised;
  return undefined;
}

function gpuNeed(
  c: EffectiveContainer,
  pools: readonly Pool[],
  advertised: (p: Pool, r: string) => number | undefined,
): { bytes: number; what: string } | undefined {
  const gpus = Object.entries(c.limits).filter(([k, v]) => k.startsWith('nvidia.com/') && v > 0);
  if (!gpus.length || !pools.length) return undefined;
  let best: { bytes: number; what: string } | undefined;
  for (const pool of pools) {
    let bytes = 0;
    for (const [r, n] of gpus) bytes += gpuMemory(r, n, pool, advertised(pool, r)) ?? 0;
    if (bytes > 0 && (!best || bytes < best.bytes))
      best = {
        bytes,
        what: `${gpus.map(([r, n]) => `${n} x ${r}`).join(' + ')} of ${GPU_MODELS[pool.gpu!.model.id].displayName} (${formatBytes(bytes)})`,
      };
  }
  return best;
}

/** Checks LimitRange fit, GPU memory after defaulting, /dev/shm size and quota fit of every pod. */
export function checkResources(
  pods: readonly PodTemplate[],
  resources: ReadonlyMap<PodTemplate, EffectiveContainer[]>,
  limits: Map<string, ContainerLimits[]>,
  placement: Placement,
  advertised: (p: Pool, r: string) => number | undefined,
  index: ObjectIndex,
  findings: Findings,
): void {
  const quotas = new Map<string, { name: string; hard: Record<string, number> }[]>();
  for (const t of index.ofKind('ResourceQuota')) {
    if (!t.namespace || at(t.object, 'spec.scopes') || at(t.object, 'spec.scopeSelector')) continue;
    quotas.set(t.namespace, [
      ...(quotas.get(t.namespace) ?? []),
      { name: describe(t.object, t.namespace), hard: parseResourceList(at(t.object, 'spec.hard')) },
    ]);
  }
  for (const pod of pods) {
    if (!pod.namespace) continue;
    const containers = resources.get(pod) ?? [];
    const field = (c: EffectiveContainer, rest: string) => {
      const base = containerPath(pod, c.list, c.index, c.name);
      // A TrainJob sets its trainer container's resources as resourcesPerNode.
      return base === 'spec.trainer' ? `${base}.${rest.replace(/^resources\./, 'resourcesPerNode.')}` : `${base}.${rest}`;
    };
    for (const lr of limits.get(pod.namespace) ?? []) {
      for (const c of containers) {
        for (const [k, min] of Object.entries(lr.min))
          if ((c.requests[k] ?? 0) < min)
            findings.error(
              'resources',
              pod.ownerName,
              field(c, `resources.requests.${k}`),
              formatQuantity(k, c.requests[k] ?? 0),
              `is below the minimum ${formatQuantity(k, min)} of ${lr.source}`,
              `request at least ${formatQuantity(k, min)}`,
            );
        for (const [k, max] of Object.entries(lr.max))
          if ((c.limits[k] ?? Infinity) > max)
            findings.error(
              'resources',
              pod.ownerName,
              field(c, `resources.limits.${k}`),
              c.limits[k] === undefined ? undefined : formatQuantity(k, c.limits[k]),
              `exceeds the maximum ${formatQuantity(k, max)} of ${lr.source}`,
              `limit ${k} to at most ${formatQuantity(k, max)}, or raise the LimitRange max`,
            );
        for (const [k, ratio] of Object.entries(lr.maxLimitRequestRatio))
          if (c.limits[k] !== undefined && c.requests[k] && c.limits[k] / c.requests[k] > ratio)
            findings.error(
              'resources',
              pod.ownerName,
              field(c, `resources.limits.${k}`),
              formatQuantity(k, c.limits[k]),
              `is more than ${ratio} x its request, the maxLimitRequestRatio of ${lr.source}`,
              `raise the request or lower the limit`,
            );
      }
    }
    const pools = placement.get(pod) ?? [];
    for (const c of containers) {
      const need = gpuNeed(c, pools, advertised);
      const memory = c.limits.memory;
      if (need && memory !== undefined && memory < need.bytes) {
        const by = c.defaultedLimits.memory;
        if (by)
          findings.error(
            'resources',
            pod.ownerName,
            field(c, 'resources.limits.memory'),
            formatBytes(memory),
            `is defaulted by ${by} below what its GPUs hold: ${need.what}; loading a model into GPU memory through host memory OOM-kills the container`,
            `give the container explicit memory requests and limits sized for its GPUs (at least ${formatBytes(need.bytes)})`,
          );
        else
          findings.warn(
            'resources',
            `${pod.ownerName} ${field(c, 'resources.limits.memory')}`,
            `memory limit ${formatBytes(memory)} is below the memory of its GPUs (${need.what})`,
          );
      }
    }
    checkShm(pod, containers, findings);
    for (const quota of quotas.get(pod.namespace) ?? []) checkQuota(pod, containers, quota, findings);
  }
}

/** A memory-backed emptyDir (/dev/shm) counts against the memory limit of the containers that write it. */
function checkShm(pod: PodTemplate, containers: readonly EffectiveContainer[], findings: Findings): void {
  const volumes = asArray(pod.spec.volumes).map((v) => asObject(v) ?? {});
  volumes.forEach((v, i) => {
    if (asObject(v.emptyDir)?.medium !== 'Memory') return;
    const size = parseQuantity(asObject(v.emptyDir)?.sizeLimit);
    for (const c of containers) {
      const raw = asArray(pod.spec[c.list])[c.index];
      const mounts = asArray(asObject(raw)?.volumeMounts).map((m) => asString(asObject(m)?.name));
      const limit = c.limits.memory;
      if (!mounts.includes(asString(v.name)) || limit === undefined || size === undefined || size <= limit) continue;
      findings.error(
        'resources',
        pod.ownerName,
        `${pod.path}.volumes[${i}].emptyDir.sizeLimit`,
        formatBytes(size),
        `the memory-backed volume "${v.name}" counts against the memory limit of container "${c.name}" (${formatBytes(limit)}${c.defaultedLimits.memory ? `, defaulted by ${c.defaultedLimits.memory}` : ''}), so filling it OOM-kills the container`,
        `raise the container's memory limit above ${formatBytes(size)}, or shrink sizeLimit`,
      );
    }
  });
}

function checkQuota(
  pod: PodTemplate,
  containers: readonly EffectiveContainer[],
  quota: { name: string; hard: Record<string, number> },
  findings: Findings,
): void {
  // Quota admission refuses pods that do not state a compute resource the quota constrains.
  for (const [key, kind] of [
    ['requests.cpu', 'requests'],
    ['cpu', 'requests'],
    ['requests.memory', 'requests'],
    ['memory', 'requests'],
    ['limits.cpu', 'limits'],
    ['limits.memory', 'limits'],
  ] as const) {
    if (!(key in quota.hard)) continue;
    const resource = key.replace(/^(requests|limits)\./, '');
    const bare = containers.filter((c) => !(resource in c[kind]));
    if (bare.length)
      findings.error(
        'resources',
        pod.ownerName,
        `${containerPath(pod, bare[0].list, bare[0].index, bare[0].name)}.resources.${kind}.${resource}`,
        undefined,
        `${quota.name} constrains ${key}, so the pod is refused: must specify ${kind}.${resource} for: ${bare.map((c) => c.name).join(', ')}`,
        `set ${kind}.${resource} on every container, or give the namespace a LimitRange default`,
      );
  }
  const requests = podTotals(containers, 'requests');
  const lims = podTotals(containers, 'limits');
  const usage: Record<string, number> = { pods: 1 };
  for (const [k, v] of Object.entries(requests)) {
    usage[`requests.${k}`] = v;
    if (COMPUTE.includes(k)) usage[k] = v;
  }
  for (const [k, v] of Object.entries(lims)) if (COMPUTE.includes(k)) usage[`limits.${k}`] = v;
  for (const [key, hard] of Object.entries(quota.hard)) {
    const one = usage[key];
    if (one === undefined || one === 0) continue;
    const resource = key.replace(/^(requests|limits)\./, '');
    if (one > hard) {
      findings.error(
        'resources',
        pod.ownerName,
        `${pod.path}.containers`,
        `${key}: ${formatQuantity(resource, one)}`,
        `one pod needs more than ${quota.name} allows (${key}: ${formatQuantity(resource, hard)}), so the quota refuses every pod`,
        `raise ${key} in the quota to at least ${formatQuantity(resource, one)}, or shrink the pod`,
      );
    } else if (pod.gang && one * pod.replicas > hard) {
      findings.error(
        'resources',
        pod.ownerName,
        pod.path,
        `${pod.replicas} pods x ${formatQuantity(resource, one)} ${key}`,
        `the quota can never admit the whole gang: ${quota.name} allows ${key}: ${formatQuantity(resource, hard)}, the ${pod.replicas} pods that must run together need ${formatQuantity(resource, one * pod.replicas)}`,
        `raise ${key} in the quota to at least ${formatQuantity(resource, one * pod.replicas)}, or run fewer nodes`,
      );
    } else if (!pod.gang && one * pod.replicas > hard) {
      findings.warn(
        'resources',
        `${pod.ownerName} ${pod.path}`,
        `only ${Math.floor(hard / one)} of ${pod.replicas} replicas fit ${quota.name} (${key}: ${formatQuantity(resource, hard)})`,
      );
    }
  }
}
