import * as YAML from 'yaml';
import { AireadyValidationError, AirflowSpec, planPlatform, PlatformSpec } from '../src';

const FERNET = 'ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=';
const PASSWORD_URL = 'postgresql://airflow:s3cret-pw@db.internal:5432/airflow';

const airflow = (over: Partial<AirflowSpec> = {}): AirflowSpec => ({
  database: { secret: 'airflow-metadata' },
  fernetKeySecret: 'airflow-fernet-key',
  apiSecretKeySecret: 'airflow-api-secret-key',
  jwtSecret: 'airflow-jwt-secret',
  dags: { gitSync: { repo: 'https://github.com/acme/dags.git', rev: 'v1.4.0', credentialsSecret: 'git-credentials' } },
  podTemplates: [
    { pool: 'h100', gpu: { whole: 8 } },
    { pool: 'l4', gpu: { shared: 1 } },
  ],
  ...over,
});

const platform = (over: Partial<AirflowSpec> = {}, more: Partial<PlatformSpec> = {}): PlatformSpec => ({
  clusterName: 'ml',
  pools: [
    { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
    { name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 4, sharing: { mode: 'time-slicing', replicas: 4 } },
    { name: 'a100', instanceTypes: ['p4d.24xlarge'], efa: false, maxNodes: 1, sharing: { mode: 'mig', layout: 'all-1g.5gb' } },
  ],
  teams: [
    { name: 'research', gpuQuota: { h100: 8, l4: 1 } },
    { name: 'vision', gpuQuota: { l4: 2 } },
    { name: 'web', gpuQuota: {} },
  ],
  airflow: airflow(over),
  ...more,
});

/** The error planning throws, or a failure when it does not. */
function planError(spec: PlatformSpec): AireadyValidationError {
  try {
    planPlatform(spec);
  } catch (e) {
    if (e instanceof AireadyValidationError) return e;
    throw e;
  }
  throw new Error('expected planning to fail');
}

describe('planAirflow', () => {
  test('raw chart values warn that aiready cannot check their keys against the chart', () => {
    const warned = (more: Partial<PlatformSpec>) =>
      planPlatform(platform({}, more)).warnings.filter((w) => w.path === 'values.airflow');
    expect(warned({})).toEqual([]);
    expect(warned({ values: { airflow: { webserver: { replicas: 2 } } } })).toEqual([
      expect.objectContaining({ message: expect.stringContaining('not checked against the airflow 1.22.0 chart') }),
    ]);
  });

  test('defaults: KubernetesExecutor, the chart image, templates for each team with quota on the pool', () => {
    // GIVEN a platform with Airflow and two GPU templates WHEN planned
    const plan = planPlatform(platform());
    const a = plan.components.airflow!;
    // THEN the defaults are resolved
    expect(a).toMatchObject({
      namespace: 'airflow',
      executor: 'KubernetesExecutor',
      image: { repository: 'apache/airflow', tag: '3.2.2', airflowVersion: '3.2.2' },
      taskPendingTimeoutSeconds: 3600,
      metrics: true,
    });
    // AND research gets both templates, vision only the L4 one, web none
    expect(a.teams.map((t) => [t.namespace, t.templates.map((x) => x.path)])).toEqual([
      ['research', ['/opt/airflow/pod-templates/research/h100.yaml', '/opt/airflow/pod-templates/research/l4.yaml']],
      ['vision', ['/opt/airflow/pod-templates/vision/l4.yaml']],
    ]);
    expect(a.taskNamespaces).toEqual(['airflow', 'research', 'vision']);
    expect(a.teams[0].templates[1].gpu).toEqual({ kind: 'shared', count: 1 });
  });

  test('a stack config holds the same spec in YAML (the airflow key of PLATFORM_FIELDS)', () => {
    // GIVEN the airflow key as a Pulumi.<stack>.yaml would hold it WHEN planned
    const yaml = YAML.parse(`
      environment: prod
      airflow:
        database: { secret: airflow-metadata }
        fernetKeySecret: airflow-fernet-key
        apiSecretKeySecret: airflow-api-secret-key
        jwtSecret: airflow-jwt-secret
        dags: { gitSync: { repo: 'https://github.com/acme/dags.git', rev: v1.4.0 } }
        podTemplates:
          - { pool: h100, gpu: { whole: 8 } }
          - { name: small, pool: a100, gpu: { mig: 1g.5gb, count: 1 } }
    `);
    const plan = planPlatform({ ...platform(), ...yaml, teams: [{ name: 'research', gpuQuota: { h100: 8, a100: 1 } }] });
    // THEN it plans like the TypeScript spec
    expect(plan.components.airflow!.teams[0].templates.map((t) => [t.name, t.gpu])).toEqual([
      ['h100', { kind: 'whole', count: 8 }],
      ['small', { kind: 'mig', count: 1, profile: '1g.5gb' }],
    ]);
  });

  test('no airflow, no plan; the airflow namespace is reserved for the platform all the same', () => {
    // GIVEN a platform without Airflow WHEN planned THEN there is no Airflow plan
    expect(planPlatform({ ...platform(), airflow: undefined }).components.airflow).toBeUndefined();
    // AND a team cannot take Airflow's namespace
    expect(planError(platform({}, { teams: [{ name: 'airflow' }] })).message).toContain("platform's own components");
  });

  test('warns about the bundled database in dev and an unpinned DAG repository', () => {
    // GIVEN the bundled database and a branch head WHEN planned in dev
    const plan = planPlatform(
      platform({ database: { bundled: true }, dags: { gitSync: { repo: 'https://github.com/acme/dags.git' } } }),
    );
    // THEN both are warnings, not errors
    expect(plan.warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['airflow.database', 'airflow.dags.gitSync.rev']));
    expect(plan.warnings.find((w) => w.path === 'airflow.dags.gitSync.rev')!.message).toContain("branch 'main'");
  });

  test('warns when a template reaches no team', () => {
    // GIVEN a template on a pool no team has quota on WHEN planned THEN a warning names it
    const plan = planPlatform(platform({ podTemplates: [{ pool: 'a100', gpu: { mig: '1g.5gb' } }] }));
    expect(plan.warnings.find((w) => w.path === 'airflow.podTemplates[0].pool')!.message).toContain("pool 'a100'");
    expect(plan.components.airflow!.teams).toEqual([]);
  });

  test.each([
    [
      'a connection string as the database Secret',
      { database: { secret: PASSWORD_URL } },
      'airflow.database.secret',
      'connection string',
    ],
    ['a Fernet key as its Secret', { fernetKeySecret: FERNET }, 'airflow.fernetKeySecret', 'Fernet key'],
    [
      'a password as the API secret key Secret',
      { apiSecretKeySecret: 'Tr0ub4dor&3' },
      'airflow.apiSecretKeySecret',
      'a literal password?',
    ],
    [
      'a token in the DAG repository URL',
      { dags: { gitSync: { repo: 'https://bot:ghp_abcdef0123456789@github.com/acme/dags.git', rev: 'v1' } } },
      'airflow.dags.gitSync.repo',
      'URL with credentials',
    ],
    [
      'a literal Fernet key in the raw chart values',
      {},
      'values.airflow.fernetKey',
      'literal Fernet key',
      { values: { airflow: { fernetKey: FERNET } } },
    ],
    [
      'a database password in the raw chart values',
      {},
      'values.airflow.data.metadataConnection.pass',
      'literal credential',
      { values: { airflow: { data: { metadataConnection: { pass: 'hunter2' } } } } },
    ],
  ])('throws when %s, never showing it', (_what, over, path, words, more = {}) => {
    // GIVEN a credential where a Secret reference belongs WHEN planned
    const e = planError(platform(over as Partial<AirflowSpec>, more as Partial<PlatformSpec>));
    // THEN the problem names the field and says what it looks like
    const p = e.problems.find((x) => x.path === path)!;
    expect(p.problem).toContain(words);
    expect(p.fix).toMatch(/Secret/);
    // AND the value appears nowhere in the error
    for (const secret of [FERNET, PASSWORD_URL, 'Tr0ub4dor&3', 'ghp_abcdef0123456789', 'hunter2', 's3cret-pw']) {
      expect(e.message).not.toContain(secret);
      expect(JSON.stringify(e.problems)).not.toContain(secret);
    }
  });

  test.each([
    [
      'a GPU template names a pool that does not exist',
      { podTemplates: [{ pool: 'h200', gpu: { whole: 1 } }] },
      'airflow.podTemplates[0].pool',
      'no such pool',
      'use one of a100, h100, l4',
    ],
    [
      'a template asks whole GPUs of a time-sliced pool',
      { podTemplates: [{ pool: 'l4', gpu: { whole: 1 } }] },
      'airflow.podTemplates[0].gpu',
      "pool 'l4' shares its GPUs (time-slicing)",
      '{ shared: n }',
    ],
    [
      'a template asks MIG slices the layout does not have',
      { podTemplates: [{ pool: 'a100', gpu: { mig: '3g.20gb' } }] },
      'airflow.podTemplates[0].gpu',
      'no 3g.20gb slices',
      '1g.5gb',
    ],
    [
      'a template asks shares of a pool without sharing',
      { podTemplates: [{ pool: 'h100', gpu: { shared: 1 } }] },
      'airflow.podTemplates[0].gpu',
      'does not share GPUs',
      '{ whole: n }',
    ],
    [
      'a template asks more GPUs than one node has',
      { podTemplates: [{ pool: 'h100', gpu: { whole: 16 } }] },
      'airflow.podTemplates[0].gpu',
      'at most 8',
      'at most 8',
    ],
    [
      'two templates share a name',
      {
        podTemplates: [
          { pool: 'h100', gpu: { whole: 1 } },
          { name: 'h100', pool: 'l4', gpu: { shared: 1 } },
        ],
      },
      'airflow.podTemplates[1].name',
      'the same name',
      'unique',
    ],
    [
      'Celery runs without its Secrets',
      { executor: 'CeleryExecutor,KubernetesExecutor' as const },
      'airflow.celery',
      'generate new ones at every sync',
      'redisPasswordSecret',
    ],
    [
      'Celery Secrets come without Celery',
      { celery: { redisPasswordSecret: 'redis', brokerUrlSecret: 'broker' } },
      'airflow.celery',
      'does not run',
      'CeleryExecutor,KubernetesExecutor',
    ],
    [
      'the image is Airflow 2',
      { image: { repository: 'apache/airflow', tag: '2.11.0', airflowVersion: '2.11.0' } },
      'airflow.image.airflowVersion',
      'Airflow 3',
      '3.2.2',
    ],
    [
      'an SSH repository has no key',
      { dags: { gitSync: { repo: 'git@github.com:acme/dags.git', rev: 'v1' } } },
      'airflow.dags.gitSync.sshKeySecret',
      'needs a key',
      'sshKeySecret',
    ],
    [
      'git-sync gets both credentials and a key',
      {
        dags: {
          gitSync: { repo: 'https://github.com/acme/dags.git', rev: 'v1', credentialsSecret: 'a', sshKeySecret: 'b' },
        },
      },
      'airflow.dags.gitSync.sshKeySecret',
      'not both',
      'credentialsSecret',
    ],
    [
      'GPU tasks get DAGs from a volume claim',
      { dags: { persistentVolumeClaim: 'airflow-dags' } },
      'airflow.dags',
      'lives in one namespace only',
      'gitSync',
    ],
    [
      'the log bucket is not a bucket name',
      { logs: { bucket: 'S3://Bucket', region: 'us-east-1' } },
      'airflow.logs.bucket',
      'not an S3 bucket name',
      'ml-artifacts',
    ],
    [
      'tasks may stay pending for less than a minute',
      { taskPendingTimeoutSeconds: 10 },
      'airflow.taskPendingTimeoutSeconds',
      'at least 60',
      '3600',
    ],
  ])('throws when %s', (_what, over, path, problem, fix) => {
    // GIVEN a bad Airflow spec WHEN planned THEN the problem names the field and the fix
    const p = planError(platform(over as Partial<AirflowSpec>)).problems.find((x) => x.path === path);
    expect(p).toBeDefined();
    expect(p!.problem).toContain(problem);
    expect(p!.fix).toContain(fix);
  });

  test('throws when the bundled database is used in a production platform', () => {
    // GIVEN the bundled database WHEN planned for prod THEN it is refused, with the fix
    const e = planError(platform({ database: { bundled: true } }, { environment: 'prod' }));
    expect(e.problems[0]).toMatchObject({ path: 'airflow.database' });
    expect(e.problems[0].fix).toContain('external PostgreSQL');
  });

  test('throws when one task needs more GPUs than the team may hold', () => {
    // GIVEN a team that may hold 4 H100s and a template of 8 WHEN planned THEN the quota is named
    const e = planError(
      platform({ podTemplates: [{ pool: 'h100', gpu: { whole: 8 } }] }, { teams: [{ name: 'research', gpuQuota: { h100: 4 } }] }),
    );
    const p = e.problems.find((x) => x.path === 'teams[0].gpuQuota["h100"]')!;
    expect(p.problem).toContain("needs 8 GPUs of pool 'h100', more than team 'research' may hold");
    expect(p.fix).toContain('at least 8');
  });

  test('throws when a team with GPU templates may not reach HTTPS', () => {
    // GIVEN a team without HTTPS egress that gets a template WHEN planned THEN refused
    const e = planError(
      platform(
        {},
        { teams: [{ name: 'research', gpuQuota: { h100: 8 }, allowEgressHttps: false, apiServerCidrs: ['10.0.0.0/16'] }] },
      ),
    );
    expect(e.problems.map((p) => p.path)).toContain('teams[0].allowEgressHttps');
  });

  test('throws when the executor is the hybrid Airflow 3 removed', () => {
    // GIVEN CeleryKubernetesExecutor WHEN planned THEN the shape check names the values Airflow 3 has
    const e = planError(platform({ executor: 'CeleryKubernetesExecutor' as never }));
    expect(e.problems[0]).toMatchObject({ path: 'airflow.executor', problem: 'not a known value' });
    expect(e.problems[0].fix).toContain("'CeleryExecutor,KubernetesExecutor'");
  });
});
