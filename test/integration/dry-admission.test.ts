// End to end: the ml-teams example's workloads, one kind at a time, as the cluster would take them,
// judged from the synthesized objects alone by @aiready/admission's model (`dryAdmission`): the queue
// and the flavor Kueue would assign, that Kueue covers every resource it counts, that a pool advertises
// every requested resource and starts from zero nodes for it, and each container's final env and
// limits after pod and LimitRange defaulting.
import {
  AdmissionInput,
  checkAdmission,
  dryAdmission,
  indexTarget,
  KubeObject,
  PodAdmission,
  queueCapacity,
} from '@aiready/admission';
import { AiPlatform, summarizePlatform } from '@aiready/k8s';
import { buildApp, MlTeamsVariant, prerequisites } from '../../examples/ml-teams/main';

const GiB = 1024 ** 3;

/** The example's objects and prerequisites, as `aiready synth` admits them. */
function target(variant: MlTeamsVariant = {}, extra: KubeObject[] = []): AdmissionInput {
  const app = buildApp(undefined, variant);
  const objects = app.charts.flatMap((c) => c.toJson()) as KubeObject[];
  // The Secrets the platform's releases read (Grafana's admin), which the platform team creates
  const secrets = app.charts
    .filter((c) => AiPlatform.isAiPlatform(c))
    .flatMap((p) => summarizePlatform(p).prerequisites)
    .map((s) => ({ kind: 'Secret', namespace: s.namespace, name: s.name, reason: s.purpose }));
  return {
    objects: [...objects, ...extra],
    prerequisites: [
      ...prerequisites,
      ...secrets,
      { kind: 'CustomResourceDefinition', name: 'cert-manager.io/Certificate', reason: "KServe's webhook certificates" },
    ],
  };
}

function pod(input: AdmissionInput, owner: string | RegExp): PodAdmission {
  const found = dryAdmission(input).filter((p) => (typeof owner === 'string' ? p.owner === owner : owner.test(p.owner)));
  if (found.length !== 1) throw new Error(`expected one pod of ${String(owner)}, found ${found.length}`);
  return found[0];
}

/** The checks that decide whether a workload runs: none may find a problem in the target. */
function runs(input: AdmissionInput): string[] {
  return checkAdmission(input)
    .problems.filter((p) => ['queues', 'scheduling', 'resources', 'references'].includes(p.check))
    .map((p) => `${p.object} ${p.field}: ${p.problem}`);
}

const CPU_AND_MEMORY = { cpu: 'cpu', memory: 'cpu' };
const H100 = { 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 };

