// Airflow planned as a pure function: credentials only by Secret name, the executor Airflow 3 has, DAGs
// that reach every pod that runs a task, and GPU pod templates checked against their pools' sharing
// and their teams' quotas. `planPlatform` calls it; the cdk8s construct only renders the result.
import { ProblemCollector, ValidationWarning } from '../errors';
import { GpuAsk, gpuAskResource, gpuEquivalents } from '../plan/pod-resources';
import { GpuPool } from '../spec/gpu-pool-types';
import { isDnsLabel, isDnsSubdomain } from '../util/kubernetes-names';
import { CHARTS } from '../versions/version-lock';
import {
  AirflowComponentSize,
  AirflowDatabaseSpec,
  AirflowExecutor,
  AirflowGitSyncSpec,
  AirflowGpuRequest,
  AirflowSpec,
} from './airflow-spec';
import { checkGitSync, checkSize, rawCredentials, secretName } from './airflow-checks';
import type { TeamPlan } from './team-plan';

/** Where the KubernetesExecutor finds aiready's pod templates in the scheduler: `<dir>/<team>/<name>.yaml`. */
export const AIRFLOW_POD_TEMPLATE_DIR = '/opt/airflow/pod-templates';
/** The default prefix of task logs in the bucket. */
export const AIRFLOW_DEFAULT_LOG_PREFIX = 'airflow/logs';
/** Seconds a task pod may stay Pending unless the spec says otherwise. */
export const AIRFLOW_DEFAULT_PENDING_TIMEOUT = 3600;

/** One GPU pod template of one team. */
export interface PlannedAirflowTemplate {
  readonly name: string;
  readonly pool: string;
  readonly gpu: GpuAsk;
  /** Where DAG authors point `executor_config={"pod_template_file": ...}`. */
  readonly path: string;
  readonly cpu?: number;
  readonly memoryGiB?: number;
  readonly sharedMemoryGiB?: number;
}

/** A team whose namespace runs Airflow GPU tasks. */
export interface PlannedAirflowTeam {
  readonly namespace: string;
  readonly templates: readonly PlannedAirflowTemplate[];
}

/** Airflow as the platform installs it: every default resolved. */
export interface PlannedAirflow {
  readonly namespace: string;
  readonly executor: AirflowExecutor;
  readonly database: AirflowDatabaseSpec;
  readonly fernetKeySecret: string;
  readonly apiSecretKeySecret: string;
  readonly jwtSecret: string;
  readonly celery?: AirflowSpec['celery'];
  readonly dags:
    | { readonly gitSync: Required<Pick<AirflowGitSyncSpec, 'repo' | 'branch'>> & AirflowGitSyncSpec }
    | { readonly persistentVolumeClaim: string };
  readonly logs?: { readonly bucket: string; readonly region: string; readonly prefix: string };
  /** StatsD runs; the platform's Prometheus scrapes it when it has monitoring. */
  readonly metrics: boolean;
  readonly image: { readonly repository: string; readonly tag: string; readonly airflowVersion: string };
  readonly scheduler?: AirflowComponentSize;
  readonly apiServer?: AirflowComponentSize;
  readonly triggerer?: AirflowComponentSize;
  readonly dagProcessor?: AirflowComponentSize;
  readonly taskPendingTimeoutSeconds: number;
  /** Teams with GPU templates, by namespace. */
  readonly teams: readonly PlannedAirflowTeam[];
  /** Namespaces the executor launches task pods into: Airflow's, then the teams'. */
  readonly taskNamespaces: readonly string[];
}

/** What planning Airflow needs of the rest of the platform. */
export interface AirflowContext {
  readonly pools: readonly GpuPool[];
  readonly teams: readonly TeamPlan[];
  readonly environment: 'dev' | 'prod';
  readonly monitoring: boolean;
  /** Where a team is in the input, for messages. @default - its index among `teams` */
  readonly teamPath?: (team: TeamPlan) => string;
  /** The raw chart values of the spec (`values.airflow`), merged over aiready's. */
  readonly rawValues?: Readonly<Record<string, unknown>>;
}

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const NO_SPACE = /^\S+$/;
const VERSION = /^(\d+)\.\d+\.\d+$/;

function askOf(gpu: AirflowGpuRequest): GpuAsk {
  if ('whole' in gpu) return { kind: 'whole', count: gpu.whole };
  if ('mig' in gpu) return { kind: 'mig', count: gpu.count ?? 1, profile: gpu.mig };
  return { kind: 'shared', count: gpu.shared };
}

