// A KubernetesExecutor pod template for a team's GPU tasks on one pool: the pool's placement and
// tolerations, the GPUs in the pool's own resource, /dev/shm, do-not-disrupt on training pools, the
// team's Kueue queue, restricted security, and everything an Airflow 3 task needs without reaching
// into Airflow's namespace (no Secret or ConfigMap of it can be mounted from the team's).
import { AIRFLOW_GIT_SYNC_IMAGE, AireadyValidationError, GpuAsk, PlannedAirflow, PlannedAirflowTemplate } from '@aiready/core';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { componentLabels } from '../private/metadata';
import { KUEUE_QUEUE_LABEL } from '../queueing/kueue';
import type { Team } from '../teams/team';
import { Gpu } from '../workloads/gpu';
import { gpuPodResources, poolPlacement } from '../workloads/pod-parts';
import { TASK_NAMESPACE_ANNOTATION } from './airflow-local-settings';
import {
  AIRFLOW_API_PORT,
  AIRFLOW_POD_SECURITY,
  airflowServiceHost,
  airflowSettings,
  dagsFolder,
  GIT_SYNC_UID,
  logConnection,
  restrictedContainer,
  STATSD_PORTS,
} from './airflow-values';

/** The service account of a team's Airflow tasks (Pod Identity gives it the log bucket). */
export const AIRFLOW_TASK_ACCOUNT = 'airflow-task';
/** The label Airflow puts on every KubernetesExecutor pod. */
export const KUBERNETES_EXECUTOR_LABEL = 'kubernetes_executor';

function gpuOf(ask: GpuAsk): Gpu {
  if (ask.kind === 'whole') return Gpu.whole(ask.count);
  if (ask.kind === 'mig') return Gpu.mig(ask.profile!, ask.count);
  return Gpu.shared(ask.count);
}

/** Environment of a task: Airflow's settings as `AIRFLOW__SECTION__KEY`, addresses from any namespace. */
export function taskEnvironment(plan: PlannedAirflow): { name: string; value: string }[] {
  const settings: Record<string, Record<string, string>> = {
    ...airflowSettings(plan),
    core: {
      // Tasks may pick their executor (`executor=`), which the task process checks against this list.
      executor: plan.executor,
      execution_api_server_url: `http://${airflowServiceHost(plan, 'api-server')}:${AIRFLOW_API_PORT}/execution/`,
      dags_folder: dagsFolder(plan),
      load_examples: 'False',
    },
    ...(plan.metrics
      ? {
          metrics: {
            statsd_on: 'True',
            statsd_host: airflowServiceHost(plan, 'statsd'),
            statsd_port: String(STATSD_PORTS.ingest),
            statsd_prefix: 'airflow',
          },
        }
      : {}),
  };
  const env = Object.entries(settings).flatMap(([section, keys]) =>
    Object.entries(keys).map(([key, value]) => ({ name: `AIRFLOW__${section.toUpperCase()}__${key.toUpperCase()}`, value })),
  );
  const connection = logConnection(plan);
  return [...env, ...(connection ? [connection] : [])].sort((a, b) => a.name.localeCompare(b.name));
}

/** git-sync, once, before the task: the same repository and revision as the chart's own containers. */
function gitSyncInit(plan: PlannedAirflow): Record<string, unknown>[] {
  if (!('gitSync' in plan.dags)) return [];
  const git = plan.dags.gitSync;
  // The keys the chart documents for its credentials Secret, read into git-sync v4's variables.
  const credentials = git.credentialsSecret
    ? (['USERNAME', 'PASSWORD'] as const).map((what) => ({
        name: `GITSYNC_${what}`,
        valueFrom: { secretKeyRef: { name: git.credentialsSecret, key: `GIT_SYNC_${what}` } },
      }))
    : [];
  const ssh = git.sshKeySecret
    ? [
        { name: 'GITSYNC_SSH_KEY_FILE', value: '/etc/git-secret/ssh' },
        { name: 'GITSYNC_SSH_KNOWN_HOSTS', value: 'false' },
      ]
    : [];
  return [
    {
      name: 'git-sync-init',
      image: `${AIRFLOW_GIT_SYNC_IMAGE.repository}:${AIRFLOW_GIT_SYNC_IMAGE.tag}`,
      imagePullPolicy: 'IfNotPresent',
      env: [
        { name: 'GITSYNC_REPO', value: git.repo },
        { name: 'GITSYNC_REF', value: git.rev ?? git.branch },
        { name: 'GITSYNC_ROOT', value: '/git' },
        { name: 'GITSYNC_LINK', value: 'repo' },
        { name: 'GITSYNC_DEPTH', value: '1' },
        { name: 'GITSYNC_ONE_TIME', value: 'true' },
        { name: 'GITSYNC_ADD_USER', value: 'true' },
        ...credentials,
        ...ssh,
      ],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      securityContext: restrictedContainer(GIT_SYNC_UID),
      volumeMounts: [
        { name: 'dags', mountPath: '/git' },
        ...(git.sshKeySecret
          ? [{ name: 'git-ssh-key', mountPath: '/etc/git-secret/ssh', subPath: 'gitSshKey', readOnly: true }]
          : []),
      ],
    },
  ];
}

