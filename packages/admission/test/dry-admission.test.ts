import { dryAdmission } from '../src';
import { find, planResource } from './fixtures/target';
import { broken } from './support';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('dry admission', () => {
  test('a queued gang: its queue, the flavor of each resource, the admitted pod and the pools it starts', () => {
    const [p] = dryAdmission(broken(() => {})).filter((x) => x.owner.startsWith('TrainJob research/finetune'));
    expect(p).toMatchObject({
      namespace: 'research',
      queue: { localQueue: 'default', clusterQueue: 'research', defaulted: false, held: false, podsPerWorkload: 2 },
      flavors: { cpu: 'h100', memory: 'h100', 'nvidia.com/gpu': 'h100', 'vpc.amazonaws.com/efa': 'h100' },
      uncovered: [],
      excluded: [],
      unfit: [],
      nodeSelector: { 'aiready.dev/pool': 'h100' },
      requests: { cpu: 96, memory: 768 * GiB, 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
    });
    expect(p.pools).toEqual([
      { name: 'h100', advertises: { 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 }, startsFromZero: true },
    ]);
  });

  test("containers are judged after the namespace's LimitRange: Argo's executor gets its defaults", () => {
    const [step] = dryAdmission(broken(() => {})).filter((x) => x.owner === 'WorkflowTemplate research/evaluate');
    const wait = step.containers.find((c) => c.name === 'wait')!;
    expect(wait).toEqual({
      name: 'wait',
      list: 'containers',
      requests: { cpu: 0.25, memory: 256 * MiB },
      limits: { memory: GiB },
      env: [],
    });
    expect(step.queue).toMatchObject({ localQueue: 'default', podsPerWorkload: 1 });
    expect(step.pools).toEqual([{ name: 'l40s', advertises: { 'nvidia.com/gpu': 1 }, startsFromZero: true }]);
  });

  test('env: values and downward-API fields, as the pod will see them', () => {
    const t = broken((x) => {
      find(x, 'Deployment', 'llm').spec.template.spec.containers[0].env = [
        { name: 'MODEL', value: 'qwen' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ];
    });
    const [server] = dryAdmission(t).filter((x) => x.owner === 'Deployment serving/llm');
    expect(server.containers[0].env).toEqual([
      { name: 'MODEL', value: 'qwen' },
      { name: 'POD', fieldPath: 'metadata.name' },
    ]);
    // A namespace Kueue does not manage: no queue, the pod as written
    expect(server.queue).toBeUndefined();
    expect(server.flavors).toEqual({});
  });

  test('a pool of shares starts from zero only while Karpenter applies its NodeOverlay', () => {
    const pools = (t: ReturnType<typeof broken>) => dryAdmission(t).find((x) => x.owner === 'Deployment serving/llm')!.pools;
    expect(pools(broken(() => {}))).toEqual([{ name: 'l4', advertises: { 'nvidia.com/gpu.shared': 4 }, startsFromZero: true }]);
    const gateOff = broken(
      (x) => delete planResource(x, 'kubernetes:helm.sh/v3:Release', 'platform-karpenter').inputs.values.settings.featureGates,
    );
    expect(pools(gateOff)).toEqual([{ name: 'l4', advertises: { 'nvidia.com/gpu.shared': 4 }, startsFromZero: false }]);
  });
});