describe('dry admission of the ml-teams workloads', () => {
  test.each<[string, MlTeamsVariant]>([
    ['with Kubeflow Trainer and KEDA', {}],
    ['without Trainer (indexed Jobs)', { trainer: false }],
    ['with KServe', { kserve: true }],
  ])('%s, every workload can run: no queue, scheduling, quota or reference problem', (_what, variant) => {
    expect(runs(target(variant))).toEqual([]);
  });

  test("TrainJob: admitted whole through research's queue, GPUs in the H100 flavor, EFA left to the nodes", () => {
    const p = pod(target(), /^TrainJob research\/llama-finetune/);
    expect(p.queue).toEqual({
      localQueue: 'default',
      clusterQueue: 'research',
      defaulted: false,
      held: false,
      podsPerWorkload: 2,
    });
    expect(p.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'h100-training' });
    expect([p.uncovered, p.unfit, p.excluded]).toEqual([[], [], ['vpc.amazonaws.com/efa']]);
    expect(p.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100-training' });
    expect(p.pools).toEqual([{ name: 'h100-training', advertises: H100, startsFromZero: true }]);
    const node = p.containers.find((c) => c.name === 'node')!;
    expect(node.limits).toEqual({ memory: 1638 * GiB, 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(node.requests).toEqual({ cpu: 153.6, memory: 1638 * GiB, 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(node.env).toEqual([{ name: 'CHECKPOINT_URI', value: 's3://research-checkpoints/llama-finetune' }]);
  });

  test('indexed Job: the same queue and flavors, and every pod gets the rendezvous torchrun reads', () => {
    const p = pod(target({ trainer: false }), 'Job research/llama-finetune');
    expect(p.queue).toMatchObject({ localQueue: 'default', clusterQueue: 'research', podsPerWorkload: 2 });
    expect(p.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'h100-training' });
    expect([p.uncovered, p.unfit, p.excluded]).toEqual([[], [], ['vpc.amazonaws.com/efa']]);
    expect(p.pools).toEqual([{ name: 'h100-training', advertises: H100, startsFromZero: true }]);
    const trainer = p.containers.find((c) => c.name === 'trainer')!;
    expect(trainer.limits).toEqual({ memory: 1638 * GiB, 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    // Each of the two pods resolves the completion index to its own rank
    for (const index of [0, 1]) {
      const env = Object.fromEntries(trainer.env.map((e) => [e.name, e.value ?? (e.fieldPath ? String(index) : '')]));
      expect(env).toMatchObject({
        PET_NNODES: '2',
        PET_NODE_RANK: String(index),
        PET_MASTER_ADDR: 'llama-finetune-0.llama-finetune',
        PET_MASTER_PORT: '29500',
        PET_NPROC_PER_NODE: '8',
      });
    }
  });

  test('Argo GPU steps: each pod queued on its own in the team queue, with its pool flavor, /dev/shm and EFA', () => {
    const input = target();
    const steps = dryAdmission(input).filter((p) => p.owner === 'WorkflowTemplate research/train-evaluate');
    const [train, evaluate] = steps;
    for (const step of steps)
      expect(step.queue).toEqual({
        localQueue: 'default',
        clusterQueue: 'research',
        defaulted: false,
        held: false,
        podsPerWorkload: 1,
      });
    expect(train.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'h100-training' });
    expect(train.excluded).toEqual(['vpc.amazonaws.com/efa']);
    expect(train.pools).toEqual([{ name: 'h100-training', advertises: H100, startsFromZero: true }]);
    expect(evaluate.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'l40s-inference' });
    expect(evaluate.pools).toEqual([{ name: 'l40s-inference', advertises: { 'nvidia.com/gpu': 1 }, startsFromZero: true }]);
    // The executor's containers get the team's LimitRange defaults; the step's own container keeps its sizes
    const wait = evaluate.containers.find((c) => c.name === 'wait')!;
    expect(wait.requests).toEqual({ cpu: 0.25, memory: 256 * 1024 ** 2 });
    expect(evaluate.containers.find((c) => c.name === 'main')!.limits).toEqual({ memory: 25 * GiB, 'nvidia.com/gpu': 1 });
    // Each step's pod mounts a memory-backed /dev/shm within its memory limit
    const objects = input.objects as KubeObject[];
    const template = objects.find((o) => o.kind === 'WorkflowTemplate') as never as {
      spec: { templates: { name: string; volumes?: unknown[]; container?: { volumeMounts?: unknown[] } }[] };
    };
    for (const [name, size] of [
      ['train', '32Gi'],
      ['evaluate', '12Gi'],
    ]) {
      const t = template.spec.templates.find((x) => x.name === name)!;
      expect(t.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: size } }]);
      expect(t.container!.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    }
    // Only the GPU steps tolerate GPU nodes: the platform gives workflow pods no GPU toleration
    const argo = objects.find((o) => o.kind === 'Application' && o.metadata?.name === 'argo-workflows') as never as {
      spec: { source: { helm: { valuesObject: { controller: { workflowDefaults: { spec: Record<string, unknown> } } } } } };
    };
    expect(argo.spec.source.helm.valuesObject.controller.workflowDefaults.spec.tolerations).toBeUndefined();
  });

  test('a CPU-only job in a team namespace is queued too, and Kueue gives it no GPU node', () => {
    // GIVEN a plain CPU Job a researcher applies, naming no queue
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'preprocess', namespace: 'research' },
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'main',
                image: 'python:3.13',
                resources: { requests: { cpu: '4', memory: '8Gi' }, limits: { memory: '8Gi' } },
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
    };
    const p = pod(target({}, [job]), 'Job research/preprocess');
    // THEN Kueue puts it in research's default queue and counts it in the cpu flavor
    expect(p.queue).toMatchObject({ localQueue: 'default', clusterQueue: 'research', defaulted: true });
    expect(p.flavors).toEqual(CPU_AND_MEMORY);
    // AND the admitted pod has no GPU pool's node selector or toleration: it lands on the CPU pool only
    expect(p.nodeSelector).toEqual({});
    expect(p.tolerations).toEqual([]);
    expect(p.pools.map((x) => x.name)).toEqual(['default']);
  });

  test('inference Deployment and ScaledObject: each replica admitted on its own; the queue holds the most KEDA asks', () => {
    const input = target();
    const p = pod(input, 'Deployment serving/llm');
    expect(p.queue).toEqual({
      localQueue: 'default',
      clusterQueue: 'serving',
      defaulted: false,
      held: false,
      podsPerWorkload: 1,
    });
    expect(p.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'l40s-inference' });
    expect(p.pools).toEqual([{ name: 'l40s-inference', advertises: { 'nvidia.com/gpu': 1 }, startsFromZero: true }]);
    expect(p.containers[0].limits).toEqual({ memory: 25 * GiB, 'nvidia.com/gpu': 1 });
    // The ScaledObject scales it up to 6 replicas: serving's queue, and its namespace quota, hold them all
    const scaled = (input.objects as KubeObject[]).find((o) => o.kind === 'ScaledObject') as never as {
      spec: { maxReplicaCount: number; scaleTargetRef: { name: string } };
    };
    expect(scaled.spec.scaleTargetRef.name).toBe('llm');
    const { kueue } = indexTarget(input);
    const serving = kueue.queues.find((q) => q.name === 'serving')!;
    expect(queueCapacity(serving, 'l40s-inference', 'nvidia.com/gpu', kueue.queues)).toBeGreaterThanOrEqual(
      scaled.spec.maxReplicaCount,
    );
    const quota = (input.objects as KubeObject[]).find(
      (o) => o.kind === 'ResourceQuota' && o.metadata?.namespace === 'serving',
    ) as never as { spec: { hard: Record<string, number> } };
    expect(quota.spec.hard['requests.nvidia.com/gpu']).toBeGreaterThanOrEqual(scaled.spec.maxReplicaCount);
  });

  test("borrowing end to end: a gang larger than its team's quota runs on the idle quota of the other team", () => {
    // GIVEN serving (6 L40S of its own, may borrow 6) runs a 7-pod batch gang; research holds 1 idle L40S
    const gang = (pods: number): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `batch-${pods}`, namespace: 'serving', labels: { 'kueue.x-k8s.io/queue-name': 'default' } },
      spec: {
        completionMode: 'Indexed',
        completions: pods,
        parallelism: pods,
        template: {
          spec: {
            restartPolicy: 'Never',
            nodeSelector: { 'aiready.dev/pool': 'l40s-inference' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'main',
                image: 'vllm/vllm-openai:v0.11.0',
                resources: { requests: { cpu: '3', memory: '24Gi' }, limits: { memory: '24Gi', 'nvidia.com/gpu': 1 } },
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
    });
    const input = target({}, [gang(7), gang(8)]);
    // THEN Kueue admits the 7-pod gang with one borrowed GPU: 6 of serving's own plus research's idle one
    const seven = pod(input, 'Job serving/batch-7');
    expect(seven.flavors['nvidia.com/gpu']).toBe('l40s-inference');
    expect(seven.unfit).toEqual([]);
    // AND serving's namespace quota admits every pod Kueue admits
    const quota = (input.objects as KubeObject[]).find(
      (o) => o.kind === 'ResourceQuota' && o.metadata?.namespace === 'serving',
    ) as never as { spec: { hard: Record<string, string | number> } };
    expect(Number(quota.spec.hard['requests.nvidia.com/gpu'])).toBeGreaterThanOrEqual(7);
    // AND an 8-pod gang, more than the cohort could ever lend, is found at synth, not left pending
    expect(pod(input, 'Job serving/batch-8').unfit).toEqual([['nvidia.com/gpu']]);
    expect(runs(input)).toEqual([
      expect.stringMatching(
        /^Job serving\/batch-8 spec.template.spec: no flavor of ClusterQueue serving can ever hold the whole workload.*l40s-inference: holds at most 7 nvidia.com\/gpu/,
      ),
    ]);
  });

  test('KServe InferenceService: its predictor pods are queued through the Deployment KServe makes', () => {
    const p = pod(target({ kserve: true }), 'InferenceService serving/llm');
    expect(p.queue).toEqual({
      localQueue: 'default',
      clusterQueue: 'serving',
      defaulted: false,
      held: false,
      podsPerWorkload: 1,
    });
    expect(p.flavors).toEqual({ ...CPU_AND_MEMORY, 'nvidia.com/gpu': 'l40s-inference' });
    expect(p.pools).toEqual([{ name: 'l40s-inference', advertises: { 'nvidia.com/gpu': 1 }, startsFromZero: true }]);
    expect(p.containers.find((c) => c.name === 'kserve-container')!.limits).toEqual({ memory: 25 * GiB, 'nvidia.com/gpu': 1 });
  });
});
