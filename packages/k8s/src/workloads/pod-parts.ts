// What every aiready GPU pod needs, in one place: placement on its pool, the GPU request, and the
// container security settings that pass Pod Security `restricted` yet suit CUDA images.
import { AireadyValidationError, DO_NOT_DISRUPT_ANNOTATION, EFA_RESOURCE, POOL_LABEL, tolerationsFor } from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { Team } from '../teams/team';
import { Gpu } from './gpu';

export interface GpuContainerOptions {
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Run as root. Many CUDA images expect it, but it needs a team with `podSecurity: 'baseline'`.
   * @default false - runs as UID/GID 1000
   */
  readonly runAsRoot?: boolean;
}

/**
 * The container security context (plain data, used in objects and in chart values alike): no
 * privilege escalation, all capabilities dropped, the runtime's seccomp profile (all required by Pod
 * Security `restricted`), and a non-root user (`uid`, 1000 by default) unless the team allows root.
 * The root filesystem stays writable: CUDA and PyTorch write caches there.
 */
export function containerSecurity(runAsRoot: boolean, uid = 1000): kplus.k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
    readOnlyRootFilesystem: false,
    ...(runAsRoot ? { runAsNonRoot: false, runAsUser: 0 } : { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid }),
  };
}

/** Checks shared by GPU workloads; returns the GPU resource limits (and EFA) of one pod. */
export function gpuPodLimits(
  scope: string,
  team: Team,
  pool: IGpuPool,
  gpu: Gpu,
  options: GpuContainerOptions & { readonly efa?: boolean },
): Record<string, kplus.k8s.Quantity> {
  const { resource, count } = gpu.resourceOn(pool.pool, scope);
  if (options.runAsRoot && team.podSecurity === 'restricted') {
    throw new AireadyValidationError(scope, [
      {
        path: 'runAsRoot',
        value: true,
        problem: `team '${team.namespace}' enforces Pod Security restricted, which refuses root containers`,
        fix: "give the team podSecurity: 'baseline' with a reason, or run as non-root",
      },
    ]);
  }
  if (options.efa && pool.pool.efaInterfaces === 0) {
    throw new AireadyValidationError(scope, [
      {
        path: 'efa',
        value: true,
        problem: `pool '${pool.pool.name}' has no EFA interfaces`,
        fix: 'target an EFA pool (efa: true, one zone), or set efa: false',
      },
    ]);
  }
  if (!options.image || /\s/.test(options.image)) {
    throw new AireadyValidationError(scope, [
      {
        path: 'image',
        value: options.image,
        problem: 'not a container image',
        fix: "use e.g. 'nvcr.io/nvidia/pytorch:25.08-py3'",
      },
    ]);
  }
  return {
    [resource]: kplus.k8s.Quantity.fromNumber(count),
    ...(options.efa ? { [EFA_RESOURCE]: kplus.k8s.Quantity.fromNumber(pool.pool.efaInterfaces) } : {}),
  };
}

/** Placement of a pod on its pool: node selector and tolerations; do-not-disrupt for training. */
export function poolPlacement(
  pool: IGpuPool,
  training: boolean,
): { nodeSelector: Record<string, string>; tolerations: kplus.k8s.Toleration[]; annotations: Record<string, string> } {
  return {
    nodeSelector: { [POOL_LABEL]: pool.pool.name },
    tolerations: tolerationsFor(pool.pool.taints).map((t) => ({ ...t })),
    annotations: training ? { [DO_NOT_DISRUPT_ANNOTATION]: 'true' } : {},
  };
}
