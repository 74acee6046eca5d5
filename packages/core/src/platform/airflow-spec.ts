// Apache Airflow as plain data: what a platform team sets, the same from TypeScript and from a stack's
// YAML, and the runtime schema of it. Credentials are always Secret names, never values.
import { Field, S, Schema } from '../spec/schema';

/**
 * How Airflow runs tasks. Airflow 3 removed the hybrid `CeleryKubernetesExecutor`; running Celery
 * workers next to per-task pods is now two executors at once, which tasks pick with `executor=`.
 */
export type AirflowExecutor = 'KubernetesExecutor' | 'CeleryExecutor,KubernetesExecutor';

/** A GPU request as data: whole GPUs, MIG slices of one profile, or time-sliced/MPS shares. */
export type AirflowGpuRequest =
  { readonly whole: number } | { readonly mig: string; readonly count?: number } | { readonly shared: number };

/** A pod template for GPU tasks on one pool; every team with a GPU quota on the pool gets it. */
export interface AirflowPodTemplateSpec {
  /**
   * Template name, a DNS label: DAG authors pick it with
   * `executor_config={"pod_template_file": "/opt/airflow/pod-templates/<team>/<name>.yaml"}`.
   * @default - the pool's name
   */
  readonly name?: string;
  /** The GPU pool the task runs on. */
  readonly pool: string;
  /** GPUs per task, in the pool's own kind (whole GPUs, MIG slices or shares). */
  readonly gpu: AirflowGpuRequest;
  /**
   * CPU cores per task.
   * @default - sized per GPU from the pool's leanest instance type
   */
  readonly cpu?: number;
  /**
   * Memory per task, GiB (also its limit).
   * @default - sized per GPU from the pool's leanest instance type
   */
  readonly memoryGiB?: number;
  /**
   * Size of /dev/shm, GiB (memory; counts against the task's memory).
   * @default - half the task's memory, at most 32
   */
  readonly sharedMemoryGiB?: number;
}

/** DAGs from a git repository, synced by git-sync into every Airflow pod. */
export interface AirflowGitSyncSpec {
  /** Repository URL, without credentials (`https://github.com/acme/dags.git` or `git@github.com:acme/dags.git`). */
  readonly repo: string;
  /**
   * Branch to follow.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * A commit SHA or tag to pin. Without it the DAGs follow the branch head, and the summary warns.
   * @default - none: the branch head
   */
  readonly rev?: string;
  /**
   * Folder of the DAGs inside the repository.
   * @default - the repository root
   */
  readonly subPath?: string;
  /**
   * Secret with the HTTPS username and password or token (keys GITSYNC_USERNAME, GITSYNC_PASSWORD,
   * GIT_SYNC_USERNAME, GIT_SYNC_PASSWORD), in Airflow's namespace and in every team namespace with
   * pod templates.
   * @default - none: a public repository, or `sshKeySecret`
   */
  readonly credentialsSecret?: string;
  /**
   * Secret with the SSH private key (key `gitSshKey`), for `git@` repositories.
   * @default - none
   */
  readonly sshKeySecret?: string;
}

/** Where the DAGs come from: git-sync, or an existing PersistentVolumeClaim. */
export type AirflowDagsSpec = { readonly gitSync: AirflowGitSyncSpec } | { readonly persistentVolumeClaim: string };

/** The metadata database: an external PostgreSQL by Secret reference, or the chart's bundled one (dev only). */
export type AirflowDatabaseSpec =
  /** A Secret with key `connection`: the SQLAlchemy URL of the database. */
  | { readonly secret: string }
  /** The chart's bundled PostgreSQL: no backups, no HA, and a password in the chart's defaults. Refused in prod. */
  | { readonly bundled: true };

/** Size of an Airflow component. */
export interface AirflowComponentSize {
  /** @default - the chart's (1; 2 for the scheduler and API server with an external database) */
  readonly replicas?: number;
  /** CPU cores requested. @default - the chart's (none) */
  readonly cpu?: number;
  /** Memory requested and limit, GiB. @default - the chart's (none) */
  readonly memoryGiB?: number;
}