/**
 * The pod template (a `v1/Pod`, as the KubernetesExecutor reads it) of one team's GPU tasks on one
 * pool. Throws when the pool cannot serve the request or the team's quotas cannot hold one task.
 */
export function airflowTaskPod(
  plan: PlannedAirflow,
  team: Team,
  pool: IGpuPool,
  template: PlannedAirflowTemplate,
  scope: string,
): Record<string, unknown> {
  const gpu = gpuOf(template.gpu);
  const resources = gpuPodResources(scope, team, pool, gpu, {
    image: `${plan.image.repository}:${plan.image.tag}`,
    ...(template.cpu !== undefined || template.memoryGiB !== undefined
      ? {
          resources: {
            ...(template.cpu === undefined ? {} : { cpu: template.cpu }),
            ...(template.memoryGiB === undefined ? {} : { memoryGiB: template.memoryGiB }),
          },
        }
      : {}),
  });
  const shm = template.sharedMemoryGiB ?? Math.max(1, Math.min(32, Math.floor(resources.memoryGiB / 2)));
  const problems = [];
  if (shm >= resources.memoryGiB)
    problems.push({
      path: 'sharedMemoryGiB',
      value: shm,
      problem: `/dev/shm is memory and counts against the task's ${resources.memoryGiB} GiB limit`,
      fix: `use less than ${resources.memoryGiB}, or raise memoryGiB`,
    });
  if (resources.cpuCores > team.cpu || resources.memoryGiB > team.memoryGiB)
    problems.push({
      path: 'resources',
      value: { cpu: resources.cpuCores, memoryGiB: resources.memoryGiB },
      problem: `one task needs more than team '${team.namespace}' may request (${team.cpu} CPU, ${team.memoryGiB} GiB), so its quota refuses every task`,
      fix: "raise the team's computeQuota, or give the template less cpu or memoryGiB",
    });
  if (problems.length) throw new AireadyValidationError(scope, problems);
  const placement = poolPlacement(pool, pool.pool.purpose === 'training');
  const git = 'gitSync' in plan.dags ? plan.dags.gitSync : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${template.name}-task`,
      namespace: team.namespace,
      labels: { ...componentLabels('airflow'), ...(team.queueName ? { [KUEUE_QUEUE_LABEL]: team.queueName } : {}) },
      annotations: { [TASK_NAMESPACE_ANNOTATION]: team.namespace, ...placement.annotations },
    },
    spec: {
      serviceAccountName: AIRFLOW_TASK_ACCOUNT,
      restartPolicy: 'Never',
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      securityContext: { ...AIRFLOW_POD_SECURITY, seccompProfile: { ...AIRFLOW_POD_SECURITY.seccompProfile } },
      initContainers: gitSyncInit(plan),
      containers: [
        {
          // The executor fills in the image, the command and the task's own settings.
          name: 'base',
          image: `${plan.image.repository}:${plan.image.tag}`,
          imagePullPolicy: 'IfNotPresent',
          env: taskEnvironment(plan),
          resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
          securityContext: restrictedContainer(),
          volumeMounts: [
            { name: 'dags', mountPath: '/opt/airflow/dags', readOnly: true },
            { name: 'logs', mountPath: '/opt/airflow/logs' },
            { name: 'dshm', mountPath: '/dev/shm' },
          ],
        },
      ],
      volumes: [
        { name: 'dags', emptyDir: {} },
        { name: 'logs', emptyDir: {} },
        { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${shm}Gi` } },
        ...(git?.sshKeySecret ? [{ name: 'git-ssh-key', secret: { secretName: git.sshKeySecret, defaultMode: 0o440 } }] : []),
      ],
    },
  };
}
