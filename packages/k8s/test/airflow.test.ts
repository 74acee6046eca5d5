import { argoCdPrerequisites, checkAdmission, KubeObject } from '@aiready/admission';
import { AireadyValidationError, AirflowSpec } from '@aiready/core';
import { validateObjects } from '@aiready/validate';
import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { AiPlatform, AiPlatformProps, Airflow, summarizePlatform } from '../src';
import { only, Obj, synth } from './util';

const airflow = (over: Partial<AirflowSpec> = {}): AirflowSpec => ({
  database: { secret: 'airflow-metadata' },
  fernetKeySecret: 'airflow-fernet-key',
  apiSecretKeySecret: 'airflow-api-secret-key',
  jwtSecret: 'airflow-jwt-secret',
  dags: { gitSync: { repo: 'https://github.com/acme/dags.git', rev: 'v1.4.0', credentialsSecret: 'git-credentials' } },
  logs: { bucket: 'acme-ml-artifacts', region: 'us-east-1' },
  podTemplates: [
    { pool: 'h100', gpu: { whole: 8 } },
    { pool: 'l4', gpu: { shared: 1 } },
    { name: 'mig-small', pool: 'a100', gpu: { mig: '1g.5gb', count: 2 } },
  ],
  ...over,
});

const props = (over: Partial<AirflowSpec> = {}, more: Partial<AiPlatformProps> = {}): AiPlatformProps => ({
  clusterName: 'ml',
  kueue: true,
  pools: [
    { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
    { name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 4, sharing: { mode: 'time-slicing', replicas: 4 } },
    { name: 'a100', instanceTypes: ['p4d.24xlarge'], efa: false, maxNodes: 1, sharing: { mode: 'mig', layout: 'all-1g.5gb' } },
  ],
  teams: [
    { name: 'research', gpuQuota: { h100: 8, l4: 1, a100: 2 } },
    { name: 'vision', gpuQuota: { l4: 2 } },
  ],
  airflow: airflow(over),
  ...more,
});

function platformOf(over: Partial<AirflowSpec> = {}, more: Partial<AiPlatformProps> = {}) {
  const app = Testing.app();
  const platform = new AiPlatform(app, 'platform', props(over, more));
  return { platform, objects: synth(platform) };
}

/** The pod templates of a team, parsed from its ConfigMap. */
function templates(objects: Obj[], team: string): Record<string, Obj> {
  const cm = only(objects, 'ConfigMap', `airflow-pod-templates-${team}`);
  return Object.fromEntries(Object.entries(cm.data as Record<string, string>).map(([k, v]) => [k, YAML.parse(v)]));
}

describe('Airflow in a platform', () => {
  test('one release from the pinned chart, in a restricted namespace, scraped by the platform', () => {
    // GIVEN a platform with Airflow WHEN synthesized
    const { platform, objects } = platformOf();
    // THEN the chart is installed from the version lock into its own namespace
    const app = only(objects, 'Application', 'airflow');
    expect(app.spec.source).toMatchObject({ repoURL: 'https://airflow.apache.org', chart: 'airflow', targetRevision: '1.22.0' });
    expect(app.spec.destination.namespace).toBe('airflow');
    expect(only(objects, 'Namespace', 'airflow').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // AND StatsD is scraped with the platform Prometheus's selector
    const sm = only(objects, 'ServiceMonitor', 'airflow-statsd');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints[0].port).toBe('statsd-scrape');
    // AND the component is found by id
    expect(platform.component<Airflow>('airflow')).toBeInstanceOf(Airflow);
  });

  test('the bundled database runs the namespace at baseline, with the reason', () => {
    // GIVEN the bundled database (dev) WHEN synthesized THEN the namespace says why it is looser
    const ns = only(platformOf({ database: { bundled: true } }).objects, 'Namespace', 'airflow');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.annotations['aiready.dev/pod-security-reason']).toContain('PostgreSQL');
  });

  test('each team with GPU quota gets its account, the scheduler its rights there, and its templates', () => {
    // GIVEN two teams WHEN synthesized
    const { objects } = platformOf();
    // THEN the tasks' account has no Kubernetes token
    const sa = objects.find(
      (o) => o.kind === 'ServiceAccount' && o.metadata.namespace === 'research' && o.metadata.name === 'airflow-task',
    );
    expect(sa.automountServiceAccountToken).toBe(false);
    // AND the scheduler may run pods in the team namespace, the API server read their logs
    const bindings = objects.filter(
      (o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'vision' && o.metadata.name.startsWith('airflow-'),
    );
    expect(bindings.map((b) => `${b.metadata.name} -> ${b.subjects[0].namespace}/${b.subjects[0].name}`).sort()).toEqual([
      'airflow-task-launcher -> airflow/airflow-scheduler',
      'airflow-task-log-reader -> airflow/airflow-api-server',
    ]);
    // AND the tasks reach Airflow's API server and StatsD, and Airflow reads their live logs
    const policy = objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'research' && o.metadata.name === 'allow-airflow-tasks',
    );
    expect(policy.spec.podSelector).toEqual({ matchLabels: { kubernetes_executor: 'True' } });
    expect(policy.spec.egress[0].ports).toEqual([
      { protocol: 'TCP', port: 8080 },
      { protocol: 'UDP', port: 9125 },
    ]);
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8793 }]);
    // AND research gets a template per pool it has quota on, vision only the L4 one
    expect(Object.keys(templates(objects, 'research'))).toEqual(['h100.yaml', 'l4.yaml', 'mig-small.yaml']);
    expect(Object.keys(templates(objects, 'vision'))).toEqual(['l4.yaml']);
  });

  test.each([
    ['h100.yaml', { 'nvidia.com/gpu': 8 }, 'true', '32Gi'],
    ['l4.yaml', { 'nvidia.com/gpu.shared': 1 }, undefined, '1Gi'],
    ['mig-small.yaml', { 'nvidia.com/gpu': 2 }, undefined, '16Gi'],
  ])('%s: the pool placement, its own GPU resource, /dev/shm and the team queue', (file, gpus, doNotDisrupt, shm) => {
    // GIVEN research's template WHEN read
    const pod = templates(platformOf().objects, 'research')[file];
    const pool = file === 'mig-small.yaml' ? 'a100' : file.replace('.yaml', '');
    // THEN it lands on its pool, tolerating the GPU taint
    expect(pod.metadata.namespace).toBe('research');
    expect(pod.spec.nodeSelector).toEqual({ 'aiready.dev/pool': pool });
    expect(pod.spec.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    // AND asks for the GPUs in the pool's own resource
    expect(pod.spec.containers[0].resources.limits).toMatchObject(gpus);
    // AND training pools keep the node, the team's queue admits it, the hook moves it to the team
    expect(pod.metadata.annotations['karpenter.sh/do-not-disrupt']).toBe(doNotDisrupt);
    expect(pod.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('default');
    expect(pod.metadata.annotations['aiready.dev/task-namespace']).toBe('research');
    expect(pod.spec.volumes.find((v: Obj) => v.name === 'dshm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: shm });
  });

  test('a template reaches Airflow from the team namespace by full names, and logs through its own identity', () => {
    // GIVEN a template WHEN read THEN the API server and StatsD are addressed across namespaces
    const pod = templates(platformOf().objects, 'vision')['l4.yaml'];
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: 'http://airflow-api-server.airflow.svc.cluster.local:8080/execution/',
      AIRFLOW__METRICS__STATSD_HOST: 'airflow-statsd.airflow.svc.cluster.local',
      AIRFLOW__LOGGING__REMOTE_BASE_LOG_FOLDER: 's3://acme-ml-artifacts/airflow/logs',
      AIRFLOW__CORE__EXECUTOR: 'KubernetesExecutor',
    });
    expect(pod.spec.serviceAccountName).toBe('airflow-task');
    // AND DAGs come from the same pinned revision, with the credentials from the team's own Secret
    const git = pod.spec.initContainers[0];
    expect(git.env).toContainEqual({ name: 'GITSYNC_REF', value: 'v1.4.0' });
    expect(git.env).toContainEqual({
      name: 'GITSYNC_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'git-credentials', key: 'GIT_SYNC_PASSWORD' } },
    });
    expect(JSON.stringify(pod)).not.toMatch(/AWS_(ACCESS|SECRET)/);
  });

  test("the templates pass the Pod schema and offline admission in their team's namespace", () => {
    // GIVEN the platform's objects and every template as the pod it becomes
    const { platform, objects } = platformOf();
    const pods = ['research', 'vision'].flatMap((team) => Object.values(templates(objects, team)));
    // THEN the upstream Pod schema accepts each template
    expect(validateObjects(pods.map((object) => ({ object }))).problems).toEqual([]);
    // AND admission finds no Pod Security, quota, queue or scheduling problem with them
    const summary = summarizePlatform(platform);
    const report = checkAdmission({
      objects: [...objects, ...pods] as KubeObject[],
      prerequisites: [
        ...argoCdPrerequisites(),
        ...summary.prerequisites.map((s) => ({ kind: 'Secret', namespace: s.namespace, name: s.name, reason: s.purpose })),
      ],
    });
    // (time-sliced templates included: the shared pool's NodeOverlay lets Karpenter scale it from zero)
    expect(report.problems.filter((p) => p.object.startsWith('Pod '))).toEqual([]);
  });

  test('the summary lists the templates and every Secret Airflow reads, in each namespace that reads it', () => {
    // GIVEN a platform with Airflow WHEN summarized
    const summary = summarizePlatform(platformOf().platform);
    // THEN DAG authors find each template's path
    const table = summary.tables.find((t) => t.title === 'Airflow GPU pod templates')!;
    expect(table.rows).toContainEqual(['vision', 'l4', 'l4', '1 GPU share', '`/opt/airflow/pod-templates/vision/l4.yaml`']);
    expect(table.rows).toContainEqual([
      'research',
      'mig-small',
      'a100',
      '2 x MIG 1g.5gb',
      '`/opt/airflow/pod-templates/research/mig-small.yaml`',
    ]);
    // AND the Secrets are prerequisites, the git credentials in every namespace that clones
    const secrets = summary.prerequisites.filter((p) => p.purpose.startsWith('Airflow')).map((p) => `${p.namespace}/${p.name}`);
    expect(secrets).toEqual([
      'airflow/airflow-api-secret-key',
      'airflow/airflow-fernet-key',
      'airflow/airflow-jwt-secret',
      'airflow/airflow-metadata',
      'airflow/git-credentials',
      'research/git-credentials',
      'vision/git-credentials',
    ]);
    expect(summary.releases.find((r) => r.releaseName === 'airflow')).toMatchObject({ chart: 'airflow', version: '1.22.0' });
  });

  test("Pod Identity gets every service account that writes logs: Airflow's and each team's tasks", () => {
    // GIVEN S3 logs WHEN built THEN the log writers are listed for the cloud side
    const a = platformOf().platform.component<Airflow>('airflow')!;
    expect(a.logWriters.map((w) => `${w.namespace}/${w.serviceAccount}`)).toEqual([
      'airflow/airflow-scheduler',
      'airflow/airflow-api-server',
      'airflow/airflow-triggerer',
      'airflow/airflow-dag-processor',
      'airflow/airflow-worker',
      'research/airflow-task',
      'vision/airflow-task',
    ]);
  });

  test('throws when a team with quota on a template pool is added after the platform was built', () => {
    // GIVEN a built platform WHEN a GPU team is added later THEN it says to declare the team up front
    const { platform } = platformOf();
    expect(() => platform.addTeam({ name: 'late', gpuQuota: { l4: 1 } })).toThrow(AireadyValidationError);
    expect(() => platform.addTeam({ name: 'late2', gpuQuota: { l4: 1 } })).toThrow(/declare the team in the platform's teams/);
    // AND a team without GPU templates can still be added
    expect(platform.addTeam({ name: 'cpu-only' }).namespace).toBe('cpu-only');
  });

  test('throws when one task needs more CPU than the team may request', () => {
    // GIVEN a template of 64 cores and a team with 16 WHEN built THEN the team's compute quota is named
    expect(() =>
      platformOf(
        { podTemplates: [{ pool: 'l4', gpu: { shared: 1 }, cpu: 64 }] },
        { teams: [{ name: 'vision', gpuQuota: { l4: 2 }, computeQuota: { cpu: 16, memoryGiB: 64 } }] },
      ),
    ).toThrow(/one task needs more than team 'vision' may request/);
  });

  test('adding Airflow did not teach Team or the platform an engine: it is one registry line', () => {
    // GIVEN the sources WHEN read THEN only the registry and Airflow's own folder name Airflow
    const src = path.join(__dirname, '../src');
    for (const file of [
      'teams/team.ts',
      'platform/ai-platform.ts',
      'platform/platform-component.ts',
      'platform/platform-summary.ts',
    ])
      expect(fs.readFileSync(path.join(src, file), 'utf8')).not.toMatch(/airflow/i);
    expect(fs.readFileSync(path.join(src, 'platform/components.ts'), 'utf8').match(/AIRFLOW_COMPONENT/g)).toHaveLength(2);
  });
});