/** Task logs in the platform's S3 artifact bucket, written with each pod's own AWS identity (Pod Identity). */
export interface AirflowLogsSpec {
  readonly bucket: string;
  readonly region: string;
  /**
   * Key prefix of the logs (no leading or trailing `/`).
   * @default 'airflow/logs'
   */
  readonly prefix?: string;
}

/** Apache Airflow (the official chart) on the platform. */
export interface AirflowSpec {
  /**
   * Namespace of Airflow's own pods.
   * @default 'airflow'
   */
  readonly namespace?: string;
  /**
   * Executor: a pod per task (`KubernetesExecutor`), or Celery workers and pods per task side by side.
   * @default 'KubernetesExecutor'
   */
  readonly executor?: AirflowExecutor;
  /** The metadata database. */
  readonly database: AirflowDatabaseSpec;
  /** Secret with key `fernet-key`: encrypts connections and variables in the database. */
  readonly fernetKeySecret: string;
  /** Secret with key `api-secret-key`: the API server's session secret. */
  readonly apiSecretKeySecret: string;
  /**
   * Secret with key `jwt-secret`: signs the tokens tasks use against the API server. Without it the
   * chart generates one at every install or upgrade, which under GitOps is every sync.
   */
  readonly jwtSecret: string;
  /**
   * Celery (with `CeleryExecutor,KubernetesExecutor`): Secrets with the Redis password (key `password`)
   * and the broker URL (key `connection`), so no sync regenerates them.
   * @default - none (required with Celery)
   */
  readonly celery?: { readonly redisPasswordSecret: string; readonly brokerUrlSecret: string; readonly workers?: number };
  /** Where DAGs come from. */
  readonly dags: AirflowDagsSpec;
  /**
   * Task logs in S3 through Pod Identity.
   * @default - none: logs stay in the pods (and are lost with them)
   */
  readonly logs?: AirflowLogsSpec;
  /**
   * StatsD metrics, scraped by the platform's Prometheus.
   * @default - on when the platform has monitoring
   */
  readonly metrics?: boolean;
  /**
   * Airflow image (your own, with your providers), and the Airflow version it runs.
   * @default - apache/airflow at the chart's Airflow version
   */
  readonly image?: { readonly repository: string; readonly tag: string; readonly airflowVersion?: string };
  /** @default - the chart's */
  readonly scheduler?: AirflowComponentSize;
  /** @default - the chart's */
  readonly apiServer?: AirflowComponentSize;
  /** @default - the chart's */
  readonly triggerer?: AirflowComponentSize;
  /** @default - the chart's */
  readonly dagProcessor?: AirflowComponentSize;
  /**
   * How long a task pod may stay Pending (queued by Kueue, waiting for a GPU node) before Airflow fails it, seconds.
   * @default 3600 - Airflow's own 300 is shorter than a GPU node takes to join
   */
  readonly taskPendingTimeoutSeconds?: number;
  /**
   * GPU pod templates, one per pool (or more, with names); each team with a GPU quota on the pool gets
   * its copy, running in the team's namespace under its quota and Kueue queue.
   * @default - none: tasks run on CPU in Airflow's namespace
   */
  readonly podTemplates?: readonly AirflowPodTemplateSpec[];
}

const f = (schema: Schema, doc: string, more: Partial<Omit<Field, 'schema' | 'doc'>> = {}): Field => ({ schema, doc, ...more });
const size = S.object('component size', {
  replicas: f(S.integer, 'replicas'),
  cpu: f(S.number, 'CPU cores requested'),
  memoryGiB: f(S.number, 'memory request and limit, GiB'),
});
const gpu = S.either('GPU request', [
  S.object('whole GPUs', { whole: f(S.integer, 'whole GPUs', { required: true }) }),
  S.object('MIG slices', {
    mig: f(S.string, "MIG profile, e.g. '1g.10gb'", { required: true }),
    count: f(S.integer, 'slices', { default: '1' }),
  }),
  S.object('GPU shares', { shared: f(S.integer, 'time-sliced or MPS shares', { required: true }) }),
]);

