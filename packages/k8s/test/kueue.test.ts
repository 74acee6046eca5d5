import { GpuPoolSpec, Sharing } from '@aiready/core';
import { App, Chart } from 'cdk8s';
import { AiPlatform, Gpu, GpuInferenceService, GpuTrainingJob } from '../src';
import * as YAML from 'yaml';
import { Obj, only } from './util';

const POOLS: GpuPoolSpec[] = [
  { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
  { name: 'mig', instanceTypes: ['p4de.24xlarge'], efa: false, maxNodes: 1, sharing: Sharing.mig('all-balanced') },
];

function platform() {
  const app = new App();
  return { app, p: new AiPlatform(app, 'platform', { clusterName: 'c1', pools: POOLS, kueue: true }) };
}

describe('Kueue', () => {
  test('a flavor per pool that carries its label, taints and the tolerations Kueue adds to admitted pods', () => {
    const { p } = platform();
    const flavor = only(p.toJson() as Obj[], 'ResourceFlavor', 'h100');
    expect(flavor.spec).toEqual({
      nodeLabels: { 'aiready.dev/pool': 'h100' },
      nodeTaints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect((p.toJson() as Obj[]).filter((o) => o.kind === 'WorkloadPriorityClass').map((o) => o.value)).toEqual([1000, 100, 10]);
    expect(p.releases.map((r) => r.spec.releaseName)).toContain('kueue');
  });

  test("Kueue's jobs and fail-closed webhooks are scoped to team namespaces, never the platform's own", () => {
    // GIVEN a platform with Kueue and a team
    const { p } = platform();
    p.addTeam({ name: 'a', gpuQuota: { h100: 8 } });
    const objs = p.toJson() as Obj[];
    // THEN the manager config selects only namespaces labelled as Kueue-managed, and the team's is
    const values = only(objs, 'Application', 'kueue').spec.source.helm.valuesObject;
    const config = YAML.parse(values.managerConfig.controllerManagerConfigYaml);
    expect(config.managedJobsNamespaceSelector).toEqual({ matchLabels: { 'aiready.dev/kueue': 'managed' } });
    // AND what Kueue counts and holds is stated: EFA is no quota, jobs there never run past Kueue
    expect(config.resources).toEqual({ excludeResourcePrefixes: ['vpc.amazonaws.com/efa'] });
    expect(config.manageJobsWithoutQueueName).toBe(true);
    expect(config.integrations.frameworks).toEqual(expect.arrayContaining(['batch/job', 'trainer.kubeflow.org/trainjob', 'pod']));
    expect(only(objs, 'Namespace', 'a').metadata.labels['aiready.dev/kueue']).toBe('managed');
    expect(only(objs, 'Namespace', 'gpu-operator').metadata.labels['aiready.dev/kueue']).toBeUndefined();
  });

  test('a ClusterQueue per team in one cohort, with GPU quotas per pool (MIG slices included) and a LocalQueue', () => {
    const { p } = platform();
    p.addTeam({ name: 'a', gpuQuota: { h100: 8, mig: 1 } });
    const objs = p.toJson() as Obj[];
    const cq = only(objs, 'ClusterQueue', 'a');
    expect(cq.spec.cohortName).toBe('aiready');
    const gpus = cq.spec.resourceGroups[1];
    const h100 = gpus.flavors.find((f: { name: string }) => f.name === 'h100');
    expect(h100.resources.find((r: { name: string }) => r.name === 'nvidia.com/gpu')).toEqual({
      name: 'nvidia.com/gpu',
      nominalQuota: 8,
      borrowingLimit: 8,
    });
    const mig = gpus.flavors.find((f: { name: string }) => f.name === 'mig');
    expect(mig.resources.find((r: { name: string }) => r.name === 'nvidia.com/mig-1g.10gb').nominalQuota).toBe(2);
    expect(only(objs, 'LocalQueue', 'default').spec.clusterQueue).toBe('a');
  });

  test('CPU and memory are one resource group with a flavor that places nothing, counted once for the team', () => {
    // GIVEN a team with GPUs in two pools
    const { p } = platform();
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8, mig: 1 }, borrowGpus: { h100: 0, mig: 0 } });
    const objs = p.toJson() as Obj[];
    const groups = only(objs, 'ClusterQueue', 'a').spec.resourceGroups;
    // THEN CPU and memory have their own group and one flavor, at the team's compute quota
    expect(groups[0]).toEqual({
      coveredResources: ['cpu', 'memory'],
      flavors: [
        {
          name: 'cpu',
          resources: [
            { name: 'cpu', nominalQuota: String(team.cpu), borrowingLimit: '0' },
            { name: 'memory', nominalQuota: `${team.memoryGiB}Gi`, borrowingLimit: '0Gi' },
          ],
        },
      ],
    });
    // AND no GPU flavor counts CPU or memory again, so the queue admits no more than the namespace quota
    for (const f of groups[1].flavors)
      expect(f.resources.map((r: { name: string }) => r.name)).not.toEqual(expect.arrayContaining(['cpu']));
    const quota = only(objs, 'ResourceQuota', 'team-quota').spec.hard;
    expect(quota['requests.cpu']).toBe(String(team.cpu));
    // AND the cpu flavor has no node labels, taints or tolerations: a CPU-only pod gets no GPU node's selector
    expect(only(objs, 'ResourceFlavor', 'cpu').spec).toEqual({});
  });

  test('throws when a pool is named like the CPU flavor', () => {
    expect(
      () =>
        new AiPlatform(new App(), 'p', {
          clusterName: 'c1',
          kueue: true,
          pools: [{ name: 'cpu', instanceTypes: ['g6.xlarge'] }],
        }),
    ).toThrow(/pools\[0\]\.name = "cpu".*the Kueue flavor that counts CPU and memory.*Fix: name the pool after its GPUs/);
  });

  test('borrowing end to end: the namespace quota holds what the queue admits with borrowed GPUs', () => {
    // GIVEN two teams of a 16-GPU pool; b holds 8 and may borrow 8 from a
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: [POOLS[0]],
      kueue: true,
      teams: [
        { name: 'a', gpuQuota: { h100: 8 }, borrowGpus: { h100: 0 } },
        { name: 'b', gpuQuota: { h100: 8 }, borrowGpus: { h100: 8 } },
      ],
    });
    const b = p.teams.find((t) => t.namespace === 'b')!;
    // WHEN b runs a 2-node job of 8 GPUs each, 8 more than its own quota
    const job = new GpuTrainingJob(new Chart(app, 'jobs'), 'j', {
      name: 'ft',
      team: b,
      pool: p.pool('h100'),
      gpusPerNode: Gpu.whole(8),
      nodes: 2,
      image: 'trainer:1',
    });
    const objs = app.charts.flatMap((c) => c.toJson()) as Obj[];
    const cq = only(objs, 'ClusterQueue', 'b').spec.resourceGroups;
    const gpu = cq[1].flavors[0].resources.find((r: { name: string }) => r.name === 'nvidia.com/gpu');
    const cpu = cq[0].flavors[0].resources[0];
    const quota = objs.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === 'b')!.spec.hard;
    const pods = (job.job.toJson() as Obj).spec.template.spec.containers[0].resources.requests;
    // THEN the queue can admit it (8 own + 8 borrowed from a's idle nominal)
    expect(gpu).toEqual({ name: 'nvidia.com/gpu', nominalQuota: 8, borrowingLimit: 8 });
    // AND the namespace quota admits every pod Kueue admits: GPUs and the CPU they borrow with them
    expect(quota['requests.nvidia.com/gpu']).toBe(16);
    const cores = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
    expect(Number(quota['requests.cpu'])).toBe(Number(cpu.nominalQuota) + Number(cpu.borrowingLimit));
    expect(Number(quota['requests.cpu'])).toBeGreaterThanOrEqual(2 * cores(pods.cpu));
    expect(parseInt(quota['requests.memory'], 10)).toBeGreaterThanOrEqual(2 * parseInt(pods.memory, 10));
    // AND the lender's quota stays its own: it borrows nothing
    const a = objs.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === 'a')!.spec.hard;
    expect(a['requests.nvidia.com/gpu']).toBe(8);
  });

  test("a team's training jobs go to its queue", () => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8 } });
    const chart = new Chart(app, 'jobs');
    new GpuTrainingJob(chart, 'j', { name: 'ft', team, pool: p.pool('h100'), gpusPerNode: Gpu.whole(8), image: 'trainer:1' });
    expect(only(chart.toJson() as Obj[], 'Job').metadata.labels['kueue.x-k8s.io/queue-name']).toBe('default');
  });

  test("a team's workloads name its queue and, when given, a priority class the platform creates", () => {
    // GIVEN a Kueue platform with a team running a high-priority fine-tune and a low-priority server
    const { app, p } = platform();
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8, mig: 1 } });
    const chart = new Chart(app, 'w');
    new GpuTrainingJob(chart, 'j', {
      name: 'ft',
      team,
      pool: p.pool('h100'),
      gpusPerNode: Gpu.whole(8),
      image: 'trainer:1',
      priority: 'high',
    });
    new GpuInferenceService(chart, 's', {
      name: 'llm',
      team,
      pool: p.pool('mig'),
      gpusPerReplica: Gpu.mig('1g.10gb'),
      image: 'server:1',
      port: 8000,
      priority: 'low',
    });
    const objs = chart.toJson() as Obj[];
    // THEN each carries its queue and its WorkloadPriorityClass, which Kueue copies to the pods it admits
    expect(only(objs, 'Job', 'ft').metadata.labels).toMatchObject({
      'kueue.x-k8s.io/queue-name': 'default',
      'kueue.x-k8s.io/priority-class': 'aiready-high',
    });
    expect(only(objs, 'Deployment', 'llm').metadata.labels).toMatchObject({
      'kueue.x-k8s.io/queue-name': 'default',
      'kueue.x-k8s.io/priority-class': 'aiready-low',
    });
    const classes = (p.toJson() as Obj[]).filter((o) => o.kind === 'WorkloadPriorityClass').map((o) => o.metadata.name);
    expect(classes).toEqual(expect.arrayContaining(['aiready-high', 'aiready-low']));
  });

  test('a KServe InferenceService puts its queue and priority on the predictor pods', () => {
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: POOLS,
      kueue: true,
      kserve: { deploymentMode: 'Standard', certManagerInstalled: true },
    });
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8 } });
    const isvc = new GpuInferenceService(new Chart(app, 'w'), 's', {
      name: 'llm',
      team,
      pool: p.pool('h100'),
      gpusPerReplica: Gpu.whole(1),
      image: 'server:1',
      port: 8000,
      priority: 'normal',
    });
    expect((isvc.deployment.toJson() as Obj).spec.predictor.labels).toEqual({
      'kueue.x-k8s.io/queue-name': 'default',
      'kueue.x-k8s.io/priority-class': 'aiready-normal',
    });
  });

  test.each([
    [
      'a priority is not one of the classes',
      true,
      'urgent',
      /priority = "urgent": not a workload priority.*use one of high, normal, low/,
    ],
    ['a priority is asked on a platform without Kueue', false, 'high', /priority = "high".*has no Kueue queue/],
  ])('throws when %s', (_why, kueue, priority, message) => {
    const app = new App();
    const p = new AiPlatform(app, 'platform', { clusterName: 'c1', pools: POOLS, kueue });
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8 } });
    expect(
      () =>
        new GpuTrainingJob(new Chart(app, 'j'), 'j', {
          name: 'ft',
          team,
          pool: p.pool('h100'),
          gpusPerNode: Gpu.whole(8),
          image: 'trainer:1',
          priority: priority as never,
        }),
    ).toThrow(message);
  });

  test('throws when a team opts out of a queue while Kueue runs', () => {
    expect(() => platform().p.addTeam({ name: 'a', queue: false })).toThrow(/queue = false.*only through a queue/);
  });

  test('throws when a team would borrow more than the rest of the cohort holds, checked over all teams at synth', () => {
    // GIVEN a team that borrows more than the others hold
    const { p } = platform();
    p.addTeam({ name: 'a', gpuQuota: { h100: 4 } });
    p.addTeam({ name: 'b', gpuQuota: { h100: 4 }, borrowGpus: { h100: 8 } });
    // THEN synth refuses it, naming the team
    expect(() => p.toJson()).toThrow(/teams\[1\]\.borrowGpus\["h100"\] = 8.*hold 4 GPUs/);
    // AND a pool that does not exist is refused at once
    expect(() => p.addTeam({ name: 'c', borrowGpus: { a100: 1 } })).toThrow(/borrowGpus\["a100"\].*no such pool/);
  });

  test('borrowing does not depend on the order teams are added in', () => {
    // GIVEN team b borrows from team a, added before and after it
    const borrower = { name: 'b', gpuQuota: { h100: 2 }, borrowGpus: { h100: 6 } };
    const lender = { name: 'a', gpuQuota: { h100: 6 } };
    for (const order of [
      [lender, borrower],
      [borrower, lender],
    ]) {
      const { p } = platform();
      for (const t of order) p.addTeam(t);
      // THEN both orders synthesize, with the same queues
      expect(() => p.toJson()).not.toThrow();
      expect(only(p.toJson() as Obj[], 'ClusterQueue', 'b').spec.resourceGroups[1].flavors[0].resources[0]).toEqual({
        name: 'nvidia.com/gpu',
        nominalQuota: 2,
        borrowingLimit: 6,
      });
    }
    // AND the same holds for teams given to the platform together, in either order
    for (const teams of [
      [lender, borrower],
      [borrower, lender],
    ]) {
      expect(() => new AiPlatform(new App(), 'p', { clusterName: 'c1', pools: POOLS, kueue: true, teams })).not.toThrow();
    }
  });
});
