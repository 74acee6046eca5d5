// The platform of examples/gpu-inference, installed by Flux instead of Argo CD: one option,
// `releaseMaterializer: ReleaseMaterializer.flux({ path })`, where `path` is where this target's
// synthesized folder sits in the Git repository Flux reconciles. `aiready synth` then writes
// manifests/flux/ (sources, kustomize bases, one Kustomization per install stage) and one folder per
// install wave; point one Flux Kustomization at manifests/flux (see the README).
import { fluxPrerequisites } from '@aiready/admission';
import { Sharing } from '@aiready/core';
import { addGpuLimit, AiPlatform, GpuInferenceScaler, GpuScalingSignal, ReleaseMaterializer } from '@aiready/k8s';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md. The releases are Flux HelmReleases, so Flux itself (`flux bootstrap`).
 */
export const prerequisites = fluxPrerequisites();

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });

  const platform = new AiPlatform(app, 'platform', {
    clusterName: 'team-ai',
    keda: true,
    // This repository's layout: `aiready synth` writes the target to dist/examples/flux-gpu-platform.
    releaseMaterializer: ReleaseMaterializer.flux({ path: './dist/examples/flux-gpu-platform' }),
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

  // The team's own objects: Flux applies them too, each in the stage of its wave (the namespace first,
  // the KEDA ScaledObject once KEDA's CRDs are in).
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
  platform.pool('l4-inference').schedule(server);
  addGpuLimit(server, { count: 1, resource: 'nvidia.com/gpu.shared' });
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