/** The fields of an Airflow spec. */
export const AIRFLOW_FIELDS: Readonly<Record<string, Field>> = {
  namespace: f(S.string, "namespace of Airflow's pods", { default: "'airflow'" }),
  executor: f(S.enum(['KubernetesExecutor', 'CeleryExecutor,KubernetesExecutor']), 'how tasks run', {
    default: "'KubernetesExecutor'",
  }),
  database: f(
    S.either('metadata database', [
      S.object('external database', {
        secret: f(S.string, 'Secret with key connection (the SQLAlchemy URL)', { required: true }),
      }),
      S.object('bundled database', { bundled: f(S.boolean, "the chart's PostgreSQL (dev only)", { required: true }) }),
    ]),
    'the metadata database: { secret } or { bundled: true }',
    { required: true, example: '{ secret: airflow-metadata }' },
  ),
  fernetKeySecret: f(S.string, 'Secret with key fernet-key', { required: true, example: 'airflow-fernet-key' }),
  apiSecretKeySecret: f(S.string, 'Secret with key api-secret-key', { required: true, example: 'airflow-api-secret-key' }),
  jwtSecret: f(S.string, 'Secret with key jwt-secret', { required: true, example: 'airflow-jwt-secret' }),
  celery: f(
    S.object('Celery', {
      redisPasswordSecret: f(S.string, 'Secret with key password', { required: true }),
      brokerUrlSecret: f(S.string, 'Secret with key connection', { required: true }),
      workers: f(S.integer, 'Celery workers'),
    }),
    'Celery Secrets (with CeleryExecutor,KubernetesExecutor)',
  ),
  dags: f(
    S.either('DAG source', [
      S.object('git-sync', {
        gitSync: f(
          S.object('git-sync', {
            repo: f(S.string, 'repository URL, without credentials', { required: true }),
            branch: f(S.string, 'branch', { default: "'main'" }),
            rev: f(S.string, 'commit SHA or tag to pin', { default: 'the branch head' }),
            subPath: f(S.string, 'folder of the DAGs', { default: 'the repository root' }),
            credentialsSecret: f(S.string, 'Secret with the HTTPS username and password'),
            sshKeySecret: f(S.string, 'Secret with the SSH key (key gitSshKey)'),
          }),
          'git-sync',
          { required: true },
        ),
      }),
      S.object('DAG volume', {
        persistentVolumeClaim: f(S.string, 'an existing claim holding the DAGs', { required: true }),
      }),
    ]),
    'where DAGs come from: { gitSync } or { persistentVolumeClaim }',
    { required: true },
  ),
  logs: f(
    S.object('task logs', {
      bucket: f(S.string, 'S3 bucket', { required: true }),
      region: f(S.string, 'bucket region', { required: true }),
      prefix: f(S.string, 'key prefix', { default: "'airflow/logs'" }),
    }),
    'task logs in S3 through Pod Identity',
    { default: 'none' },
  ),
  metrics: f(S.boolean, 'StatsD metrics scraped by the platform', { default: 'on with monitoring' }),
  image: f(
    S.object('Airflow image', {
      repository: f(S.string, 'image repository', { required: true }),
      tag: f(S.string, 'image tag', { required: true }),
      airflowVersion: f(S.string, 'Airflow version of the image', { default: "the chart's" }),
    }),
    'Airflow image',
    { default: "apache/airflow at the chart's version" },
  ),
  scheduler: f(size, 'scheduler size', { default: "the chart's" }),
  apiServer: f(size, 'API server size', { default: "the chart's" }),
  triggerer: f(size, 'triggerer size', { default: "the chart's" }),
  dagProcessor: f(size, 'DAG processor size', { default: "the chart's" }),
  taskPendingTimeoutSeconds: f(S.integer, 'seconds a task pod may stay Pending', { default: '3600' }),
  podTemplates: f(
    S.list(
      S.object('pod template', {
        name: f(S.string, 'template name', { default: 'the pool name' }),
        pool: f(S.string, 'GPU pool', { required: true }),
        gpu: f(gpu, 'GPUs per task: { whole }, { mig, count } or { shared }', { required: true }),
        cpu: f(S.number, 'CPU cores'),
        memoryGiB: f(S.number, 'memory, GiB'),
        sharedMemoryGiB: f(S.number, '/dev/shm, GiB'),
      }),
    ),
    'GPU pod templates per pool, given to every team with quota there',
    { default: 'none' },
  ),
};
