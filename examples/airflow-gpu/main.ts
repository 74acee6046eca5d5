// Apache Airflow as the orchestrator of two teams' GPU work: DAG authors pick a pool by the name of a
// pod template, and the task runs in their team's namespace, under its GPU quota and Kueue queue, on
// the pool's nodes. Every credential is a Secret reference; task logs go to S3 with the pods' own
// AWS identity (EKS Pod Identity), never a key.
import { argoCdPrerequisites } from '@aiready/admission';
import { AiPlatform } from '@aiready/k8s';
import { App } from 'cdk8s';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md. The releases are Argo CD Applications, so Argo CD itself. (The Secrets
 * Airflow reads are listed by the platform itself.)
 */
export const prerequisites = argoCdPrerequisites();

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  new AiPlatform(app, 'platform', {
    clusterName: 'ml',
    region: 'us-east-1',
    // Production: Airflow's bundled database would be refused here.
    environment: 'prod',
    // Airflow is the teams' orchestrator; no Argo Workflows next to it.
    workflows: 'none',
    // GPU tasks wait in their team's queue; idle quota is lent across teams.
    kueue: true,
    pools: [
      { name: 'h100-training', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
      { name: 'l4-batch', instanceTypes: ['g6.xlarge', 'g6.2xlarge'], purpose: 'inference', maxNodes: 6 },
    ],
    teams: [
      { name: 'research', gpuQuota: { 'h100-training': 8, 'l4-batch': 2 }, editGroups: ['research-engineers'] },
      { name: 'vision', gpuQuota: { 'l4-batch': 3 }, editGroups: ['vision-engineers'] },
    ],
    airflow: {
      // An external PostgreSQL (RDS): the Secret holds its SQLAlchemy URL under `connection`.
      database: { secret: 'airflow-metadata' },
      fernetKeySecret: 'airflow-fernet-key',
      apiSecretKeySecret: 'airflow-api-secret-key',
      jwtSecret: 'airflow-jwt-secret',
      // DAGs pinned to a reviewed commit: every Airflow pod and every GPU task syncs exactly it.
      dags: {
        gitSync: {
          repo: 'https://github.com/acme/ml-dags.git',
          rev: '4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39',
          subPath: 'dags',
          credentialsSecret: 'git-credentials',
        },
      },
      logs: { bucket: 'acme-ml-artifacts-prod', region: 'us-east-1' },
      scheduler: { replicas: 2 },
      apiServer: { replicas: 2 },
      // research gets both templates, vision the L4 one:
      //   executor_config={"pod_template_file": "/opt/airflow/pod-templates/research/h100.yaml"}
      podTemplates: [
        { name: 'h100', pool: 'h100-training', gpu: { whole: 8 } },
        { name: 'l4', pool: 'l4-batch', gpu: { whole: 1 } },
      ],
    },
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
