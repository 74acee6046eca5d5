import { checkAdmission } from '../src';
import { find } from './fixtures/target';
import { broken, problems, refusal, server, serverPod, Target, Loose } from './support';

const trainer = (t: Target) => find(t, 'TrainJob').spec.trainer;
const step = (t: Target) => find(t, 'WorkflowTemplate').spec.templates[1].container;
const limitRange = (t: Target, name = 'research') =>
  t.objects.find((o) => o.kind === 'LimitRange' && o.metadata?.namespace === name) as Loose;
const quota = (t: Target) => find(t, 'ResourceQuota').spec.hard;

describe('offline admission: LimitRange and ResourceQuota', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'resources',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'a LimitRange default caps a GPU pod below its GPU memory (issue 13 item 8)',
      (t) => {
        delete step(t).resources.limits.memory;
        delete step(t).resources.requests.memory;
      },
      'is defaulted by LimitRange research/team-defaults below what its GPUs hold: 1 x nvidia.com/gpu of NVIDIA L40S',
    ],
    [
      'the TrainJob leaves memory to the LimitRange default',
      (t) => {
        delete trainer(t).resourcesPerNode.limits.memory;
        delete trainer(t).resourcesPerNode.requests.memory;
      },
      '8 x nvidia.com/gpu of NVIDIA H100',
    ],
    [
      '/dev/shm is larger than the memory limit',
      (t) =>
        (find(
          t,
          'ClusterTrainingRuntime',
        ).spec.template.spec.replicatedJobs[0].template.spec.template.spec.volumes[0].emptyDir.sizeLimit = '2Ti'),
      'the memory-backed volume "dshm" counts against the memory limit of container "node"',
    ],
    [
      'a container exceeds the LimitRange max',
      (t) => (limitRange(t).spec.limits[0].max = { memory: '32Gi' }),
      'exceeds the maximum 32Gi of LimitRange research/team-defaults',
    ],
    [
      'a container requests less than the LimitRange min',
      (t) => (limitRange(t).spec.limits[0].min = { cpu: '4' }),
      'is below the minimum 4 of LimitRange research/team-defaults',
    ],
    [
      'a limit is more than maxLimitRequestRatio times the request',
      (t) => {
        limitRange(t).spec.limits[0].maxLimitRequestRatio = { memory: '1' };
        step(t).resources.requests.memory = '8Gi';
      },
      'maxLimitRequestRatio',
    ],
    [
      'one pod needs more GPUs than the quota',
      (t) => (quota(t)['requests.nvidia.com/gpu'] = '4'),
      'one pod needs more than ResourceQuota research/team-quota allows (requests.nvidia.com/gpu: 4)',
    ],
    [
      'the quota can never admit the whole gang',
      (t) => (quota(t)['requests.nvidia.com/gpu'] = '12'),
      'the quota can never admit the whole gang: ResourceQuota research/team-quota allows requests.nvidia.com/gpu: 12, the 2 pods that must run together need 16',
    ],
    [
      'a quota constrains limits.cpu and no container states it',
      (t) => (quota(t)['limits.cpu'] = '1000'),
      'constrains limits.cpu, so the pod is refused: must specify limits.cpu',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('a GPU pod with a small explicit memory limit is a warning, not an error', () => {
    // GIVEN the inference server limited to 2Gi on an L4 share
    const t = broken((x) => {
      server(x).resources.limits.memory = '2Gi';
      server(x).resources.requests.memory = '2Gi';
    });
    // THEN nothing is refused (the user chose it)
    expect(problems(t, 'resources')).toEqual([]);
  });

  test('replicas beyond the quota are a warning for non-gang workloads', () => {
    // GIVEN two inference replicas of 600 CPUs under a quota of 1000
    const t = broken((x) => {
      (x.objects.find((o) => o.kind === 'ResourceQuota') as Loose).metadata.namespace = 'serving';
      serverPod(x).containers[0].resources.requests.cpu = '600';
    });
    // THEN one replica fits: a warning, no error
    expect(problems(t, 'resources')).toEqual([]);
    expect(checkAdmission(t).warnings.map((w) => w.message)).toContain(
      'only 1 of 2 replicas fit ResourceQuota serving/team-quota (requests.cpu: 1000)',
    );
  });
});
