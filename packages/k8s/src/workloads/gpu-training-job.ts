import {
  AireadyValidationError,
  GpuPool,
  indexedJobRendezvousEnv,
  TORCH_RENDEZVOUS_PORT,
  ValidationProblem,
  ValidationWarning,
} from '@aiready/core';
import { reportWarnings } from '../platform/warning-sink';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels } from '../private/metadata';
import { torchRuntimeName } from '../training/kubeflow-trainer';
import { ApiObject } from 'cdk8s';
import { Team } from '../teams/team';
import { Gpu } from './gpu';
import {
  containerSecurity,
  GpuContainerOptions,
  gpuPodResources,
  kueueLabels,
  poolPlacement,
  quantities,
  sharedMemoryGiB,
  sharedMemoryVolume,
  teamGpuQuotaProblem,
} from './pod-parts';

/** Props of `GpuTrainingJob`. */
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
 * Soft issues of a training job on `pool`: a job that runs, but slowly or at risk. A multi-node job
 * without EFA carries NCCL over TCP; a job on spot capacity without a checkpoint volume loses its
 * progress when a node is reclaimed.
 */
export function trainingJobWarnings(
  path: string,
  pool: GpuPool,
  job: { readonly nodes: number; readonly efa: boolean; readonly wholeGpus: boolean; readonly checkpointClaim?: string },
): ValidationWarning[] {
  const warnings: ValidationWarning[] = [];
  if (job.nodes > 1 && job.wholeGpus && !job.efa) {
    warnings.push({
      path: `${path}.nodes`,
      message: `${job.nodes} nodes exchange NCCL traffic over TCP: ${pool.efaInterfaces > 0 ? 'efa is off for this job' : `pool '${pool.name}' has no EFA`}, so gradients cross nodes many times slower; use an EFA pool (p4d, p5...) for multi-node training, or one node`,
    });
  }
  if (pool.capacityType === 'spot' && job.checkpointClaim === undefined) {
    warnings.push({
      path: `${path}.checkpointClaim`,
      message: `pool '${pool.name}' runs on spot capacity, which AWS reclaims at two minutes' notice, and the job mounts no checkpoint volume: unless it writes checkpoints to object storage itself, an interruption restarts it from the beginning`,
    });
  }
  return warnings;
}

/**
 * A distributed PyTorch-style training job: a Kubeflow `TrainJob` when the platform runs Trainer, else
 * an indexed Job with one pod per node, a stable DNS name per pod (a headless Service), and the
 * rendezvous settings `torchrun` reads (`PET_NNODES`, `PET_NODE_RANK`, `PET_MASTER_ADDR`,
 * `PET_MASTER_PORT`, `PET_NPROC_PER_NODE`, plus `MASTER_ADDR`, `MASTER_PORT`, `NNODES`, `NODE_RANK`
 * for other launchers); GPUs (and EFA) requested in the pool's own resource, /dev/shm sized for NCCL,
 * and `karpenter.sh/do-not-disrupt`. On a Kueue platform it waits in its team's queue and is admitted
 * whole or not at all.
 */
export class GpuTrainingJob extends Construct {
  /** The indexed Job, or the Kubeflow TrainJob when the platform runs Trainer. */
  public readonly job: ApiObject;
  /** The headless Service of the ranks (indexed Job form only). */
  public readonly service?: kplus.k8s.KubeService;
  /** Soft issues of the job (also added to its team's platform, whose summary lists them). */
  public readonly warnings: readonly ValidationWarning[];

  constructor(scope: Construct, id: string, props: GpuTrainingJobProps) {
    super(scope, id);
    const nodes = props.nodes ?? 1;
    const efa = props.efa ?? (props.pool.pool.efaInterfaces > 0 && props.gpusPerNode.kind === 'whole');
    const resources = gpuPodResources(this.node.path, props.team, props.pool, props.gpusPerNode, { ...props, efa });
    const shm = sharedMemoryGiB(props.sharedMemoryGiB, resources.memoryGiB, 'sharedMemoryGiB');
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
    if (shm.problem) problems.push(shm.problem);
    // All pods of a gang must fit the team's quotas at once, or it never starts whole.
    const quotaProblem = teamGpuQuotaProblem(props.team, props.pool, props.gpusPerNode, nodes, 'nodes', 'pods');
    if (quotaProblem) problems.push(quotaProblem);
    const most = props.team.plan.namespaceQuota;
    if (resources.cpuCores * nodes > most.cpu || resources.memoryGiB * nodes > most.memoryGiB) {
      problems.push({
        path: 'nodes',
        value: nodes,
        problem: `${nodes} pods of ${resources.requests.cpu} CPU and ${resources.requests.memory} need more than team '${props.team.namespace}' may request (${most.cpu} CPU, ${most.memoryGiB} GiB), so its quota would never admit the job whole`,
        fix: "raise the team's computeQuota (or leave it to its default, sized from its GPU quota), or lower resources",
      });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);
    this.warnings = trainingJobWarnings(this.node.path, props.pool.pool, {
      nodes,
      efa,
      wholeGpus: props.gpusPerNode.kind === 'whole',
      checkpointClaim: props.checkpointClaim,
    });
    reportWarnings(props.team, this.warnings);
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
    const queue = kueueLabels(this.node.path, props.team, props.priority);
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
      spec: {
        clusterIp: 'None',
        selector: { 'aiready.dev/job': props.name },
        ports: [{ name: 'rendezvous', port: TORCH_RENDEZVOUS_PORT }],
      },
    });
    // What the user sets wins (a launcher of its own may want another port or process count).
    const rendezvous = indexedJobRendezvousEnv({ name: props.name, nodes, procsPerNode: props.gpusPerNode.count }).filter(
      (e) => !(e.name in (props.env ?? {})),
    );
    const env: kplus.k8s.EnvVar[] = [
      ...rendezvous.map((e) => ('value' in e ? { ...e } : { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } })),
      ...Object.entries(props.env ?? {})
        .sort()
        .map(([name, value]) => ({ name, value })),
    ];
    this.job = new kplus.k8s.KubeJob(this, 'Resource', {
      metadata: { name: props.name, namespace: ns, labels: { ...labels, ...queue } },
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
                  sharedMemoryVolume(shm.sizeGiB).mount,
                  ...(props.checkpointClaim ? [{ name: 'checkpoints', mountPath: '/checkpoints' }] : []),
                ],
              },
            ],
            volumes: [
              sharedMemoryVolume(shm.sizeGiB).volume,
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
