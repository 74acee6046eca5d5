import { AireadyValidationError, NVIDIA_GPU_RESOURCE } from '@aiready/core';
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** What a container asks of GPUs: how many, of which extended resource, in which container. */
export interface GpuLimitOptions {
  /** GPUs per pod (the limit; Kubernetes sets the request of an extended resource to its limit). */
  readonly count: number;
  /**
   * The extended resource.
   * @default 'nvidia.com/gpu'
   */
  readonly resource?: string;
  /**
   * Index of the container in the pod template.
   * @default 0
   */
  readonly container?: number;
}

/** Where the containers of a workload's pods are, per kind. */
function containersPath(workload: kplus.Pod | kplus.Workload): string {
  if (workload instanceof kplus.Pod) return '/spec/containers';
  if (workload instanceof kplus.CronJob) return '/spec/jobTemplate/spec/template/spec/containers';
  return '/spec/template/spec/containers';
}

/**
 * Adds a GPU limit to a cdk8s-plus workload's container. cdk8s-plus-28 models only CPU, memory and
 * ephemeral storage, so the limit is a JSON patch on the underlying object; the value is a
 * `Quantity` because the generated Kubernetes bindings serialize limits through it.
 */
export function addGpuLimit(workload: kplus.Pod | kplus.Workload, options: GpuLimitOptions): void {
  const index = options.container ?? 0;
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new AireadyValidationError(workload.node.path, [
      {
        path: 'count',
        value: options.count,
        problem: 'GPUs per pod must be a whole number of at least 1',
        fix: 'use e.g. count: 1',
      },
    ]);
  }
  if (!Number.isInteger(index) || index < 0 || index >= workload.containers.length) {
    throw new AireadyValidationError(workload.node.path, [
      {
        path: 'container',
        value: index,
        problem: `the workload has ${workload.containers.length} container(s)`,
        fix: 'use the index of an existing container',
      },
    ]);
  }
  const resource = (options.resource ?? NVIDIA_GPU_RESOURCE).replace(/~/g, '~0').replace(/\//g, '~1');
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(
      `${containersPath(workload)}/${index}/resources/limits/${resource}`,
      kplus.k8s.Quantity.fromNumber(options.count),
    ),
  );
}