function planTemplates(
  spec: AirflowSpec,
  ctx: AirflowContext,
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): { name: string; pool: GpuPool; ask: GpuAsk; spec: NonNullable<AirflowSpec['podTemplates']>[number] }[] {
  const pools = new Map(ctx.pools.map((p) => [p.name, p]));
  const seen = new Map<string, number>();
  const out: ReturnType<typeof planTemplates> = [];
  (spec.podTemplates ?? []).forEach((t, i) => {
    const path = `airflow.podTemplates[${i}]`;
    const name = t.name ?? t.pool;
    if (!isDnsLabel(name, 63))
      problems.add({ path: `${path}.name`, value: name, problem: 'not a DNS label', fix: "use e.g. 'h100'" });
    const first = seen.get(name);
    if (first !== undefined)
      problems.add({
        path: `${path}.name`,
        value: name,
        problem: `the same name as airflow.podTemplates[${first}]: DAG authors could not tell them apart`,
        fix: 'give every template a unique name',
      });
    else seen.set(name, i);
    const pool = pools.get(t.pool);
    if (!pool) {
      problems.add({
        path: `${path}.pool`,
        value: t.pool,
        problem: 'no such pool: the executor would launch task pods that no node can ever run',
        fix: `use one of ${[...pools.keys()].join(', ')}`,
      });
      return;
    }
    const ask = askOf(t.gpu);
    const found = gpuAskResource(pool, ask);
    if ('problem' in found) {
      problems.add({
        path: `${path}.gpu`,
        value: t.gpu,
        problem: found.problem,
        fix: found.fix.replace(/Gpu\.(\w+)\((.*)\)/, '{ $1: $2 }'),
      });
      return;
    }
    for (const key of ['cpu', 'memoryGiB', 'sharedMemoryGiB'] as const) {
      const v = t[key];
      if (v !== undefined && !(v > 0))
        problems.add({
          path: `${path}.${key}`,
          value: v,
          problem: 'must be positive',
          fix: 'leave it unset for the pool default',
        });
    }
    if (t.sharedMemoryGiB !== undefined && t.memoryGiB !== undefined && t.sharedMemoryGiB >= t.memoryGiB)
      problems.add({
        path: `${path}.sharedMemoryGiB`,
        value: t.sharedMemoryGiB,
        problem: `is memory of the task and must stay below its ${t.memoryGiB} GiB`,
        fix: 'lower sharedMemoryGiB or raise memoryGiB',
      });
    if (!ctx.teams.some((team) => (team.gpuQuota[pool.name] ?? 0) > 0))
      warnings.push({
        path: `${path}.pool`,
        message: `no team has a GPU quota on pool '${pool.name}', so no team gets template '${name}'`,
      });
    out.push({ name, pool, ask, spec: t });
  });
  return out;
}

