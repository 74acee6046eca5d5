import { App, Chart } from 'cdk8s';
import { normalizeGpuPools } from '@aiready/core';
import { AiPlatform, Gpu, GpuTrainingJob, KubeflowTrainer } from '../src';
import { Obj, only, releaseValues } from './util';

function platform() {
  const app = new App();
  const p = new AiPlatform(app, 'platform', {
    clusterName: 'c1',
    kubeflowTrainer: true,
    pools: [
      { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] },
      { name: 'l40s', instanceTypes: ['g6e.xlarge'] },
    ],
  });
  return { app, p };
}

describe('KubeflowTrainer', () => {
  test('chart with JobSet, hook-installed default runtimes off, a torch runtime per pool carrying its placement', () => {
    const { p } = platform();
    const objs = p.toJson() as Obj[];
    expect(releaseValues(objs, 'kubeflow-trainer')).toEqual({
      crds: { enabled: true },
      jobset: { install: true },
      runtimes: { defaultEnabled: false },
    });
    const runtime = only(objs, 'ClusterTrainingRuntime', 'aiready-torch-h100');
    const pod = runtime.spec.template.spec.replicatedJobs[0].template.spec.template;
    expect(pod.spec.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100' });
    expect(pod.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    // TrainJob pods run in team namespaces that enforce Pod Security restricted.
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(
      only(objs, 'ClusterTrainingRuntime', 'aiready-torch-l40s').spec.template.spec.replicatedJobs[0].template.spec.template
        .metadata,
    ).toBeUndefined();
  });

  test('training jobs become TrainJobs on their pool runtime', () => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'r', gpuQuota: { h100: 16 } });
    const chart = new Chart(app, 'jobs');
    new GpuTrainingJob(chart, 'j', {
      name: 'ft',
      team,
      pool: p.pool('h100'),
      gpusPerNode: Gpu.whole(8),
      nodes: 2,
      image: 'trainer:1',
      args: ['train.py'],
    });
    const tj = only(chart.toJson() as Obj[], 'TrainJob', 'ft');
    expect(tj.spec).toEqual({
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: 'aiready-torch-h100' },
      trainer: {
        image: 'trainer:1',
        args: ['train.py'],
        numNodes: 2,
        resourcesPerNode: {
          requests: { cpu: '153600m', memory: '1638Gi' },
          limits: { memory: '1638Gi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
        },
      },
    });
  });

  test('throws when a TrainJob is asked to mount a checkpoint volume', () => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'r', gpuQuota: { l40s: 1 } });
    expect(
      () =>
        new GpuTrainingJob(new Chart(app, 'jobs'), 'j', {
          name: 'ft',
          team,
          pool: p.pool('l40s'),
          gpusPerNode: Gpu.whole(1),
          image: 'trainer:1',
          checkpointClaim: 'ckpt',
        }),
    ).toThrow(/checkpointClaim.*object storage/);
  });
});

describe('KubeflowTrainer rules', () => {
  test('throws when JobSet would not be installed', () => {
    const app = new App();
    const pools = [{ name: 'g', instanceTypes: ['g6.xlarge'] }];
    const chart = new Chart(app, 'c');
    expect(() => new KubeflowTrainer(chart, 't', normalizeGpuPools(pools), { values: { jobset: { install: false } } })).toThrow(
      /values\.jobset\.install.*JobSet/,
    );
    expect(
      () =>
        new KubeflowTrainer(chart, 't2', normalizeGpuPools(pools), {
          values: { jobset: { install: false } },
          jobsetInstalledSeparately: true,
        }),
    ).not.toThrow();
  });
});
