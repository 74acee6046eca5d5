import { AireadyValidationError, ARGO_INSTANCE_ID_LABEL, ValidationProblem, WorkloadPriority } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels } from '../private/metadata';
import { Team } from '../teams/team';
import { Gpu } from '../workloads/gpu';
import {
  containerSecurity,
  gpuPodResources,
  kueueLabels,
  poolPlacement,
  sharedMemoryGiB,
  sharedMemoryVolume,
  teamGpuQuotaProblem,
} from '../workloads/pod-parts';

/** One GPU step of a workflow. */
export interface GpuWorkflowStep {
  /** Step name (a DNS label). */
  readonly name: string;
  readonly pool: IGpuPool;
  readonly gpu: Gpu;
  readonly image: string;
  /**
   * CPU cores and memory (GiB) of the step's pod.
   * @default - sized per GPU from the pool's leanest instance type
   */
  readonly resources?: { readonly cpu?: number; readonly memoryGiB?: number };
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /**
   * Steps that must finish first.
   * @default - none: starts at once
   */
  readonly after?: readonly string[];
  /**
   * Use the pool's EFA devices (in proportion to the GPUs the step takes of a node), as training jobs do.
   * @default - true on EFA pools when the step asks for whole GPUs
   */
  readonly efa?: boolean;
  /**
   * Size of the step's /dev/shm in GiB (memory, counted against the pod's limit).
   * @default - 32, or half the pod's memory when that is less
   */
  readonly sharedMemoryGiB?: number;
  /**
   * Kueue priority of the step's pod (each step is admitted through the team's queue on its own).
   * @default - Kueue's default: priority 0, below every aiready class
   */
  readonly priority?: WorkloadPriority;
}

/** Props of `GpuWorkflowTemplate`. */
export interface GpuWorkflowTemplateProps {
  /** Template name (a DNS label). */
  readonly name: string;
  readonly team: Team;
  /** The steps, a DAG through `after`. */
  readonly steps: readonly GpuWorkflowStep[];
}

/**
 * An Argo `WorkflowTemplate` of GPU steps (e.g. train → evaluate) in a team's namespace: each step
 * lands on its pool with the pool's tolerations and node selector (only GPU steps tolerate GPU nodes),
 * requests GPUs (and EFA, on EFA pools) in the pool's own resource, gets a /dev/shm for NCCL and data
 * loaders, and runs as the team's `workflow` service account with restricted security. On a Kueue
 * platform each step's pod names the team's queue: Kueue's pod integration admits it against the
 * team's quota, like the team's jobs, so steps and TrainJobs never race for the same GPUs.
 */
export class GpuWorkflowTemplate extends Construct {
  public readonly template: ApiObject;

  constructor(scope: Construct, id: string, props: GpuWorkflowTemplateProps) {
    super(scope, id);
    const names = props.steps.map((s) => s.name);
    const problems: ValidationProblem[] = [];
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name ?? ''))
      problems.push({ path: 'name', value: props.name, problem: 'not a DNS label', fix: "use e.g. 'train-evaluate'" });
    if (props.steps.length === 0)
      problems.push({ path: 'steps', value: [], problem: 'a workflow needs at least one step', fix: 'add a step' });
    props.steps.forEach((step, i) => {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(step.name) || names.indexOf(step.name) !== i) {
        problems.push({
          path: `steps[${i}].name`,
          value: step.name,
          problem: 'not a unique DNS label',
          fix: 'name every step uniquely, e.g. train, evaluate',
        });
      }
      const quotaProblem = teamGpuQuotaProblem(props.team, step.pool, step.gpu, 1, `steps[${i}].gpu`, 'step pod');
      if (quotaProblem) problems.push(quotaProblem);
      for (const dep of step.after ?? []) {
        if (!names.includes(dep) || dep === step.name)
          problems.push({
            path: `steps[${i}].after`,
            value: dep,
            problem: 'no other step has this name',
            fix: `use one of ${names.filter((n) => n !== step.name).join(', ')}`,
          });
      }
    });
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const templates = props.steps.map((step, i) => {
      const scope = `${this.node.path}/${step.name}`;
      const efa = step.efa ?? (step.pool.pool.efaInterfaces > 0 && step.gpu.kind === 'whole');
      const resources = gpuPodResources(scope, props.team, step.pool, step.gpu, { ...step, efa });
      const shm = sharedMemoryGiB(step.sharedMemoryGiB, resources.memoryGiB, `steps[${i}].sharedMemoryGiB`);
      if (shm.problem) throw new AireadyValidationError(this.node.path, [shm.problem]);
      const dshm = sharedMemoryVolume(shm.sizeGiB);
      const placement = poolPlacement(step.pool, step.pool.pool.purpose === 'training');
      const labels = kueueLabels(scope, props.team, step.priority);
      return {
        name: step.name,
        ...(Object.keys(placement.annotations).length || Object.keys(labels).length
          ? {
              metadata: {
                ...(Object.keys(labels).length ? { labels } : {}),
                ...(Object.keys(placement.annotations).length ? { annotations: placement.annotations } : {}),
              },
            }
          : {}),
        nodeSelector: placement.nodeSelector,
        tolerations: placement.tolerations,
        container: {
          image: step.image,
          ...(step.command ? { command: [...step.command] } : {}),
          ...(step.args ? { args: [...step.args] } : {}),
          resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
          securityContext: containerSecurity(false),
          volumeMounts: [{ ...dshm.mount }],
        },
        volumes: [{ name: dshm.volume.name, emptyDir: { medium: 'Memory', sizeLimit: `${shm.sizeGiB}Gi` } }],
      };
    });
    // A controller scoped by instance ID sees only templates and workflows that carry its label.
    const instance = props.team.argoInstanceId ? { [ARGO_INSTANCE_ID_LABEL]: props.team.argoInstanceId } : undefined;
    this.template = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: props.name, namespace: props.team.namespace, labels: { ...componentLabels('workflows'), ...instance } },
      spec: {
        entrypoint: 'main',
        ...(instance ? { workflowMetadata: { labels: instance } } : {}),
        serviceAccountName: 'workflow',
        templates: [
          {
            name: 'main',
            dag: {
              tasks: props.steps.map((s) => ({
                name: s.name,
                template: s.name,
                ...(s.after?.length ? { dependencies: [...s.after] } : {}),
              })),
            },
          },
          ...templates,
        ],
      },
    });
  }
}
