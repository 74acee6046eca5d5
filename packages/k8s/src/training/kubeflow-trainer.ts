import { AireadyValidationError, CHARTS, DO_NOT_DISRUPT_ANNOTATION, GpuPool, POOL_LABEL, tolerationsFor } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { componentLabels } from '../private/metadata';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';
import { containerSecurity } from '../workloads/pod-parts';

/** The PyTorch image of aiready's training runtimes (pinned, like every version). */
export const TORCH_RUNTIME_IMAGE = 'pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime';

/** Name of the torch ClusterTrainingRuntime of a pool. */
export function torchRuntimeName(pool: GpuPool): string {
  return `aiready-torch-${pool.name}`;
}

/** Props of `KubeflowTrainer`. */
export interface KubeflowTrainerProps {
  /**
   * Confirms JobSet is installed separately, when `values` turn off the JobSet the chart bundles.
   * @default false
   */
  readonly jobsetInstalledSeparately?: boolean;
  /** Raw chart values deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm release is installed. @default - the enclosing platform's, else ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * Kubeflow Trainer v2 (chart from the version lock, with the JobSet it needs) and, per GPU pool, a
 * torch `ClusterTrainingRuntime` whose pods already carry the pool's node selector and tolerations.
 * The chart installs its default runtimes through a post-install hook, which some materialisers drop;
 * aiready turns those off and renders its runtimes as ordinary objects instead, so they exist under
 * every materialiser.
 */
export class KubeflowTrainer extends Construct {
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, pools: readonly GpuPool[], props: KubeflowTrainerProps = {}) {
    super(scope, id);
    const labels = componentLabels('kubeflow-trainer');
    this.namespaceObject = ownedNamespace(this, CHARTS.kubeflowTrainer.namespace, 'kubeflow-trainer', 'baseline');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.kubeflowTrainer,
      component: 'kubeflow-trainer',
      values: { crds: { enabled: true }, jobset: { install: true }, runtimes: { defaultEnabled: false } },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
    const jobset = (this.release.spec.values.jobset as { install?: boolean } | undefined)?.install;
    if (jobset === false && !props.jobsetInstalledSeparately) {
      throw new AireadyValidationError(this.node.path, [
        {
          path: 'values.jobset.install',
          value: false,
          problem: 'Trainer runs every TrainJob as a JobSet, and JobSet would not be installed',
          fix: 'keep jobset.install, or install JobSet yourself and set jobsetInstalledSeparately: true',
        },
      ]);
    }
    for (const pool of pools) {
      new ApiObject(this, `Runtime-${pool.name}`, {
        apiVersion: 'trainer.kubeflow.org/v1alpha1',
        kind: 'ClusterTrainingRuntime',
        metadata: { name: torchRuntimeName(pool), labels: { ...labels, 'trainer.kubeflow.org/framework': 'torch' } },
        spec: {
          mlPolicy: { numNodes: 1, torch: {} },
          template: {
            spec: {
              replicatedJobs: [
                {
                  name: 'node',
                  template: {
                    metadata: { labels: { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' } },
                    spec: {
                      template: {
                        ...(pool.purpose === 'training'
                          ? { metadata: { annotations: { [DO_NOT_DISRUPT_ANNOTATION]: 'true' } } }
                          : {}),
                        spec: {
                          nodeSelector: { [POOL_LABEL]: pool.name },
                          tolerations: tolerationsFor(pool.taints).map((t) => ({ ...t })),
                          containers: [
                            {
                              name: 'node',
                              image: TORCH_RUNTIME_IMAGE,
                              command: ['torchrun'],
                              // TrainJobs run in team namespaces that enforce Pod Security restricted.
                              securityContext: containerSecurity(false),
                              volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
                            },
                          ],
                          // NCCL needs far more shared memory than the container default.
                          volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } }],
                        },
                      },
                    },
                  },
                },
              ],
            },
          },
        },
      });
    }
  }
}

/** Kubeflow Trainer in the platform: teams' training jobs become TrainJobs. */
export const KUBEFLOW_TRAINER_COMPONENT: PlatformComponent<KubeflowTrainer> = {
  id: 'kubeflow-trainer',
  build: ({ scope, plan }) =>
    plan.components.kubeflowTrainer
      ? new KubeflowTrainer(scope, 'kubeflow-trainer', plan.pools, { values: plan.values.kubeflowTrainer })
      : undefined,
  team: () => ({ workloads: { trainer: true } }),
};
