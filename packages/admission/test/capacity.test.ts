import { eksAllocatable } from '@aiready/core';
import { planResource } from './fixtures/target';
import { broken, problems, Target } from './support';

/** A controller that may run only on the system node group. */
const controller = (kind: string, cpu: string, replicas: number, priorityClassName?: string) => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name: `ctl-${kind.toLowerCase()}`, namespace: 'kube-system' },
  spec: {
    ...(kind === 'Job' ? {} : { replicas, selector: { matchLabels: { app: 'ctl' } } }),
    template: {
      metadata: { labels: { app: 'ctl' } },
      spec: {
        nodeSelector: { 'aiready.dev/pool': 'system' },
        ...(priorityClassName ? { priorityClassName } : {}),
        ...(kind === 'Job' ? { restartPolicy: 'Never' } : {}),
        containers: [{ name: 'c', image: 'registry.example/ctl:1', resources: { requests: { cpu, memory: '256Mi' } } }],
      },
    },
  },
});

const SYSTEM = 'aws:eks/nodeGroup:NodeGroup';

describe('offline admission: capacity of fixed node groups', () => {
  test('eksAllocatable follows the EKS AMI reservations (m7i.large: 1.93 CPU)', () => {
    const a = eksAllocatable(2, 8, 29);
    expect(Math.round(a.cpu * 1000)).toBe(1930);
    expect(a.memory).toBe((8 * 1024 - 255 - 11 * 29 - 100) * 1024 * 1024);
  });

  test('throws when controllers that run only on the system node group do not fit its minimum nodes', () => {
    // GIVEN 2 x m7i.large (1.73 CPU each after the add-ons) and a controller asking 2 x 2 CPU there
    const t = broken((x: Target) => x.objects.push(controller('Deployment', '2', 2) as never));
    // THEN the node group is named, with the sum, the capacity and the fix
    const [p] = problems(t, 'scheduling').filter((x) => x.object === 'node group system-ng');
    expect(p).toMatchObject({ field: 'minNodes', value: '2 x m7i.large' });
    expect(p.problem).toMatch(
      /request 4\.2 CPU .* \(3\.46 CPU, .*\): some stay Pending \(cpu\); the largest: Deployment kube-system\/ctl-deployment 4 CPU/,
    );
    expect(p.fix).toMatch(
      /raise the node group's minimum to 3 nodes, or use a larger instance type \(each m7i.xlarge offers 3\.72 CPU\)/,
    );
  });

  test.each<[string, (t: Target) => void]>([
    ['the node group uses m7i.xlarge', (t) => (planResource(t, SYSTEM, 'system-ng').inputs.instanceTypes = ['m7i.xlarge'])],
    ['the node group has 3 nodes', (t) => (planResource(t, SYSTEM, 'system-ng').inputs.scalingConfig.minSize = 3)],
    [
      'the cluster autoscaler scales it',
      (t) =>
        t.plan.resources.push({
          type: 'aws:autoscaling/tag:Tag',
          name: 'system-ng-ca',
          parent: planResource(t, SYSTEM, 'system-ng').parent,
          inputs: { autoscalingGroupName: 'system-ng-asg', tag: { key: 'k8s.io/cluster-autoscaler/enabled', value: 'true' } },
        } as never),
    ],
  ])('admits the same controllers when %s', (_name, fix) => {
    const t = broken((x: Target) => {
      x.objects.push(controller('Deployment', '2', 2) as never);
      fix(x);
    });
    expect(problems(t, 'scheduling').filter((x) => x.object === 'node group system-ng')).toEqual([]);
  });

  test('a Job is not counted (it finishes), a critical pod that may also run elsewhere is', () => {
    // GIVEN a big Job on the system nodes: admitted
    const job = broken((x: Target) => x.objects.push(controller('Job', '3', 1) as never));
    expect(problems(job, 'scheduling').filter((x) => x.object === 'node group system-ng')).toEqual([]);
    // AND a system-cluster-critical Deployment that may also run on other CPU nodes is counted: nothing preempts it
    const critical = controller('Deployment', '2', 2, 'system-cluster-critical');
    delete (critical.spec.template.spec as { nodeSelector?: unknown }).nodeSelector;
    const t = broken((x: Target) => x.objects.push(critical as never));
    expect(problems(t, 'scheduling').map((x) => x.object)).toContain('node group system-ng');
  });
});
