import { find } from './fixtures/target';
import { broken, problems, refusal, Target, Loose } from './support';

const queue = (t: Target) => find(t, 'ClusterQueue').spec;
const h100 = (t: Target) =>
  queue(t).resourceGroups[0].flavors[0].resources as { name: string; nominalQuota: string; borrowingLimit?: string }[];

describe('offline admission: Kueue and training semantics', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'queues',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'a queued TrainJob requests EFA its ClusterQueue does not cover (issue 21 item 1)',
      (t) => {
        queue(t).resourceGroups[0].coveredResources = ['cpu', 'memory', 'nvidia.com/gpu'];
        for (const f of queue(t).resourceGroups[0].flavors)
          f.resources = f.resources.filter((r: { name: string }) => r.name !== 'vpc.amazonaws.com/efa');
      },
      'requests vpc.amazonaws.com/efa, which ClusterQueue research does not cover',
    ],
    [
      'no flavor can ever hold the whole gang',
      (t) => (h100(t).find((r) => r.name === 'nvidia.com/gpu')!.nominalQuota = '8'),
      'no flavor of ClusterQueue research can ever hold the whole workload (nominal quota plus what it may borrow) and match its node selector and tolerations, so Kueue never admits it (h100: holds at most 8 nvidia.com/gpu; l40s: its node labels do not match',
    ],
    [
      'the namespace quota refuses what Kueue admits by borrowing (issue 21 item 8)',
      (t) => {
        t.objects.push({
          apiVersion: 'kueue.x-k8s.io/v1beta2',
          kind: 'ClusterQueue',
          metadata: { name: 'other' },
          spec: {
            cohortName: 'shared',
            namespaceSelector: { matchLabels: { team: 'other' } },
            resourceGroups: [
              {
                coveredResources: ['nvidia.com/gpu'],
                flavors: [{ name: 'h100', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '16' }] }],
              },
            ],
          },
        });
        queue(t).cohortName = 'shared';
      },
      'is below what ClusterQueue research may admit in the namespace with borrowed capacity',
    ],
    [
      'an indexed Job runs torchrun without the variables torchrun reads (issue 21 item 7)',
      (t) =>
        t.objects.push({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'ddp', namespace: 'serving' },
          spec: {
            completionMode: 'Indexed',
            completions: 2,
            parallelism: 2,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'train',
                    image: 'pytorch/pytorch:2.8.0',
                    command: ['torchrun'],
                    args: ['train.py'],
                    env: [{ name: 'MASTER_ADDR', value: 'ddp-0.ddp' }],
                    resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      capabilities: { drop: ['ALL'] },
                      runAsNonRoot: true,
                      runAsUser: 1000,
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                  },
                ],
              },
            },
          },
        }),
      'runs torchrun across 2 pods without PET_NNODES, PET_NODE_RANK, PET_MASTER_ADDR, PET_MASTER_PORT',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test.each<[string, string[], Record<string, string>, string[]]>([
    [
      'nothing set',
      ['train.py'],
      {},
      ['PET_NNODES', 'PET_NODE_RANK', 'PET_MASTER_ADDR', 'PET_MASTER_PORT', 'PET_NPROC_PER_NODE'],
    ],
    [
      'the rendezvous as flags, processes per node missing',
      ['--nnodes=2', '--node-rank=0', '--master-addr=ddp-0.ddp', '--master_port=29500', 'train.py'],
      {},
      ['PET_NPROC_PER_NODE'],
    ],
    [
      'the rendezvous as PET_* variables',
      ['train.py'],
      { PET_NNODES: '2', PET_NODE_RANK: '0', PET_MASTER_ADDR: 'a', PET_MASTER_PORT: '1', PET_NPROC_PER_NODE: '8' },
      [],
    ],
    ['a rendezvous endpoint', ['--rdzv-endpoint=ddp-0.ddp:29500', 'train.py'], {}, []],
  ])('an indexed Job running torchrun across pods, with %s', (_, args, env, missing) => {
    // GIVEN a two-pod indexed Job launched with torchrun
    const t = broken((x) =>
      x.objects.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'ddp', namespace: 'serving' },
        spec: {
          completionMode: 'Indexed',
          completions: 2,
          parallelism: 2,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'train',
                  image: 'pytorch/pytorch:2.8.0',
                  command: ['torchrun'],
                  args,
                  env: Object.entries(env).map(([name, value]) => ({ name, value })),
                  resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } },
                },
              ],
            },
          },
        },
      }),
    );
    // THEN it is refused exactly for what torchrun would lack
    expect(problems(t, 'queues').flatMap((p) => p.value as string[])).toEqual(missing);
  });

  test("EFA excluded from Kueue's accounting needs no coverage", () => {
    const t = broken((x) => {
      queue(x).resourceGroups[0].coveredResources = ['cpu', 'memory', 'nvidia.com/gpu'];
      const kueue = x.plan.resources.find((r) => r.name === 'platform-kueue') as Loose;
      kueue.inputs.values.managerConfig.controllerManagerConfigYaml +=
        'resources:\n  excludeResourcePrefixes: ["vpc.amazonaws.com/"]\n';
    });
    expect(problems(t, 'queues')).toEqual([]);
  });
});
