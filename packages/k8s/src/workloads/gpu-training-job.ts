import { AireadyValidationError, ValidationProblem } from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels } from '../private/metadata';
import { KUEUE_QUEUE_LABEL } from '../queueing/kueue';
import { torchRuntimeName } from '../training/kubeflow-trainer';
import { ApiObject } from 'cdk8s';
import { Team } from '../teams/team';
import { Gpu } from './gpu';
import {
  containerSecurity,
  GpuContainerOptions,
  gpuPodResources,
  poolPlacement,
  quantities,
  teamGpuQuotaProblem,
} from './pod-parts';

export interface GpuTrainingJobProps extends GpuContainerOptions {
  /** Job name (DNS label). */
  readonly name: string;
  readonly team: Team;
  readonly pool: IGpuPool;
  /** GPUs per node (per pod). */
  readonly gpusPerNode: Gpu;
  /**
   * Nodes (pods), one rank each.
   * @default 1
   */
  readonly nodes?: number;
  /**
   * Use the pool's EFA devices for NCCL (in proportion to the GPUs the pod takes of a node).
   * @default - true on EFA pools when the pod asks for whole GPUs
   */
  readonly efa?: boolean;
  /**
   * Size of /dev/shm in GiB; NCCL and data loaders need far more than the container default of 64 MiB.
   * It is memory, and counts against the pod's memory limit.
   * @default - 32, or half the pod's memory when that is less
   */
  readonly sharedMemoryGiB?: number;
  /**
   * A PersistentVolumeClaim mounted at /checkpoints.
   * @default - none
   */
  readonly checkpointClaim?: string;
  /**
   * Retries of the whole job.
   * @default 0 - a distributed job that lost a rank restarts from its checkpoint, not in place
   */
  readonly backoffLimit?: number;
}

/**
 * A distributed PyTorch-style training job as an indexed Job: one pod per node with a stable DNS name
 * (a headless Service), `MASTER_ADDR`, `MASTER_PORT`, `NNODES` and `NODE_RANK` set, GPUs (and EFA)
 * requested in the pool's own resource, /dev/shm sized for NCCL, and `karpenter.sh/do-not-disrupt`.
 */
export class GpuTrainingJob extends Construct {
  /** The indexed Job, or the Kubeflow TrainJob when the platform runs Trainer. */
  public readonly job: ApiObject;
  /** The headless Service of the ranks (indexed Job form only). */
  public readonly service?: kplus.k8s.KubeService;

