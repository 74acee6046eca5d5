// A team's cdk8s app, written the way it would be in the team's own IaC repository: it imports the
// aiready constructs, describes its GPU pools once, and places its own inference service on a pool.
import { argoCdPrerequisites } from '@aiready/admission';
import { Sharing } from '@aiready/core';
import { addGpuLimit, AiPlatform, GpuInferenceScaler, GpuScalingSignal } from '@aiready/k8s';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md. The releases are Argo CD Applications, so Argo CD itself.
 */
export const prerequisites = argoCdPrerequisites();

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });

  const platform = new AiPlatform(app, 'platform', {
    clusterName: 'team-ai',
    keda: true,
    pools: [
      // Small models share L4s: 4 pods per GPU, advertised as nvidia.com/gpu.shared (no memory isolation).
      {
        name: 'l4-inference',
        instanceTypes: ['g6.xlarge', 'g6.2xlarge'],
        capacityType: 'spot',
        maxNodes: 4,
        sharing: Sharing.timeSlicing(4),
      },
      // H100s cut into 7 isolated 1g.10gb MIG slices each, with EFA in one zone and a placement group.
      {
        name: 'h100-training',
        instanceTypes: ['p5.48xlarge'],
        purpose: 'training',
        maxNodes: 2,
        zones: ['us-east-1a'],
        sharing: Sharing.mig('all-1g.10gb'),
      },
    ],
  });

  const team = new Chart(app, 'inference', { labels: { 'app.kubernetes.io/component': 'team-inference' } });
  const namespace = new kplus.Namespace(team, 'namespace', { metadata: { name: 'inference' } });
  const server = new kplus.Deployment(team, 'llm', {
    metadata: { name: 'llm', namespace: namespace.name },
    replicas: 1,
    containers: [
      {
        name: 'vllm',
        image: 'vllm/vllm-openai:v0.11.0',
        args: ['--model', 'Qwen/Qwen2.5-1.5B-Instruct'],
        portNumber: 8000,
        // vLLM writes caches to its root filesystem and runs as root in the upstream image.
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {
          cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.units(4) },
          memory: { request: Size.gibibytes(12), limit: Size.gibibytes(14) },
        },
      },
    ],
  });
  // Tolerate the pool's taint and require its label: no label key or taint spelled here.
  platform.pool('l4-inference').schedule(server);
  // One shared GPU per replica (cdk8s-plus-28 cannot express extended resources itself).
  addGpuLimit(server, { count: 1, resource: 'nvidia.com/gpu.shared' });
  // Add a replica per 8 requests waiting in vLLM's queue, up to 8. (GPU activity cannot tell: on a
  // time-sliced GPU every pod sees the whole GPU's activity, its neighbours' included.)
  new GpuInferenceScaler(team, 'llm-scaler', {
    deployment: { name: server.name, namespace: namespace.name },
    pool: platform.pool('l4-inference'),
    prometheusAddress: 'http://prometheus-operated.monitoring:9090',
    signal: GpuScalingSignal.queueDepth('vllm:num_requests_waiting', 8),
    maxReplicas: 8,
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
