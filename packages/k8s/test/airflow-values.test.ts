import { AirflowSpec, planPlatform, PlatformSpec } from '@aiready/core';
import Ajv from 'ajv';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { airflowValues, AirflowValuesOptions, airflowLocalSettings } from '../src';

/** The chart's values schema (the subset aiready sets, see test/data/NOTICE.md). */
const CHART_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, 'data/airflow-1.22.0.values.schema.json'), 'utf8'));
const { $schema: _draft, ...schema } = CHART_SCHEMA;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

// The whole chart, when ../shared/charts has it (it does not yet: see the version lock).
const ARCHIVE = path.resolve(__dirname, '../../../../shared/charts/airflow-1.22.0.tgz');
const haveChart = fs.existsSync(ARCHIVE);
if (!haveChart) process.stderr.write(`SKIPPED: Airflow values against the full chart schema, ${ARCHIVE} not found\n`);

const base: AirflowSpec = {
  database: { secret: 'airflow-metadata' },
  fernetKeySecret: 'airflow-fernet-key',
  apiSecretKeySecret: 'airflow-api-secret-key',
  jwtSecret: 'airflow-jwt-secret',
  dags: { gitSync: { repo: 'https://github.com/acme/dags.git', rev: 'v1.4.0', credentialsSecret: 'git-credentials' } },
};

