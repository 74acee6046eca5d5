import { dryAdmission, PodAdmission } from '../src';
import { find } from './fixtures/target';
import { broken, Loose, problems, Target } from './support';

const queue = (t: Target) => find(t, 'ClusterQueue').spec;
const trainJob = (t: Target) => find(t, 'TrainJob');
const kueueConfig = (t: Target, yaml: string) => {
  const kueue = t.plan.resources.find((r) => r.name === 'platform-kueue') as Loose;
  kueue.inputs.values.managerConfig.controllerManagerConfigYaml += yaml;
};
const dry = (t: Target, owner: RegExp): PodAdmission => dryAdmission(t).find((p) => owner.test(p.owner))!;

/** A CPU-only Job in the team namespace, naming no queue. */
const cpuJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'prep', namespace: 'research' },
  spec: {
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'python:3.13', resources: { requests: { cpu: '2', memory: '4Gi' } } }],
      },
    },
  },
};

/** The fixture's queue with CPU and memory in a group of their own, as aiready plans it. */
function twoGroups(t: Target): void {
  const flavors = queue(t).resourceGroups[0].flavors;
  queue(t).resourceGroups = [
    {
      coveredResources: ['cpu', 'memory'],
      flavors: [{ name: 'cpu', resources: [flavors[0].resources[0], flavors[0].resources[1]] }],
    },
    {
      coveredResources: ['nvidia.com/gpu', 'vpc.amazonaws.com/efa'],
      flavors: flavors.map((f: Loose) => ({ name: f.name, resources: f.resources.slice(2) })),
    },
  ];
  t.objects.push({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'cpu' }, spec: {} });
}

describe('Kueue as the target would have it', () => {
  test('a workload that names no queue waits in the namespace LocalQueue called default', () => {
    // GIVEN the TrainJob without its queue label
    const t = broken((x) => delete trainJob(x).metadata.labels);
    // THEN Kueue's LocalQueueDefaulting puts it in research's default queue, and it is admitted there
    expect(dry(t, /^TrainJob/).queue).toEqual({
      localQueue: 'default',
      clusterQueue: 'research',
      defaulted: true,
      held: false,
      podsPerWorkload: 2,
    });
    expect(problems(t, 'queues')).toEqual([]);
  });

  test('throws when Kueue would hold a job forever: it manages jobs without a queue and the namespace has none', () => {
    const t = broken((x) => {
      delete trainJob(x).metadata.labels;
      x.objects.splice(x.objects.indexOf(find(x, 'LocalQueue')), 1);
      kueueConfig(x, 'manageJobsWithoutQueueName: true\n');
    });
    expect(problems(t, 'queues').map((p) => p.problem)).toEqual([
      expect.stringMatching(/names no Kueue queue in namespace research.*no LocalQueue 'default': Kueue holds it forever/),
    ]);
    expect(dry(t, /^TrainJob/).queue).toMatchObject({ held: true });
  });

  test('pod-based workloads in a namespace Kueue does not manage are left alone, labelled or not', () => {
    // GIVEN the Argo template moved to the serving namespace, which Kueue's selector leaves out
    const t = broken((x) => (find(x, 'WorkflowTemplate').metadata.namespace = 'serving'));
    expect(dry(t, /^WorkflowTemplate serving\/evaluate/).queue).toBeUndefined();
    // AND a Job there without a queue is not Kueue's either
    expect(
      dry(
        broken((x) => x.objects.push({ ...cpuJob, metadata: { name: 'prep', namespace: 'serving' } })),
        /prep/,
      ).queue,
    ).toBeUndefined();
  });

  test('with CPU and memory in one group, a CPU-only job gets the first GPU flavor and its node selector', () => {
    // GIVEN the single resource group every flavor of which counts CPU (issue 21 item 5)
    const t = broken((x) => x.objects.push(cpuJob));
    const p = dry(t, /prep/);
    // THEN Kueue would send it to the H100 nodes
    expect(p.flavors).toEqual({ cpu: 'h100', memory: 'h100' });
    expect(p.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100' });
  });

  test('with CPU and memory in a flavor that places nothing, a CPU-only job stays off GPU nodes', () => {
    const t = broken((x) => {
      twoGroups(x);
      x.objects.push(cpuJob);
    });
    const p = dry(t, /prep/);
    expect(p.flavors).toEqual({ cpu: 'cpu', memory: 'cpu' });
    expect(p.nodeSelector).toEqual({});
    expect(p.pools.map((x) => x.name)).toEqual(['cpu', 'system']);
    // AND the GPU pods get one flavor per group: CPU and memory counted once, GPUs in their pool
    expect(dry(t, /^TrainJob/).flavors).toEqual({
      cpu: 'cpu',
      memory: 'cpu',
      'nvidia.com/gpu': 'h100',
      'vpc.amazonaws.com/efa': 'h100',
    });
    expect(problems(t, 'queues')).toEqual([]);
  });

  test("a flavor whose taint the pod does not tolerate (its own and the flavor's tolerations) is passed over", () => {
    const t = broken((x) => {
      find(x, 'ResourceFlavor', 'h100').spec.nodeTaints = [{ key: 'example.com/reserved', effect: 'NoSchedule' }];
    });
    expect(problems(t, 'queues').map((p) => p.problem)).toEqual([
      expect.stringContaining('h100: untolerated taint example.com/reserved:NoSchedule'),
    ]);
    const tolerated = broken((x) => {
      const flavor = find(x, 'ResourceFlavor', 'h100').spec;
      flavor.nodeTaints = [{ key: 'example.com/reserved', effect: 'NoSchedule' }];
      flavor.tolerations = [{ key: 'example.com/reserved', operator: 'Exists', effect: 'NoSchedule' }];
    });
    expect(problems(tolerated, 'queues')).toEqual([]);
    expect(dry(tolerated, /^TrainJob/).tolerations).toContainEqual({
      key: 'example.com/reserved',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  });

  test('resources Kueue excludes are neither covered nor counted', () => {
    const t = broken((x) => {
      queue(x).resourceGroups[0].coveredResources = ['cpu', 'memory', 'nvidia.com/gpu'];
      for (const f of queue(x).resourceGroups[0].flavors) f.resources = f.resources.slice(0, 3);
      kueueConfig(x, 'resources:\n  excludeResourcePrefixes: ["vpc.amazonaws.com/efa"]\n');
    });
    const p = dry(t, /^TrainJob/);
    expect([p.uncovered, p.excluded]).toEqual([[], ['vpc.amazonaws.com/efa']]);
    expect(p.flavors['vpc.amazonaws.com/efa']).toBeUndefined();
  });
});
