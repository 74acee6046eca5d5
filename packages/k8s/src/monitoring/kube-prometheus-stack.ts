import {
  AireadyValidationError,
  CHARTS,
  isDnsLabel,
  KSM_LABEL_ALLOWLIST,
  PrometheusSpec,
  ValidationProblem,
} from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';
import { namespacePeer } from '../private/network-policy';
import { planAlertmanager, secretRefs } from './alertmanager-config';

/** Props of `KubePrometheusStack`. */
export interface KubePrometheusStackProps extends PrometheusSpec {
  /** Raw chart values deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm release is installed. @default - the enclosing platform's, else ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/** A Secret a release reads and nobody in the platform creates. */
export interface SecretPrerequisite {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly purpose: string;
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
  /** Secrets the release reads but does not create: someone must create them (see the summary). */
  public readonly secretPrerequisites: readonly SecretPrerequisite[];
  /** Alertmanager has at least one receiver; without one, alerts reach no one. */
  public readonly hasReceivers: boolean;

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
    this.hasReceivers = receivers.length > 0;
    this.secretPrerequisites = [
      ...(grafana
        ? [
            {
              namespace: this.namespace,
              name: grafana.adminSecret,
              keys: ['admin-user', 'admin-password'],
              purpose: 'Grafana admin login',
            },
          ]
        : []),
      ...secretNames.map((name) => ({
        namespace: this.namespace,
        name,
        keys: [
          ...new Set(
            receivers.flatMap((r) =>
              secretRefs(r)
                .filter((x) => x.name === name)
                .map((x) => x.key),
            ),
          ),
        ].sort(),
        purpose: `Alertmanager receiver credentials (${receivers
          .filter((r) => secretRefs(r).some((x) => x.name === name))
          .map((r) => r.name)
          .join(', ')})`,
      })),
    ];
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
          // aiready's rules join GPU metrics to pools and instance types through these node labels,
          // and alerts to teams through the namespace label.
          metricLabelsAllowlist: Object.entries(KSM_LABEL_ALLOWLIST).map(([kind, keys]) => `${kind}=[${keys.join(',')}]`),
        },
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
  }
}

/** kube-prometheus-stack in the platform (unless monitoring uses an existing Prometheus); it may scrape team pods. */
export const PROMETHEUS_COMPONENT: PlatformComponent<KubePrometheusStack> = {
  id: 'prometheus',
  build: ({ scope, plan }) => {
    const prometheus = plan.components.monitoring?.prometheus;
    if (!plan.components.monitoring || (prometheus && 'existing' in prometheus)) return undefined;
    return new KubePrometheusStack(scope, 'monitoring', { ...prometheus, values: plan.values.prometheus });
  },
  team: (stack) => ({
    networkPolicies: {
      'allow-prometheus': { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [namespacePeer(stack.namespace)] }] },
    },
  }),
};
