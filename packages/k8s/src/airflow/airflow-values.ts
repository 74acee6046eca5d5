// The chart values of Airflow, as a pure function of the plan: every credential by Secret name, every
// pod restricted-compliant, remote logs through the pods' own AWS identity, and the scheduler able to
// launch GPU tasks into the teams' namespaces. The team pod templates read the same settings, so a
// task pod and the chart's pods never disagree on where the API server, the logs or StatsD are.
import { AIRFLOW_GIT_SYNC_IMAGE, AIRFLOW_POD_TEMPLATE_DIR, PlannedAirflow } from '@aiready/core';
import { Values } from '../private/merge';

/** Helm release name, also the chart's `fullnameOverride`: every chart object name starts with it. */
export const AIRFLOW_RELEASE = 'airflow';
/** The user the Airflow image runs as (its Dockerfile's `AIRFLOW_UID`), with group 0 for its files. */
export const AIRFLOW_UID = 50000;
/** The user git-sync runs as (the chart's `dags.gitSync.uid`). */
export const GIT_SYNC_UID = 65533;
/** The API server's port (the chart's `ports.apiServer`). */
export const AIRFLOW_API_PORT = 8080;
/** StatsD ingest (UDP) and scrape (TCP) ports (the chart's `ports.statsdIngest`, `ports.statsdScrape`). */
export const STATSD_PORTS = { ingest: 9125, scrape: 9102 } as const;
/** The port each task pod serves its live log on (Airflow's `worker_log_server_port`). */
export const TASK_LOG_PORT = 8793;
/** The Airflow connection task logs are written through (no keys: the pod's Pod Identity). */
export const LOG_CONNECTION_ID = 'aws_logs';

/** Service accounts of Airflow's own components (set explicitly, so IAM can be bound to them by name). */
export const AIRFLOW_ACCOUNTS = {
  scheduler: 'airflow-scheduler',
  apiServer: 'airflow-api-server',
  triggerer: 'airflow-triggerer',
  dagProcessor: 'airflow-dag-processor',
  worker: 'airflow-worker',
  celeryWorker: 'airflow-celery-worker',
} as const;

/** Pod security of every Airflow pod: the image's user, group 0 for its files, the runtime's seccomp profile. */
export const AIRFLOW_POD_SECURITY = {
  runAsUser: AIRFLOW_UID,
  runAsGroup: 0,
  fsGroup: 0,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** Container security that Pod Security `restricted` asks of every container. */
export function restrictedContainer(uid?: number): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(uid === undefined ? {} : { runAsUser: uid }),
  };
}

/** The in-cluster address of a chart Service from any namespace. */
export function airflowServiceHost(plan: PlannedAirflow, component: 'api-server' | 'statsd'): string {
  return `${AIRFLOW_RELEASE}-${component}.${plan.namespace}.svc.cluster.local`;
}

/** Where git-sync puts the DAGs inside every Airflow container. */
export function dagsFolder(plan: PlannedAirflow): string {
  return 'gitSync' in plan.dags
    ? `/opt/airflow/dags/repo${plan.dags.gitSync.subPath ? `/${plan.dags.gitSync.subPath}` : ''}`
    : '/opt/airflow/dags';
}

/**
 * Airflow settings (`[section] key`) every process needs the same: the chart writes them into
 * airflow.cfg, the team pod templates set them as `AIRFLOW__SECTION__KEY`.
 */
export function airflowSettings(plan: PlannedAirflow): Record<string, Record<string, string>> {
  return {
    ...(plan.logs
      ? {
          logging: {
            remote_logging: 'True',
            remote_base_log_folder: `s3://${plan.logs.bucket}/${plan.logs.prefix}`,
            remote_log_conn_id: LOG_CONNECTION_ID,
          },
        }
      : {}),
  };
}

/** The Airflow connection of the log bucket: its region only; credentials come from Pod Identity. */
export function logConnection(plan: PlannedAirflow): { name: string; value: string } | undefined {
  if (!plan.logs) return undefined;
  return {
    name: `AIRFLOW_CONN_${LOG_CONNECTION_ID.toUpperCase()}`,
    value: JSON.stringify({ conn_type: 'aws', extra: { region_name: plan.logs.region } }),
  };
}

/** The chart's git-sync settings: the same revision through every generation of git-sync's flags. */
function gitSyncValues(plan: PlannedAirflow): Values {
  if (!('gitSync' in plan.dags)) return { persistence: { enabled: true, existingClaim: plan.dags.persistentVolumeClaim } };
  const git = plan.dags.gitSync;
  return {
    gitSync: {
      enabled: true,
      repo: git.repo,
      // git-sync v4 takes --ref, and derives it from the deprecated --branch and --rev when those are
      // set: all three name the same revision, so no combination can pick another.
      branch: git.branch,
      rev: git.rev ?? 'HEAD',
      ref: git.rev ?? git.branch,
      subPath: git.subPath ?? '',
      ...(git.credentialsSecret ? { credentialsSecret: git.credentialsSecret } : {}),
      ...(git.sshKeySecret ? { sshKeySecret: git.sshKeySecret } : {}),
      securityContexts: { container: restrictedContainer(GIT_SYNC_UID) },
    },
  };
}

