// Serving through KServe: the platform installs KServe's CRD and controller charts, and a team's GPU
// inference service becomes a KServe InferenceService on its pool. The two choices KServe needs are
// explicit: predictors run as plain Deployments ('Standard', so no Knative or Istio), and the
// cluster's cert-manager signs KServe's webhook certificates (aiready does not install cert-manager).
import { argoCdPrerequisites } from '@aiready/admission';
import { AiPlatform, Gpu, GpuInferenceService } from '@aiready/k8s';
import { App, Chart } from 'cdk8s';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md: Argo CD, which applies the releases, and the cert-manager KServe relies on.
 */
export const prerequisites = [
  ...argoCdPrerequisites(),
  {
    kind: 'CustomResourceDefinition',
    name: 'cert-manager.io/Certificate',
    reason: "cert-manager signs KServe's webhook certificates",
  },
];

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const platform = new AiPlatform(app, 'platform', {
    clusterName: 'serving',
    kserve: { deploymentMode: 'Standard', certManagerInstalled: true },
    pools: [{ name: 'l40s-inference', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'], maxNodes: 4 }],
  });
  const serving = platform.addTeam({ name: 'serving', gpuQuota: { 'l40s-inference': 4 }, editGroups: ['serving-engineers'] });

  // Two replicas of a 7B model, one L40S each; KServe keeps at least two up.
  new GpuInferenceService(new Chart(app, 'serving-apps'), 'llm', {
    name: 'llm',
    team: serving,
    pool: platform.pool('l40s-inference'),
    gpusPerReplica: Gpu.whole(1),
    image: 'vllm/vllm-openai:v0.11.0',
    args: ['--model', 'Qwen/Qwen2.5-7B-Instruct', '--port', '8080'],
    port: 8080,
    replicas: 2,
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
