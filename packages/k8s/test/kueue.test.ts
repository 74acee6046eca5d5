import { GpuPoolSpec, Sharing } from '@aiready/core';
import { App, Chart } from 'cdk8s';
import { AiPlatform, Gpu, GpuTrainingJob } from '../src';
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
    const h100 = cq.spec.resourceGroups[0].flavors.find((f: { name: string }) => f.name === 'h100');
    expect(h100.resources.find((r: { name: string }) => r.name === 'nvidia.com/gpu')).toEqual({
      name: 'nvidia.com/gpu',
      nominalQuota: 8,
      borrowingLimit: 8,
    });
    const mig = cq.spec.resourceGroups[0].flavors.find((f: { name: string }) => f.name === 'mig');
    expect(mig.resources.find((r: { name: string }) => r.name === 'nvidia.com/mig-1g.10gb').nominalQuota).toBe(2);
    expect(only(objs, 'LocalQueue', 'default').spec.clusterQueue).toBe('a');
  });

  test("a team's training jobs go to its queue", () => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8 } });
    const chart = new Chart(app, 'jobs');
    new GpuTrainingJob(chart, 'j', { name: 'ft', team, pool: p.pool('h100'), gpusPerNode: Gpu.whole(8), image: 'trainer:1' });
    expect(only(chart.toJson() as Obj[], 'Job').metadata.labels['kueue.x-k8s.io/queue-name']).toBe('default');
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
      expect(only(p.toJson() as Obj[], 'ClusterQueue', 'b').spec.resourceGroups[0].flavors[0].resources[2]).toEqual({
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
