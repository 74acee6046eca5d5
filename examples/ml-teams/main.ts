// Two teams on one platform, the way a platform team hands out GPUs: quotas per pool that the pools
// can actually supply, and workloads that land on the right pool without repeating a label or taint.
import { argoCdPrerequisites } from '@aiready/admission';
import { AiPlatform, Gpu, GpuInferenceService, GpuScalingSignal, GpuTrainingJob, GpuWorkflowTemplate } from '@aiready/k8s';
import { App, Chart } from 'cdk8s';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md. The releases are Argo CD Applications, so Argo CD itself.
 */
export const prerequisites = argoCdPrerequisites();

/**
 * The other forms the same teams' work can take, which the end-to-end tests synthesize too: without
 * Kubeflow Trainer the fine-tune is an indexed Job; with KServe the server is an InferenceService
 * (KServe scales it itself, so it runs fixed replicas instead of KEDA).
 */
export interface MlTeamsVariant {
  /** @default true */
  readonly trainer?: boolean;
  /** @default false */
  readonly kserve?: boolean;
}

export function buildApp(outdir?: string, variant: MlTeamsVariant = {}): App {
  const app = new App({ outdir });
  const kserve = variant.kserve ?? false;
  const platform = new AiPlatform(app, 'platform', {
    clusterName: 'ml',
    keda: !kserve,
    // Every job and pod of a team waits in its Kueue queue (its Argo steps and inference replicas too)
    // and is admitted all-or-nothing; idle quota is lent across teams.
    kueue: true,
    // Training jobs run as Kubeflow TrainJobs on a torch runtime per pool.
    kubeflowTrainer: variant.trainer ?? true,
    ...(kserve ? { kserve: { deploymentMode: 'Standard' as const, certManagerInstalled: true } } : {}),
    // Kubeflow Pipelines brings its own Argo controller; the platform's is scoped apart by instance ID.
    kubeflowPipelines: true,
    argoWorkflows: { instanceId: 'platform' },
    pools: [
      { name: 'h100-training', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 4 },
      { name: 'l40s-inference', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'], maxNodes: 8 },
    ],
  });

  // Research may hold 16 of the pool's 32 H100s and one L40S for evaluation; serving 6 of the 8 L40S.
  const research = platform.addTeam({
    name: 'research',
    gpuQuota: { 'h100-training': 16, 'l40s-inference': 1 },
    editGroups: ['research-engineers'],
  });
  const serving = platform.addTeam({
    name: 'serving',
    gpuQuota: { 'l40s-inference': 6 },
    editGroups: ['serving-engineers'],
    viewGroups: ['sre'],
  });

  // A two-node fine-tune: 8 H100s per node over EFA, checkpoints to object storage.
  new GpuTrainingJob(new Chart(app, 'research-jobs'), 'finetune', {
    name: 'llama-finetune',
    team: research,
    pool: platform.pool('h100-training'),
    gpusPerNode: Gpu.whole(8),
    nodes: 2,
    image: 'nvcr.io/nvidia/pytorch:25.08-py3',
    command: ['torchrun'],
    args: ['--nproc-per-node=8', 'train.py'],
    env: { CHECKPOINT_URI: 's3://research-checkpoints/llama-finetune' },
    // Ahead of the team's pipeline steps in its Kueue queue, and may preempt them.
    priority: 'high',
  });

  // A train → evaluate pipeline for Argo Workflows: training on H100s, evaluation on one L40S.
  new GpuWorkflowTemplate(new Chart(app, 'research-pipelines'), 'train-evaluate', {
    name: 'train-evaluate',
    team: research,
    steps: [
      {
        name: 'train',
        pool: platform.pool('h100-training'),
        gpu: Gpu.whole(8),
        image: 'nvcr.io/nvidia/pytorch:25.08-py3',
        command: ['python', 'train.py'],
      },
      {
        name: 'evaluate',
        pool: platform.pool('l40s-inference'),
        gpu: Gpu.whole(1),
        image: 'nvcr.io/nvidia/pytorch:25.08-py3',
        command: ['python', 'eval.py'],
        after: ['train'],
      },
    ],
  });

  // An autoscaled LLM server: one L40S per replica, more replicas while the GPUs are over 60% busy.
  new GpuInferenceService(new Chart(app, 'serving-apps'), 'llm', {
    name: 'llm',
    team: serving,
    pool: platform.pool('l40s-inference'),
    gpusPerReplica: Gpu.whole(1),
    image: 'vllm/vllm-openai:v0.11.0',
    args: ['--model', 'Qwen/Qwen2.5-7B-Instruct'],
    port: 8000,
    replicas: 2,
    ...(kserve
      ? {}
      : {
          autoscaling: {
            signal: GpuScalingSignal.engineActivity(0.6),
            prometheusAddress: 'http://kube-prometheus-stack-prometheus.monitoring:9090',
            maxReplicas: 6,
          },
        }),
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