/** Plans Airflow; problems go to `problems`, soft issues to `warnings`. Undefined when there is no Airflow. */
export function planAirflow(
  spec: AirflowSpec | undefined,
  ctx: AirflowContext,
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): PlannedAirflow | undefined {
  if (!spec) return undefined;
  rawCredentials(ctx.rawValues ?? {}, 'values.airflow', problems);
  if (Object.keys(ctx.rawValues ?? {}).length)
    warnings.push({
      path: 'values.airflow',
      message: `not checked against the airflow ${CHARTS.airflow.version} chart: aiready holds no values data for it yet, so Helm would silently ignore a misspelled key; check with aiready synth --render after aiready charts pull`,
    });
  const namespace = spec.namespace ?? CHARTS.airflow.namespace;
  if (!isDnsLabel(namespace))
    problems.add({ path: 'airflow.namespace', value: namespace, problem: 'not a namespace name', fix: "use e.g. 'airflow'" });
  const executor = spec.executor ?? 'KubernetesExecutor';
  const celery = executor.includes('CeleryExecutor');
  if (celery && !spec.celery)
    problems.add({
      path: 'airflow.celery',
      value: undefined,
      problem: 'Celery needs its Redis password and broker URL in Secrets; the chart would generate new ones at every sync',
      fix: 'give celery: { redisPasswordSecret, brokerUrlSecret }',
    });
  if (!celery && spec.celery)
    problems.add({
      path: 'airflow.celery',
      value: '{...}',
      problem: `configures Celery, which executor '${executor}' does not run`,
      fix: "remove celery, or set executor: 'CeleryExecutor,KubernetesExecutor'",
    });
  if (spec.celery) {
    secretName(
      spec.celery.redisPasswordSecret,
      'airflow.celery.redisPasswordSecret',
      'the Redis password (key password)',
      problems,
    );
    secretName(spec.celery.brokerUrlSecret, 'airflow.celery.brokerUrlSecret', 'the broker URL (key connection)', problems);
    if (spec.celery.workers !== undefined && !(spec.celery.workers >= 1))
      problems.add({
        path: 'airflow.celery.workers',
        value: spec.celery.workers,
        problem: 'must be at least 1',
        fix: 'use e.g. 2',
      });
  }

  const db = spec.database;
  if ('secret' in db) secretName(db.secret, 'airflow.database.secret', 'the database URL (key connection)', problems);
  else if (db.bundled !== true)
    problems.add({
      path: 'airflow.database.bundled',
      value: db.bundled,
      problem: 'must be true when given',
      fix: 'give { secret: <name> } for an external database',
    });
  else if (ctx.environment === 'prod')
    problems.add({
      path: 'airflow.database',
      value: db,
      problem:
        "is the chart's bundled PostgreSQL in a production platform: one pod, no backups, and a password in the chart's defaults",
      fix: 'use an external PostgreSQL (RDS) and give { secret: <Secret with key connection> }',
    });
  else
    warnings.push({
      path: 'airflow.database',
      message:
        "Airflow uses the chart's bundled PostgreSQL: fine for dev, never for production (one pod, no backups, the chart's default password)",
    });
  secretName(spec.fernetKeySecret, 'airflow.fernetKeySecret', 'the Fernet key (key fernet-key)', problems);
  secretName(spec.apiSecretKeySecret, 'airflow.apiSecretKeySecret', 'the API secret key (key api-secret-key)', problems);
  secretName(spec.jwtSecret, 'airflow.jwtSecret', 'the JWT signing secret (key jwt-secret)', problems);

  let dags: PlannedAirflow['dags'];
  if ('gitSync' in spec.dags) {
    checkGitSync(spec.dags.gitSync, ctx.environment, problems, warnings);
    dags = { gitSync: { ...spec.dags.gitSync, branch: spec.dags.gitSync.branch ?? 'main' } };
  } else {
    if (!isDnsSubdomain(spec.dags.persistentVolumeClaim))
      problems.add({
        path: 'airflow.dags.persistentVolumeClaim',
        value: spec.dags.persistentVolumeClaim,
        problem: 'not a claim name',
        fix: "use e.g. 'airflow-dags'",
      });
    dags = { persistentVolumeClaim: spec.dags.persistentVolumeClaim };
  }

  let logs: PlannedAirflow['logs'];
  if (spec.logs) {
    const prefix = spec.logs.prefix ?? AIRFLOW_DEFAULT_LOG_PREFIX;
    if (!S3_BUCKET.test(spec.logs.bucket))
      problems.add({
        path: 'airflow.logs.bucket',
        value: spec.logs.bucket,
        problem: 'not an S3 bucket name',
        fix: "use e.g. 'ml-artifacts-prod'",
      });
    if (!AWS_REGION.test(spec.logs.region))
      problems.add({
        path: 'airflow.logs.region',
        value: spec.logs.region,
        problem: 'not an AWS region',
        fix: "use e.g. 'us-east-1'",
      });
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix) || prefix.split('/').includes('..'))
      problems.add({
        path: 'airflow.logs.prefix',
        value: prefix,
        problem: 'not a key prefix (no leading or trailing /)',
        fix: `use e.g. '${AIRFLOW_DEFAULT_LOG_PREFIX}'`,
      });
    logs = { bucket: spec.logs.bucket, region: spec.logs.region, prefix };
  }

  const airflowVersion = spec.image?.airflowVersion ?? CHARTS.airflow.appVersion;
  const major = VERSION.exec(airflowVersion)?.[1];
  if (major === undefined || Number(major) < 3)
    problems.add({
      path: 'airflow.image.airflowVersion',
      value: airflowVersion,
      problem: 'aiready runs Airflow 3 (API server, JWT-authenticated task pods, multiple executors)',
      fix: `use an Airflow 3 image, e.g. ${CHARTS.airflow.appVersion}`,
    });
  for (const key of ['repository', 'tag'] as const) {
    const v = spec.image?.[key];
    if (v !== undefined && !NO_SPACE.test(v))
      problems.add({
        path: `airflow.image.${key}`,
        value: v,
        problem: 'not an image reference',
        fix: 'use e.g. acme/airflow and 3.2.2-gpu',
      });
  }
  for (const key of ['scheduler', 'apiServer', 'triggerer', 'dagProcessor'] as const)
    checkSize(spec[key], `airflow.${key}`, problems);
  const pending = spec.taskPendingTimeoutSeconds ?? AIRFLOW_DEFAULT_PENDING_TIMEOUT;
  if (!Number.isInteger(pending) || pending < 60)
    problems.add({
      path: 'airflow.taskPendingTimeoutSeconds',
      value: pending,
      problem: 'must be a whole number of seconds, at least 60',
      fix: 'use e.g. 3600',
    });

  const templates = planTemplates(spec, ctx, problems, warnings);
  const teams: PlannedAirflowTeam[] = [];
  for (const team of [...ctx.teams].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
    const own = templates.filter((t) => (team.gpuQuota[t.pool.name] ?? 0) > 0);
    if (!own.length) continue;
    const at = ctx.teamPath?.(team) ?? `teams[${ctx.teams.indexOf(team)}]`;
    for (const t of own) {
      const needed = gpuEquivalents(t.pool, t.ask);
      const quota = team.gpuQuota[t.pool.name] ?? 0;
      if (needed > quota)
        problems.add({
          path: `${at}.gpuQuota["${t.pool.name}"]`,
          value: quota,
          problem: `one task of Airflow template '${t.name}' needs ${+needed.toFixed(3)} GPUs of pool '${t.pool.name}', more than team '${team.namespace}' may hold, so the quota refuses every such task`,
          fix: `raise the quota to at least ${Math.ceil(needed)}, or ask for fewer GPUs in the template`,
        });
    }
    if (team.spec.allowEgressHttps === false)
      problems.add({
        path: `${at}.allowEgressHttps`,
        value: false,
        problem: `team '${team.namespace}' runs Airflow GPU tasks, which clone the DAG repository and write logs over HTTPS`,
        fix: 'allow HTTPS egress for the team, or give it no GPU quota on the template pools',
      });
    teams.push({
      namespace: team.namespace,
      templates: own.map((t) => ({
        name: t.name,
        pool: t.pool.name,
        gpu: t.ask,
        path: `${AIRFLOW_POD_TEMPLATE_DIR}/${team.namespace}/${t.name}.yaml`,
        ...(t.spec.cpu === undefined ? {} : { cpu: t.spec.cpu }),
        ...(t.spec.memoryGiB === undefined ? {} : { memoryGiB: t.spec.memoryGiB }),
        ...(t.spec.sharedMemoryGiB === undefined ? {} : { sharedMemoryGiB: t.spec.sharedMemoryGiB }),
      })),
    });
  }
  if (teams.length && 'persistentVolumeClaim' in spec.dags)
    problems.add({
      path: 'airflow.dags',
      value: { persistentVolumeClaim: spec.dags.persistentVolumeClaim },
      problem: `GPU tasks run in the team namespaces (${teams.map((t) => t.namespace).join(', ')}), and a DAG volume claim lives in one namespace only`,
      fix: 'deliver DAGs with gitSync, which every task pod runs itself',
    });

  return {
    namespace,
    executor,
    database: db,
    fernetKeySecret: spec.fernetKeySecret,
    apiSecretKeySecret: spec.apiSecretKeySecret,
    jwtSecret: spec.jwtSecret,
    ...(spec.celery ? { celery: spec.celery } : {}),
    dags,
    ...(logs ? { logs } : {}),
    metrics: spec.metrics ?? ctx.monitoring,
    image: {
      repository: spec.image?.repository ?? 'apache/airflow',
      tag: spec.image?.tag ?? CHARTS.airflow.appVersion,
      airflowVersion,
    },
    ...(spec.scheduler ? { scheduler: spec.scheduler } : {}),
    ...(spec.apiServer ? { apiServer: spec.apiServer } : {}),
    ...(spec.triggerer ? { triggerer: spec.triggerer } : {}),
    ...(spec.dagProcessor ? { dagProcessor: spec.dagProcessor } : {}),
    taskPendingTimeoutSeconds: pending,
    teams,
    taskNamespaces: [namespace, ...teams.map((t) => t.namespace)],
  };
}
