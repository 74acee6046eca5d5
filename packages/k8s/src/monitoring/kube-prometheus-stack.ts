import { AireadyValidationError, CHARTS, isDnsLabel, ValidationProblem } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';

/** A key of a Kubernetes Secret: where a credential is, never the credential. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An Alertmanager receiver. Credentials are Secret references, mounted into Alertmanager as files. */
export type AlertReceiver =
  | { readonly name: string; readonly slack: { readonly apiUrl: SecretKeyRef; readonly channel: string } }
  | { readonly name: string; readonly pagerDuty: { readonly routingKey: SecretKeyRef } }
  | { readonly name: string; readonly webhook: { readonly url: SecretKeyRef } }
  | {
      readonly name: string;
      readonly email: {
        readonly to: string;
        readonly from: string;
        readonly smarthost: string;
        readonly username: string;
        readonly password: SecretKeyRef;
      };
    };

/** Which alerts go to which receiver: by severity, by team label, or both. */
export interface AlertRoute {
  readonly receiver: string;
  /** @default - any severity */
  readonly severity?: 'info' | 'warning' | 'critical';
  /** Value of the alert's `team` label. @default - any team */
  readonly team?: string;
}

export interface KubePrometheusStackProps {
  /**
   * Namespace. Pod Security `privileged`: the node exporter reads host metrics through host
   * namespaces.
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Helm release name; ServiceMonitors and rules carry `release: <name>`, which this Prometheus selects.
   * @default 'kube-prometheus-stack'
   */
  readonly releaseName?: string;
  /**
   * How long Prometheus keeps data.
   * @default '15d'
   */
  readonly retention?: string;
  /**
   * Prometheus volume size (GiB) and StorageClass.
   * @default - 50 GiB on 'gp3'
   */
  readonly storage?: { readonly sizeGiB?: number; readonly storageClass?: string };
  /**
   * Prometheus replicas.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Prometheus requests (CPU cores, memory GiB); limits equal requests for memory.
   * @default - 1 CPU, 4 GiB
   */
  readonly resources?: { readonly cpu?: number; readonly memoryGiB?: number };
  /**
   * Grafana, with the admin user and password from a Secret (keys `admin-user`, `admin-password`),
   * never a literal. `false` for no Grafana.
   * @default - on, with the Secret 'grafana-admin' you create
   */
  readonly grafana?: false | { readonly adminSecret: string };
  /**
   * Alertmanager receivers.
   * @default - none: alerts are visible in Prometheus and Alertmanager only
   */
  readonly receivers?: readonly AlertReceiver[];
  /**
   * Routes, first match wins; unmatched alerts go to the first receiver.
   * @default - none
   */
  readonly routes?: readonly AlertRoute[];
  /** Raw chart values deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm release is installed. @default ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

const SECRETS_DIR = '/etc/alertmanager/secrets';

function secretFile(ref: SecretKeyRef): string {
  return `${SECRETS_DIR}/${ref.name}/${ref.key}`;
}

function secretRefs(r: AlertReceiver): SecretKeyRef[] {
  if ('slack' in r) return [r.slack.apiUrl];
  if ('pagerDuty' in r) return [r.pagerDuty.routingKey];
  if ('webhook' in r) return [r.webhook.url];
  return [r.email.password];
}

function alertmanagerReceiver(r: AlertReceiver): Values {
  if ('slack' in r)
    return {
      name: r.name,
      slack_configs: [{ api_url_file: secretFile(r.slack.apiUrl), channel: r.slack.channel, send_resolved: true }],
    };
  if ('pagerDuty' in r) return { name: r.name, pagerduty_configs: [{ routing_key_file: secretFile(r.pagerDuty.routingKey) }] };
  if ('webhook' in r) return { name: r.name, webhook_configs: [{ url_file: secretFile(r.webhook.url) }] };
  return {
    name: r.name,
    email_configs: [
      {
        to: r.email.to,
        from: r.email.from,
        smarthost: r.email.smarthost,
        auth_username: r.email.username,
        auth_password_file: secretFile(r.email.password),
      },
    ],
  };
}

/** Validates and renders the Alertmanager config: receivers with credential files, routes by severity and team. */
export function planAlertmanager(
  receivers: readonly AlertReceiver[],
  routes: readonly AlertRoute[],
  problems: ValidationProblem[],
): Values | undefined {
  const names = receivers.map((r) => r.name);
  receivers.forEach((r, i) => {
    if (!r?.name || names.indexOf(r.name) !== i) {
      problems.push({
        path: `receivers[${i}].name`,
        value: r?.name,
        problem: 'missing or not unique',
        fix: 'give every receiver a unique name',
      });
    }
    for (const ref of secretRefs(r)) {
      if (typeof ref !== 'object' || ref === null || !isDnsLabel(String(ref.name ?? ''), 253) || !ref.key) {
        problems.push({
          path: `receivers[${i}]`,
          value: typeof ref === 'string' ? '[a literal value, not shown]' : ref,
          problem:
            typeof ref === 'string'
              ? 'a credential given as a value; aiready never writes credentials into manifests'
              : 'not a Secret reference',
          fix: "give { name: '<secret>', key: '<key>' } of a Secret in the monitoring namespace",
        });
      }
    }
  });
  routes.forEach((r, i) => {
    if (!names.includes(r.receiver)) {
      problems.push({
        path: `routes[${i}].receiver`,
        value: r.receiver,
        problem: 'no receiver has this name',
        fix: `use one of ${names.join(', ') || '(define receivers first)'}`,
      });
    }
  });
  if (receivers.length === 0) return undefined;
  return {
    route: {
      receiver: names[0],
      group_by: ['alertname', 'namespace'],
      routes: routes.map((r) => ({
        receiver: r.receiver,
        matchers: [...(r.severity ? [`severity="${r.severity}"`] : []), ...(r.team ? [`team="${r.team}"`] : [])],
      })),
    },
    receivers: receivers.map(alertmanagerReceiver),
  };
}

/**
 * kube-prometheus-stack (chart from the version lock): Prometheus with retention, storage and
 * resources, Grafana with its admin credentials from a Secret and the dashboard sidecar, Alertmanager
 * receivers whose credentials are Secret files, and kube-state-metrics exporting the node labels
 * aiready's rules join on (`aiready.dev/pool`, the instance type).
 */
export class KubePrometheusStack extends Construct {
  public readonly namespace: string;
  public readonly releaseName: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;
  /** The labels this Prometheus selects ServiceMonitors and rules by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? CHARTS.kubePrometheusStack.namespace;
    this.releaseName = props.releaseName ?? 'kube-prometheus-stack';
    this.selectorLabels = { release: this.releaseName };
    const retention = props.retention ?? '15d';
    const size = props.storage?.sizeGiB ?? 50;
    const replicas = props.replicas ?? 1;
    const cpu = props.resources?.cpu ?? 1;
    const memory = props.resources?.memoryGiB ?? 4;
    const grafana = props.grafana === false ? undefined : (props.grafana ?? { adminSecret: 'grafana-admin' });

    const problems: ValidationProblem[] = [];
    if (!/^[0-9]+(h|d|w|y)$/.test(retention))
      problems.push({ path: 'retention', value: retention, problem: 'not a retention period', fix: "use e.g. '15d'" });
    if (!Number.isInteger(size) || size < 10)
      problems.push({
        path: 'storage.sizeGiB',
        value: size,
        problem: 'must be a whole number of at least 10',
        fix: 'use e.g. 50',
      });
    if (!Number.isInteger(replicas) || replicas < 1)
      problems.push({
        path: 'replicas',
        value: replicas,
        problem: 'must be at least 1',
        fix: 'use 1, or 2 for high availability',
      });
    if (!(cpu > 0) || !(memory > 0))
      problems.push({
        path: 'resources',
        value: props.resources,
        problem: 'must be positive',
        fix: 'use e.g. { cpu: 1, memoryGiB: 4 }',
      });
    if (grafana && !isDnsLabel(String(grafana.adminSecret ?? ''), 253)) {
      problems.push({
        path: 'grafana.adminSecret',
        value: grafana.adminSecret,
        problem: 'not a Secret name',
        fix: "name the Secret holding admin-user and admin-password, e.g. 'grafana-admin'",
      });
    }
    const receivers = props.receivers ?? [];
    const alertmanager = planAlertmanager(receivers, props.routes ?? [], problems);
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const secretNames = [...new Set(receivers.flatMap((r) => secretRefs(r).map((s) => s.name)))].sort();
    this.namespaceObject = ownedNamespace(this, this.namespace, 'monitoring', 'privileged');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.kubePrometheusStack,
      component: 'monitoring',
      releaseName: this.releaseName,
      namespace: this.namespace,
      values: {
        prometheus: {
          prometheusSpec: {
            retention,
            replicas,
            resources: { requests: { cpu: String(cpu), memory: `${memory}Gi` }, limits: { memory: `${memory}Gi` } },
            storageSpec: {
              volumeClaimTemplate: {
                spec: {
                  storageClassName: props.storage?.storageClass ?? 'gp3',
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: `${size}Gi` } },
                },
              },
            },
          },
        },
        grafana: grafana
          ? {
              enabled: true,
              admin: { existingSecret: grafana.adminSecret, userKey: 'admin-user', passwordKey: 'admin-password' },
              sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
            }
          : { enabled: false },
        alertmanager: {
          ...(alertmanager ? { config: alertmanager } : {}),
          alertmanagerSpec: { secrets: secretNames },
        },
        'kube-state-metrics': {
          // aiready's rules join GPU metrics to pools and instance types through these node labels.
          metricLabelsAllowlist: ['nodes=[aiready.dev/pool,node.kubernetes.io/instance-type]'],
        },
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.argoCd(),
    });
  }
}
