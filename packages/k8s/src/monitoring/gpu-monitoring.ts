import { AireadyValidationError, CHARTS, isLabelKey, isLabelValue } from '@aiready/core';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, ServiceMonitor } from '../imports/monitoring.coreos.com';
import { componentLabels } from '../private/metadata';
import { gpuAlerts } from './gpu-alerts';

export interface GpuMonitoringProps {
  /**
   * Namespace the GPU operator (and so its dcgm-exporter Service) runs in.
   * @default 'gpu-operator'
   */
  readonly namespace?: string;
  /**
   * Labels the platform's Prometheus selects ServiceMonitors and PrometheusRules by.
   * @default { release: 'kube-prometheus-stack' } - what kube-prometheus-stack selects unless told otherwise
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
  /**
   * Scrape interval of the DCGM exporter.
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * Temperature threshold (°C) of the GpuTemperatureHigh alert.
   * @default 85
   */
  readonly temperatureAlertCelsius?: number;
  /**
   * How long an allocated GPU must be idle before GpuAllocatedIdle fires.
   * @default '30m'
   */
  readonly idleWindow?: string;
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/**
 * GPU monitoring: a ServiceMonitor for the GPU operator's DCGM exporter (pod and namespace labels
 * kept with `honorLabels`) and a PrometheusRule with GPU alerts.
 */
export class GpuMonitoring extends Construct {
  public readonly serviceMonitor: ServiceMonitor;
  public readonly rules: PrometheusRule;

  constructor(scope: Construct, id: string, props: GpuMonitoringProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? CHARTS.gpuOperator.namespace;
    const selector = props.prometheusSelectorLabels ?? { release: 'kube-prometheus-stack' };
    const interval = props.scrapeInterval ?? '15s';
    const idleWindow = props.idleWindow ?? '30m';
    const temperature = props.temperatureAlertCelsius ?? 85;

    const problems = [];
    for (const [k, v] of Object.entries(selector)) {
      if (!isLabelKey(k) || !isLabelValue(v)) {
        problems.push({
          path: `prometheusSelectorLabels["${k}"]`,
          value: v,
          problem: 'not a valid label',
          fix: 'use a valid label key and value, e.g. release: kube-prometheus-stack',
        });
      }
    }
    for (const [path, value] of [
      ['scrapeInterval', interval],
      ['idleWindow', idleWindow],
    ] as const) {
      if (!DURATION.test(value)) {
        problems.push({ path, value, problem: 'not a Prometheus duration', fix: "use a duration such as '15s', '30m' or '1h'" });
      }
    }
    if (!Number.isFinite(temperature) || temperature <= 0 || temperature > 120) {
      problems.push({
        path: 'temperatureAlertCelsius',
        value: temperature,
        problem: 'not a plausible GPU temperature',
        fix: 'use a value between 1 and 120, e.g. 85',
      });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const labels = { ...componentLabels('gpu-monitoring'), ...selector };
    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name: 'nvidia-dcgm-exporter', namespace, labels },
      spec: {
        jobLabel: 'app',
        selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } },
        namespaceSelector: { matchNames: [namespace] },
        // honorLabels keeps the exporter's pod/namespace/container labels instead of the target's.
        endpoints: [{ port: 'gpu-metrics', path: '/metrics', interval, honorLabels: true }],
      },
    });

    const alerts = gpuAlerts({ dcgmJob: 'nvidia-dcgm-exporter', temperatureCelsius: temperature, idleWindow });
    this.rules = new PrometheusRule(this, 'Rules', {
      metadata: { name: 'aiready-gpu-alerts', namespace, labels },
      spec: {
        groups: [
          {
            name: 'aiready.gpu',
            rules: alerts.map((a) => ({
              alert: a.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
              for: a.for,
              labels: { severity: a.severity },
              annotations: { summary: a.summary, description: a.description },
            })),
          },
        ],
      },
    });
  }
}
