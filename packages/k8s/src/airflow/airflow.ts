import { AireadyValidationError, CHARTS, PlannedAirflow } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { ServiceMonitor } from '../imports/monitoring.coreos.com';
import type { GpuMonitoring } from '../monitoring/gpu-monitoring';
import type { SecretPrerequisite } from '../monitoring/kube-prometheus-stack';
import type { PlatformComponent } from '../platform/platform-component';
import type { PlatformSummaryTable } from '../platform/platform-summary';
import { Values } from '../private/merge';
import { componentLabels } from '../private/metadata';
import { ownedNamespace } from '../private/namespace';
import { namespacePeer, networkPolicy, PolicySpec, ports } from '../private/network-policy';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { Team } from '../teams/team';
import { airflowLocalSettings } from './airflow-local-settings';
import { AIRFLOW_TASK_ACCOUNT, airflowTaskPod, KUBERNETES_EXECUTOR_LABEL } from './airflow-pod-template';
import {
  AIRFLOW_ACCOUNTS,
  AIRFLOW_API_PORT,
  AIRFLOW_RELEASE,
  airflowValues,
  STATSD_PORTS,
  TASK_LOG_PORT,
} from './airflow-values';

/** Props of `Airflow`. */
export interface AirflowProps {
  /** The planned Airflow (`planPlatform(...).components.airflow`, or `planAirflow` in @aiready/core). */
  readonly plan: PlannedAirflow;
  /** The platform's GPU pools, for the pod templates. */
  readonly pools: readonly IGpuPool[];
  /**
   * A ServiceMonitor for StatsD, with these Prometheus selector labels.
   * @default - none
   */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
  /**
   * Releases (by name) installed before this one.
   * @default - none
   */
  readonly installAfter?: readonly string[];
  /**
   * Raw chart values deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm release is installed.
   * @default - the enclosing platform's, else ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/** A service account whose pods write task logs to S3, for Pod Identity. */
export interface AirflowLogWriter {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** The name of a team's pod-template ConfigMap, in Airflow's namespace. */
export function podTemplateConfigMap(team: string): string {
  return `airflow-pod-templates-${team}`;
}

/**
 * Apache Airflow from its official chart (version from the version lock): Airflow 3 with the
 * KubernetesExecutor (or Celery next to it), every credential from a Secret, restricted pods, DAGs by
 * git-sync, task logs in S3 through Pod Identity, StatsD scraped by the platform's Prometheus. Teams
 * with GPU quotas get pod templates per pool that run their tasks in their own namespaces.
 */
export class Airflow extends Construct {
  public readonly plan: PlannedAirflow;
  public readonly namespace: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;
  public readonly serviceMonitor?: ServiceMonitor;
  /** Secrets the release and the task pods read and nothing in the platform creates. */
  public readonly secretPrerequisites: readonly SecretPrerequisite[];
  /** Service accounts that write task logs (bind them to the log bucket with Pod Identity). */
  public readonly logWriters: readonly AirflowLogWriter[];
  private readonly pools: readonly IGpuPool[];

  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    const plan = props.plan;
    this.plan = plan;
    this.pools = props.pools;
    this.namespace = plan.namespace;
    const bundled = 'bundled' in plan.database;
    // The bundled PostgreSQL (dev only) is Bitnami's subchart, whose pods aiready does not check
    // against restricted; everything else in the namespace is restricted-compliant.
    this.namespaceObject = ownedNamespace(this, plan.namespace, 'airflow', bundled ? 'baseline' : 'restricted');
    if (bundled)
      this.namespaceObject.metadata.addAnnotation(
        'aiready.dev/pod-security-reason',
        "the chart's bundled PostgreSQL subchart (dev only)",
      );
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.of(this);
    const teams = plan.teams.map((t) => t.namespace);
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.airflow,
      component: 'airflow',
      releaseName: AIRFLOW_RELEASE,
      namespace: plan.namespace,
      values: airflowValues(plan, {
        argoCd: materializer.kind === 'argocd',
        ...(teams.length ? { localSettings: airflowLocalSettings(teams) } : {}),
        templateConfigMaps: teams.map((team) => ({ team, configMap: podTemplateConfigMap(team) })),
      }),
      overrides: props.values,
      materializer,
      ...(props.installAfter?.length ? { after: props.installAfter } : {}),
    });
    if (plan.metrics && props.serviceMonitorLabels) {
      this.serviceMonitor = new ServiceMonitor(this, 'StatsD', {
        metadata: {
          name: 'airflow-statsd',
          namespace: plan.namespace,
          labels: { ...componentLabels('airflow'), ...props.serviceMonitorLabels },
        },
        spec: {
          selector: { matchLabels: { tier: 'airflow', component: 'statsd', release: AIRFLOW_RELEASE } },
          namespaceSelector: { matchNames: [plan.namespace] },
          endpoints: [{ port: 'statsd-scrape', path: '/metrics', interval: '30s' }],
        },
      });
    }
    this.secretPrerequisites = airflowSecrets(plan);
    const celery = plan.executor.includes('CeleryExecutor');
    this.logWriters = plan.logs
      ? [
          ...Object.values(AIRFLOW_ACCOUNTS)
            .filter((a) => celery || a !== AIRFLOW_ACCOUNTS.celeryWorker)
            .map((serviceAccount) => ({ namespace: plan.namespace, serviceAccount })),
          ...teams.map((namespace) => ({ namespace, serviceAccount: AIRFLOW_TASK_ACCOUNT })),
        ]
      : [];
  }

  /** The pod templates DAG authors pick, for the summary. */
  public summaryTables(): PlatformSummaryTable[] {
    const rows = this.plan.teams.flatMap((t) =>
      t.templates.map((x) => [t.namespace, x.name, x.pool, describeGpu(x.gpu), `\`${x.path}\``]),
    );
    if (!rows.length) return [];
    return [
      {
        title: 'Airflow GPU pod templates',
        intro:
          'DAG authors pick a pool with `executor_config={"pod_template_file": "<path>"}`; the task runs in the team namespace, under its GPU quota' +
          (this.plan.teams.length ? ' and, with Kueue, in its queue.' : '.'),
        columns: ['team', 'template', 'pool', 'GPUs per task', 'path'],
        rows,
      },
    ];
  }

  /**
   * What Airflow gives a team with GPU templates: the `airflow-task` service account, the scheduler's
   * right to run (and the API server's to read logs of) pods in the namespace, and the templates,
   * mounted into the scheduler.
   */
  public teamObjects(team: Team): void {
    const planned = this.plan.teams.find((t) => t.namespace === team.namespace);
    if (!planned) {
      const pools = new Set(this.plan.teams.flatMap((t) => t.templates.map((x) => x.pool)));
      const wants = Object.entries(team.gpuQuota).filter(([pool, gpus]) => gpus > 0 && pools.has(pool));
      if (wants.length)
        throw new AireadyValidationError(team.node.path, [
          {
            path: 'name',
            value: team.namespace,
            problem: `has GPU quota on Airflow template pools (${wants.map(([p]) => p).join(', ')}) but was added after Airflow was planned, so the scheduler would never launch its tasks`,
            fix: "declare the team in the platform's teams instead of adding it with addTeam",
          },
        ]);
      return;
    }
    const ns = team.namespace;
    const labels = { ...team.labels, ...componentLabels('airflow') };
    new kplus.k8s.KubeServiceAccount(team, 'AirflowTaskAccount', {
      metadata: { name: AIRFLOW_TASK_ACCOUNT, namespace: ns, labels },
      // Tasks talk to Airflow's API server with their own token, never to Kubernetes.
      automountServiceAccountToken: false,
    });
    const roles: [string, string, kplus.k8s.PolicyRule[]][] = [
      [
        'airflow-task-launcher',
        AIRFLOW_ACCOUNTS.scheduler,
        [
          { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
        ],
      ],
      [
        'airflow-task-log-reader',
        AIRFLOW_ACCOUNTS.apiServer,
        [
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        ],
      ],
    ];
    for (const [name, account, rules] of roles) {
      new kplus.k8s.KubeRole(team, `Role-${name}`, { metadata: { name, namespace: ns, labels }, rules });
      new kplus.k8s.KubeRoleBinding(team, `Binding-${name}`, {
        metadata: { name, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: this.namespace }],
      });
    }
    const data: Record<string, string> = {};
    for (const template of planned.templates) {
      const pool = this.pools.find((p) => p.pool.name === template.pool)!;
      const pod = airflowTaskPod(this.plan, team, pool, template, `${team.node.path}/airflow-${template.name}`);
      data[`${template.name}.yaml`] = YAML.stringify(pod, { sortMapEntries: true });
    }
    networkPolicy(
      team,
      'Policy-allow-airflow-tasks',
      { name: 'allow-airflow-tasks', namespace: ns, labels },
      this.taskNetworkPolicy(),
    );
    new kplus.k8s.KubeConfigMap(team, 'AirflowPodTemplates', {
      metadata: { name: podTemplateConfigMap(ns), namespace: this.namespace, labels: componentLabels('airflow') },
      data,
    });
  }

  /** The flows a team's Airflow task pods need: to the API server and StatsD, and live logs back. */
  public taskNetworkPolicy(): PolicySpec {
    return {
      podSelector: { matchLabels: { [KUBERNETES_EXECUTOR_LABEL]: 'True' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [namespacePeer(this.namespace)], ports: ports('TCP', TASK_LOG_PORT) }],
      egress: [
        {
          to: [namespacePeer(this.namespace)],
          ports: [...ports('TCP', AIRFLOW_API_PORT), ...(this.plan.metrics ? ports('UDP', STATSD_PORTS.ingest) : [])],
        },
      ],
    };
  }
}