function planned(airflow: AirflowSpec, more: Partial<PlatformSpec> = {}) {
  return planPlatform({
    clusterName: 'ml',
    pools: [
      { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
      { name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 4 },
    ],
    teams: [{ name: 'research', gpuQuota: { h100: 8, l4: 2 } }],
    airflow,
    ...more,
  }).components.airflow!;
}

const options = (plan: ReturnType<typeof planned>, argoCd = true): AirflowValuesOptions => ({
  argoCd,
  ...(plan.teams.length ? { localSettings: airflowLocalSettings(plan.teams.map((t) => t.namespace)) } : {}),
  templateConfigMaps: plan.teams.map((t) => ({ team: t.namespace, configMap: `airflow-pod-templates-${t.namespace}` })),
});

describe('airflowValues', () => {
  const cases: [string, AirflowSpec, Partial<PlatformSpec>][] = [
    ['minimal', base, {}],
    [
      'GPU templates, S3 logs, sizes and an own image',
      {
        ...base,
        logs: { bucket: 'acme-ml', region: 'us-east-1' },
        image: { repository: 'acme/airflow', tag: '3.2.2-gpu' },
        scheduler: { replicas: 2, cpu: 1, memoryGiB: 2 },
        apiServer: { replicas: 2 },
        triggerer: { memoryGiB: 1 },
        dagProcessor: { cpu: 0.5 },
        podTemplates: [
          { pool: 'h100', gpu: { whole: 8 } },
          { pool: 'l4', gpu: { whole: 1 } },
        ],
      },
      {},
    ],
    [
      'Celery next to the KubernetesExecutor',
      {
        ...base,
        executor: 'CeleryExecutor,KubernetesExecutor',
        celery: { redisPasswordSecret: 'redis', brokerUrlSecret: 'broker', workers: 3 },
      },
      {},
    ],
    [
      'the bundled database and a DAG volume',
      { ...base, database: { bundled: true }, dags: { persistentVolumeClaim: 'dags' } },
      {},
    ],
    [
      'SSH git-sync, no metrics',
      { ...base, dags: { gitSync: { repo: 'git@github.com:acme/dags.git', sshKeySecret: 'git-ssh' } } },
      { monitoring: false },
    ],
  ];

  test.each(cases)("%s: the values pass the chart's values schema", (_name, spec, more) => {
    // GIVEN an Airflow spec WHEN its values are built
    const plan = planned(spec, more);
    for (const argoCd of [true, false]) {
      const values = airflowValues(plan, options(plan, argoCd));
      // THEN the chart's schema accepts them
      const ok = validate(values);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  (haveChart ? test : test.skip)("the values pass the full chart's own values.schema.json", () => {
    // GIVEN the chart archive WHEN its schema is read THEN every case's values pass it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-airflow-'));
    execFileSync('tar', ['-xzf', ARCHIVE, '-C', dir, 'airflow/values.schema.json']);
    const { $schema: _d, ...full } = JSON.parse(fs.readFileSync(path.join(dir, 'airflow/values.schema.json'), 'utf8'));
    fs.rmSync(dir, { recursive: true, force: true });
    const check = new Ajv({ strict: false, allErrors: true }).compile(full);
    for (const [, spec, more] of cases) {
      const plan = planned(spec, more);
      expect(check(airflowValues(plan, options(plan))) ? [] : check.errors).toEqual([]);
    }
  });

  test('the schema is not a rubber stamp: a misspelt key or a wrong type fails it', () => {
    // GIVEN values with a typo and a wrong type WHEN checked THEN both are refused
    const values = airflowValues(planned(base), options(planned(base)));
    expect(validate({ ...values, fernetKeySecret: 'x' })).toBe(false);
    expect(validate({ ...values, dags: { gitSync: { enabled: 'yes' } } })).toBe(false);
    expect(validate({ ...values, executor: 'celery' })).toBe(false);
  });

  test('every credential is a Secret name, and no default user is created', () => {
    // GIVEN an external database WHEN the values are built
    const values = airflowValues(planned(base), options(planned(base)));
    // THEN the chart reads every credential from the named Secrets
    expect(values).toMatchObject({
      data: { metadataSecretName: 'airflow-metadata' },
      postgresql: { enabled: false },
      fernetKeySecretName: 'airflow-fernet-key',
      apiSecretKeySecretName: 'airflow-api-secret-key',
      jwtSecretName: 'airflow-jwt-secret',
      createUserJob: { defaultUser: { enabled: false } },
      dags: { gitSync: { credentialsSecret: 'git-credentials' } },
    });
    expect(JSON.stringify(values)).not.toMatch(/"(fernetKey|apiSecretKey|jwtSecret|webserverSecretKey|pass|password)":/);
  });

  test('git-sync gets one revision through ref, rev and branch, so no git-sync version picks another', () => {
    // GIVEN a pinned tag, then a branch head WHEN the values are built THEN ref, rev and branch agree
    expect(airflowValues(planned(base), options(planned(base))).dags).toMatchObject({
      gitSync: { branch: 'main', rev: 'v1.4.0', ref: 'v1.4.0', subPath: '' },
    });
    const head = planned({
      ...base,
      dags: { gitSync: { repo: 'https://github.com/acme/dags.git', branch: 'prod', subPath: 'dags' } },
    });
    expect(airflowValues(head, options(head)).dags).toMatchObject({
      gitSync: { branch: 'prod', rev: 'HEAD', ref: 'prod', subPath: 'dags' },
    });
  });

  test('under Argo CD the migration runs as a Sync hook; Pulumi keeps the Helm hook', () => {
    // GIVEN the two materialisers WHEN the values are built THEN only Argo CD drops the Helm hook
    expect(airflowValues(planned(base), options(planned(base), true)).migrateDatabaseJob).toEqual({
      useHelmHooks: false,
      jobAnnotations: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    });
    expect(airflowValues(planned(base), options(planned(base), false)).migrateDatabaseJob).toBeUndefined();
  });

  test('teams with templates: the executor watches their namespaces and the scheduler mounts their templates', () => {
    // GIVEN a team with GPU templates WHEN the values are built
    const plan = planned({ ...base, podTemplates: [{ pool: 'h100', gpu: { whole: 8 } }] });
    const values = airflowValues(plan, options(plan)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // THEN the executor runs multi-namespace over exactly Airflow's and the team's namespaces
    expect(values.config.kubernetes_executor).toEqual({
      multi_namespace_mode: 'True',
      multi_namespace_mode_namespace_list: 'airflow,research',
      worker_pods_pending_timeout: '3600',
    });
    // AND the team's templates are a directory of the scheduler
    expect(values.scheduler.extraVolumeMounts).toEqual([
      { name: 'pod-templates-0', mountPath: '/opt/airflow/pod-templates/research', readOnly: true },
    ]);
    expect(values.airflowLocalSettings).toContain('TEAM_NAMESPACES = frozenset(["research"])');
  });

  test('remote logs go to S3 through a connection that holds only the region', () => {
    // GIVEN S3 logs WHEN the values are built THEN airflow.cfg points at the bucket and no key exists
    const plan = planned({ ...base, logs: { bucket: 'acme-ml', region: 'eu-west-1', prefix: 'af/logs' } });
    const values = airflowValues(plan, options(plan)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values.config.logging).toEqual({
      remote_logging: 'True',
      remote_base_log_folder: 's3://acme-ml/af/logs',
      remote_log_conn_id: 'aws_logs',
    });
    expect(values.env).toEqual([
      { name: 'AIRFLOW_CONN_AWS_LOGS', value: '{"conn_type":"aws","extra":{"region_name":"eu-west-1"}}' },
    ]);
  });

  test('every pod the chart makes runs non-root with the runtime seccomp profile', () => {
    // GIVEN any plan WHEN the values are built THEN pods get restricted-level security
    const values = airflowValues(planned(base), options(planned(base))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values.securityContexts.pod).toEqual({
      runAsUser: 50000,
      runAsGroup: 0,
      fsGroup: 0,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const ctx of [values.statsd.securityContexts.container, values.dags.gitSync.securityContexts.container]) {
      expect(ctx).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    }
  });
});
