import { checkAdmission } from '../src';
import { find, planResource } from './fixtures/target';
import { broken, Loose, problems, refusal, server, serverPod, Target } from './support';

const HELM = 'kubernetes:helm.sh/v3:Release';
const dropPlan = (t: Target, name: string) => {
  const i = t.plan.resources.findIndex((r) => r.name === name);
  t.plan.resources.splice(i, 1);
};
const dropObject = (t: Target, kind: string, name?: string) =>
  t.objects.splice(t.objects.indexOf(find(t, kind, name) as never), 1);

describe('offline admission: scheduling', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'scheduling',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'EFA is requested and no EFA device plugin runs (issue 13 item 9)',
      (t) => dropPlan(t, 'platform-efa'),
      'no pool it may run on advertises 32 x vpc.amazonaws.com/efa per node: the EFA device plugin (aws-efa-k8s-device-plugin) is not installed',
    ],
    [
      'the EFA device plugin does not tolerate the GPU taint',
      (t) => (planResource(t, HELM, 'platform-efa').inputs.values = {}),
      'does not tolerate the taint nvidia.com/gpu:NoSchedule of NodePool h100',
    ],
    [
      'a node selector matches no pool',
      (t) => (serverPod(t).nodeSelector = { 'aiready.dev/pool': 'a100' }),
      'matches no node pool of the target',
    ],
    [
      'a GPU pod does not tolerate the GPU taint',
      (t) => delete serverPod(t).tolerations,
      'tolerates no taint of the pools it selects: NodePool l4 has nvidia.com/gpu=true:NoSchedule',
    ],
    [
      'a pod asks for a MIG slice on a pool without MIG',
      (t) => (server(t).resources.limits = { memory: '12Gi', 'nvidia.com/mig-1g.10gb': 1 }),
      'no pool it may run on advertises 1 x nvidia.com/mig-1g.10gb per node',
    ],
    [
      'a pod asks for whole GPUs on a time-sliced pool',
      (t) => (server(t).resources.limits = { memory: '12Gi', 'nvidia.com/gpu': 1 }),
      'no pool it may run on advertises 1 x nvidia.com/gpu per node: NodePool l4 advertises nvidia.com/gpu.shared',
    ],
    [
      'a pool names a device plugin config entry the config map lacks',
      (t) => (find(t, 'NodePool', 'l4').spec.template.metadata.labels['nvidia.com/device-plugin.config'] = 'l4-shared'),
      "names entry 'l4-shared' of ConfigMap gpu-operator/device-plugin-config, which has no such entry",
    ],
    [
      'shared GPUs on Karpenter have no NodeOverlay, so the pool never scales from zero (issue 21 item 2)',
      (t) => dropObject(t, 'NodeOverlay'),
      'stays Pending while its pools (l4) have no nodes: the autoscaler does not know their nodes offer nvidia.com/gpu.shared',
    ],
    [
      "the NodeOverlay is there but Karpenter's nodeOverlay feature gate is off, so Karpenter ignores it",
      (t) => delete planResource(t, HELM, 'platform-karpenter').inputs.values.settings.featureGates,
      'stays Pending while its pools (l4) have no nodes: the autoscaler does not know their nodes offer nvidia.com/gpu.shared',
    ],
    [
      'a managed node group has no scale-from-zero GPU tag',
      (t) => dropPlan(t, 'gpu-l40s-ca-gpu'),
      "tag the node group's Auto Scaling group k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu",
    ],
    [
      "the GPU operator's device plugin is off",
      (t) => (planResource(t, HELM, 'platform-gpu-operator').inputs.values.devicePlugin.enabled = false),
      'no NVIDIA device plugin is installed',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('a pool whose nodes always get EFA nobody can request is a warning', () => {
    // GIVEN a node class that attaches EFA to every node, no EFA plugin and no pod asking for EFA
    const t = broken((x) => {
      find(x, 'EC2NodeClass', 'h100').spec.networkInterfaces = [
        { networkCardIndex: 0, deviceIndex: 0, interfaceType: 'interface' },
        ...Array.from({ length: 32 }, (_, card) => ({
          networkCardIndex: card,
          deviceIndex: card === 0 ? 1 : 0,
          interfaceType: 'efa-only',
        })),
      ];
      dropPlan(x, 'platform-efa');
      delete find(x, 'TrainJob').spec.trainer.resourcesPerNode.limits['vpc.amazonaws.com/efa'];
    });
    const report = checkAdmission(t);
    expect(report.problems.filter((p) => p.check === 'scheduling')).toEqual([]);
    expect(report.warnings.map((w) => w.message).join('\n')).toContain(
      'attaches 32 EFA interfaces per node that no pod can request',
    );
  });

  test('a node class that attaches no EFA interface raises no warning: Karpenter attaches them only on request', () => {
    // GIVEN the H100 node class without EFA interfaces, no EFA plugin and no pod asking for EFA
    const t = broken((x) => {
      dropPlan(x, 'platform-efa');
      delete find(x, 'EC2NodeClass', 'h100').spec.networkInterfaces;
      delete find(x, 'TrainJob').spec.trainer.resourcesPerNode.limits['vpc.amazonaws.com/efa'];
    });
    const report = checkAdmission(t);
    expect(report.problems.filter((p) => p.check === 'scheduling')).toEqual([]);
    expect(report.warnings.map((w) => w.message).join('\n')).not.toContain('EFA interfaces per node');
  });

  test('a managed node group with nodes running needs no scale-from-zero tag', () => {
    const t = broken((x) => {
      dropPlan(x, 'gpu-l40s-ca-gpu');
      planResource(x, 'aws:eks/nodeGroup:NodeGroup', 'gpu-l40s-ng').inputs.scalingConfig.minSize = 1;
    });
    expect(problems(t, 'scheduling')).toEqual([]);
  });

  test('a pod for nodes Karpenter does not manage is a warning when the target describes no other nodes', () => {
    // GIVEN the inference pod asks for nodes outside Karpenter, as Karpenter's own controller does
    const outside = (x: Target) =>
      (serverPod(x).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' }] }],
          },
        },
      });
    // WHEN the target has no cloud plan (a cdk8s app: its node groups live elsewhere)
    const noPlan = checkAdmission(
      broken((x) => {
        outside(x);
        (x as Loose).plan = undefined;
      }),
    );
    // THEN it is a warning naming what the cluster needs, not a refusal
    expect(noPlan.problems.filter((p) => p.object.startsWith('Deployment') && p.check === 'scheduling')).toEqual([]);
    expect(noPlan.warnings.map((w) => w.message).join('\n')).toContain(
      'runs only on nodes Karpenter does not manage, which this target does not describe (no cloud plan)',
    );
    // AND with the plan, its node groups are those nodes: no warning
    const withPlan = checkAdmission(broken(outside));
    expect(withPlan.warnings.map((w) => w.message).join('\n')).not.toContain('Karpenter does not manage');
  });
});