function describeGpu(gpu: PlannedAirflow['teams'][number]['templates'][number]['gpu']): string {
  if (gpu.kind === 'mig') return `${gpu.count} x MIG ${gpu.profile}`;
  return `${gpu.count} ${gpu.kind === 'whole' ? 'GPU' : 'GPU share'}${gpu.count === 1 ? '' : 's'}`;
}

/** The Secrets Airflow reads: in its namespace, and the git credentials in every team namespace with templates. */
export function airflowSecrets(plan: PlannedAirflow): SecretPrerequisite[] {
  const ns = plan.namespace;
  const git = 'gitSync' in plan.dags ? plan.dags.gitSync : undefined;
  const gitSecret = git?.credentialsSecret ?? git?.sshKeySecret;
  const gitKeys = git?.credentialsSecret
    ? ['GITSYNC_USERNAME', 'GITSYNC_PASSWORD', 'GIT_SYNC_USERNAME', 'GIT_SYNC_PASSWORD']
    : ['gitSshKey'];
  const out: SecretPrerequisite[] = [
    ...('secret' in plan.database
      ? [{ namespace: ns, name: plan.database.secret, keys: ['connection'], purpose: 'Airflow metadata database URL' }]
      : []),
    {
      namespace: ns,
      name: plan.fernetKeySecret,
      keys: ['fernet-key'],
      purpose: 'Airflow Fernet key (encrypts connections and variables)',
    },
    { namespace: ns, name: plan.apiSecretKeySecret, keys: ['api-secret-key'], purpose: 'Airflow API server session secret' },
    { namespace: ns, name: plan.jwtSecret, keys: ['jwt-secret'], purpose: 'Airflow task token signing secret' },
    ...(plan.celery
      ? [
          {
            namespace: ns,
            name: plan.celery.redisPasswordSecret,
            keys: ['password'],
            purpose: 'Airflow Celery broker (Redis) password',
          },
          { namespace: ns, name: plan.celery.brokerUrlSecret, keys: ['connection'], purpose: 'Airflow Celery broker URL' },
        ]
      : []),
    ...(gitSecret
      ? [ns, ...plan.teams.map((t) => t.namespace)].map((namespace) => ({
          namespace,
          name: gitSecret,
          keys: gitKeys,
          purpose:
            namespace === ns ? 'Airflow DAG repository credentials' : 'Airflow DAG repository credentials for the team GPU tasks',
        }))
      : []),
  ];
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** Airflow in the platform, when the spec has `airflow`; teams with GPU quotas get its templates. */
export const AIRFLOW_COMPONENT: PlatformComponent<Airflow> = {
  id: 'airflow',
  build: ({ scope, plan, pools, built }) => {
    if (!plan.components.airflow) return undefined;
    // The chart makes no ServiceMonitor itself; aiready's is a native object, applied after the CRDs.
    const monitoring = built<GpuMonitoring>('gpu-monitoring');
    return new Airflow(scope, 'airflow', {
      plan: plan.components.airflow,
      pools,
      ...(monitoring ? { serviceMonitorLabels: monitoring.selectorLabels } : {}),
      values: plan.values.airflow,
    });
  },
  team: (airflow) => ({ objects: (team) => airflow.teamObjects(team) }),
};