  constructor(scope: Construct, id: string, props: GpuTrainingJobProps) {
    super(scope, id);
    const nodes = props.nodes ?? 1;
    const efa = props.efa ?? (props.pool.pool.efaInterfaces > 0 && props.gpusPerNode.kind === 'whole');
    const resources = gpuPodResources(this.node.path, props.team, props.pool, props.gpusPerNode, { ...props, efa });
    const shm = props.sharedMemoryGiB ?? Math.min(32, Math.floor(resources.memoryGiB / 2));
    const problems: ValidationProblem[] = [];
    if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(props.name ?? ''))
      problems.push({
        path: 'name',
        value: props.name,
        problem: 'not a DNS label of at most 52 characters',
        fix: "use e.g. 'llama-finetune'",
      });
    if (!Number.isInteger(nodes) || nodes < 1)
      problems.push({ path: 'nodes', value: nodes, problem: 'must be a whole number of at least 1', fix: 'use e.g. 2' });
    if (nodes > props.pool.pool.maxNodes)
      problems.push({
        path: 'nodes',
        value: nodes,
        problem: `pool '${props.pool.pool.name}' has at most ${props.pool.pool.maxNodes} nodes`,
        fix: 'use fewer nodes or raise the pool maxNodes',
      });
    if (!(shm > 0)) problems.push({ path: 'sharedMemoryGiB', value: shm, problem: 'must be positive', fix: 'use e.g. 32' });
    else if (shm >= resources.memoryGiB)
      problems.push({
        path: 'sharedMemoryGiB',
        value: shm,
        problem: `/dev/shm is memory and counts against the pod's ${resources.memoryGiB} GiB limit, so the pod would be OOM-killed filling it`,
        fix: `use less than ${resources.memoryGiB} (half of it is a good start), or raise resources.memoryGiB`,
      });
    // All pods of a gang must fit the team's quotas at once, or it never starts whole.
    const quotaProblem = teamGpuQuotaProblem(props.team, props.pool, props.gpusPerNode, nodes, 'nodes', 'pods');
    if (quotaProblem) problems.push(quotaProblem);
    if (resources.cpuCores * nodes > props.team.cpu || resources.memoryGiB * nodes > props.team.memoryGiB) {
      problems.push({
        path: 'nodes',
        value: nodes,
        problem: `${nodes} pods of ${resources.requests.cpu} CPU and ${resources.requests.memory} need more than team '${props.team.namespace}' may request (${props.team.cpu} CPU, ${props.team.memoryGiB} GiB), so its quota would never admit the job whole`,
        fix: "raise the team's computeQuota (or leave it to its default, sized from its GPU quota), or lower resources",
      });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);
    if (props.team.trainer && props.checkpointClaim) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'checkpointClaim',
          value: props.checkpointClaim,
          problem: 'aiready does not yet mount volumes into Kubeflow TrainJobs',
          fix: 'write checkpoints to object storage, or run without Trainer to get the indexed Job form',
        },
      ]);
    }
    const placement = poolPlacement(props.pool, true);
    const ns = props.team.namespace;
    const labels = { ...componentLabels('training'), 'aiready.dev/job': props.name };
    const queue: Record<string, string> = props.team.queueName ? { [KUEUE_QUEUE_LABEL]: props.team.queueName } : {};
    if (props.team.trainer) {
      // Trainer runs the ranks (JobSet) from the pool's runtime, which carries placement and /dev/shm.
      this.job = new ApiObject(this, 'Resource', {
        apiVersion: 'trainer.kubeflow.org/v1alpha1',
        kind: 'TrainJob',
        metadata: { name: props.name, namespace: ns, labels: { ...labels, ...queue } },
        spec: {
          runtimeRef: {
            apiGroup: 'trainer.kubeflow.org',
            kind: 'ClusterTrainingRuntime',
            name: torchRuntimeName(props.pool.pool),
          },
          trainer: {
            image: props.image,
            ...(props.command ? { command: [...props.command] } : {}),
            ...(props.args ? { args: [...props.args] } : {}),
            ...(props.env
              ? {
                  env: Object.entries(props.env)
                    .sort()
                    .map(([name, value]) => ({ name, value })),
                }
              : {}),
            numNodes: nodes,
            resourcesPerNode: { requests: { ...resources.requests }, limits: { ...resources.limits } },
          },
        },
      });
      return;
    }

    this.service = new kplus.k8s.KubeService(this, 'Ranks', {
      metadata: { name: props.name, namespace: ns, labels },
      spec: { clusterIp: 'None', selector: { 'aiready.dev/job': props.name }, ports: [{ name: 'rendezvous', port: 29500 }] },
    });
    const env: kplus.k8s.EnvVar[] = [
      { name: 'MASTER_ADDR', value: `${props.name}-0.${props.name}` },
      { name: 'MASTER_PORT', value: '29500' },
      { name: 'NNODES', value: String(nodes) },
      {
        name: 'NODE_RANK',
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      },
      ...Object.entries(props.env ?? {})
        .sort()
        .map(([name, value]) => ({ name, value })),
    ];
    this.job = new kplus.k8s.KubeJob(this, 'Resource', {
      // In a Kueue platform the job waits in the team's queue and is admitted whole or not at all.
      metadata: {
        name: props.name,
        namespace: ns,
        labels: { ...labels, ...(props.team.queueName ? { [KUEUE_QUEUE_LABEL]: props.team.queueName } : {}) },
      },
      spec: {
        completionMode: 'Indexed',
        completions: nodes,
        parallelism: nodes,
        backoffLimit: props.backoffLimit ?? 0,
        template: {
          metadata: { labels, annotations: placement.annotations },
          spec: {
            subdomain: props.name,
            restartPolicy: 'Never',
            nodeSelector: placement.nodeSelector,
            tolerations: placement.tolerations,
            securityContext: { fsGroup: 1000 },
            containers: [
              {
                name: 'trainer',
                image: props.image,
                ...(props.command ? { command: [...props.command] } : {}),
                ...(props.args ? { args: [...props.args] } : {}),
                env,
                resources: { requests: quantities(resources.requests), limits: quantities(resources.limits) },
                securityContext: containerSecurity(props.runAsRoot ?? false),
                volumeMounts: [
                  { name: 'dshm', mountPath: '/dev/shm' },
                  ...(props.checkpointClaim ? [{ name: 'checkpoints', mountPath: '/checkpoints' }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: kplus.k8s.Quantity.fromString(`${shm}Gi`) } },
              ...(props.checkpointClaim
                ? [{ name: 'checkpoints', persistentVolumeClaim: { claimName: props.checkpointClaim } }]
                : []),
            ],
          },
        },
      },
    });
  }
}