function size(s: { readonly replicas?: number; readonly cpu?: number; readonly memoryGiB?: number } | undefined): Values {
  if (!s) return {};
  const requests = {
    ...(s.cpu === undefined ? {} : { cpu: String(s.cpu) }),
    ...(s.memoryGiB === undefined ? {} : { memory: `${s.memoryGiB}Gi` }),
  };
  return {
    ...(s.replicas === undefined ? {} : { replicas: s.replicas }),
    ...(Object.keys(requests).length
      ? { resources: { requests, ...(s.memoryGiB === undefined ? {} : { limits: { memory: `${s.memoryGiB}Gi` } }) } }
      : {}),
  };
}

/** Options the plan does not hold. */
export interface AirflowValuesOptions {
  /** Argo CD installs the release: the migration Job runs as an Argo CD Sync hook, not a Helm hook. */
  readonly argoCd: boolean;
  /** `airflow_local_settings.py` (the task-namespace hook), when teams run GPU tasks. */
  readonly localSettings?: string;
  /** The ConfigMaps of the teams' pod templates, mounted into the scheduler. */
  readonly templateConfigMaps: readonly { readonly team: string; readonly configMap: string }[];
}

/** The values of the Airflow chart for a plan. */
export function airflowValues(plan: PlannedAirflow, options: AirflowValuesOptions): Values {
  const celery = plan.executor.includes('CeleryExecutor');
  const external = 'secret' in plan.database;
  const connection = logConnection(plan);
  return {
    fullnameOverride: AIRFLOW_RELEASE,
    executor: plan.executor,
    airflowVersion: plan.image.airflowVersion,
    defaultAirflowRepository: plan.image.repository,
    defaultAirflowTag: plan.image.tag,
    images: { gitSync: { repository: AIRFLOW_GIT_SYNC_IMAGE.repository, tag: AIRFLOW_GIT_SYNC_IMAGE.tag } },
    data: {
      ...('secret' in plan.database ? { metadataSecretName: plan.database.secret } : {}),
      ...(plan.celery ? { brokerUrlSecretName: plan.celery.brokerUrlSecret } : {}),
    },
    postgresql: { enabled: !external },
    fernetKeySecretName: plan.fernetKeySecret,
    apiSecretKeySecretName: plan.apiSecretKeySecret,
    jwtSecretName: plan.jwtSecret,
    // The default admin user would be created with the chart's literal password.
    createUserJob: { defaultUser: { enabled: false } },
    ...(options.argoCd
      ? {
          migrateDatabaseJob: {
            useHelmHooks: false,
            jobAnnotations: {
              'argocd.argoproj.io/hook': 'Sync',
              'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
            },
          },
        }
      : {}),
    dags: gitSyncValues(plan),
    config: {
      ...airflowSettings(plan),
      kubernetes_executor: {
        // Task pods of the teams run in their namespaces; the executor watches exactly those.
        multi_namespace_mode: plan.taskNamespaces.length > 1 ? 'True' : 'False',
        ...(plan.taskNamespaces.length > 1 ? { multi_namespace_mode_namespace_list: plan.taskNamespaces.join(',') } : {}),
        worker_pods_pending_timeout: String(plan.taskPendingTimeoutSeconds),
      },
    },
    ...(connection ? { env: [connection] } : {}),
    ...(options.localSettings ? { airflowLocalSettings: options.localSettings } : {}),
    // Every Airflow pod: the image's user, non-root, the runtime seccomp profile. Containers keep the
    // chart's default context (no privilege escalation, every capability dropped).
    securityContexts: { pod: { ...AIRFLOW_POD_SECURITY, seccompProfile: { ...AIRFLOW_POD_SECURITY.seccompProfile } } },
    statsd: {
      enabled: plan.metrics,
      securityContexts: {
        pod: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        container: restrictedContainer(),
      },
    },
    scheduler: {
      ...size(plan.scheduler),
      serviceAccount: { name: AIRFLOW_ACCOUNTS.scheduler },
      ...(options.templateConfigMaps.length
        ? {
            extraVolumes: options.templateConfigMaps.map((t, i) => ({
              name: `pod-templates-${i}`,
              configMap: { name: t.configMap },
            })),
            extraVolumeMounts: options.templateConfigMaps.map((t, i) => ({
              name: `pod-templates-${i}`,
              mountPath: `${AIRFLOW_POD_TEMPLATE_DIR}/${t.team}`,
              readOnly: true,
            })),
          }
        : {}),
    },
    apiServer: { ...size(plan.apiServer), serviceAccount: { name: AIRFLOW_ACCOUNTS.apiServer } },
    triggerer: { ...size(plan.triggerer), serviceAccount: { name: AIRFLOW_ACCOUNTS.triggerer } },
    dagProcessor: { ...size(plan.dagProcessor), serviceAccount: { name: AIRFLOW_ACCOUNTS.dagProcessor } },
    workers: {
      kubernetes: { serviceAccount: { name: AIRFLOW_ACCOUNTS.worker } },
      ...(celery
        ? {
            ...(plan.celery?.workers === undefined ? {} : { replicas: plan.celery.workers }),
            celery: { serviceAccount: { name: AIRFLOW_ACCOUNTS.celeryWorker } },
          }
        : {}),
    },
    ...(celery && plan.celery
      ? {
          redis: {
            passwordSecretName: plan.celery.redisPasswordSecret,
            securityContexts: {
              pod: {
                runAsUser: 999,
                runAsGroup: 999,
                fsGroup: 999,
                runAsNonRoot: true,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              container: restrictedContainer(),
            },
          },
        }
      : {}),
  };
}
