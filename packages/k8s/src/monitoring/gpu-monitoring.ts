import { AireadyValidationError, CHARTS, isLabelKey, isLabelValue, KNOWN_METRIC_NAMES, ValidationProblem } from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, ServiceMonitor } from '../imports/monitoring.coreos.com';
import { componentLabels } from '../private/metadata';
import { gpuDashboards, grafanaJson } from './gpu-dashboards';
import { GpuAlert, gpuAlerts, gpuRecordingRules } from './gpu-rules';
import { checkPromql } from './promql';

/** The label the Grafana sidecar loads dashboards by (kube-prometheus-stack's default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

export interface GpuMonitoringProps {
  /**
   * The GPU pools: per-pool idle-cost alerts, expected GPU counts and the fleet dashboard come from them.
   * @default - none: only the pool-independent rules
   */
  readonly pools?: readonly IGpuPool[];
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
   * How long an allocated GPU must be idle to count (and alert) as idle. At least the scrape interval.
   * @default '30m'
   */
  readonly idleWindow?: string;
  /**
   * Minutes a GPU pod may stay Pending before GpuPodPending fires.
   * @default 15
   */
  readonly pendingMinutes?: number;
  /**
   * Where the runbooks live; each alert links to `<runbookBaseUrl>#<alert name in lower case>`.
   * @default 'docs/runbooks/gpu-alerts.md' - this repository's runbook page
   */
  readonly runbookBaseUrl?: string;
  /**
   * Grafana dashboards (fleet, teams, node health) as ConfigMaps for the Grafana sidecar.
   * @default true
   */
  readonly dashboards?: boolean;
  /**
   * Pools shown on the fleet dashboard.
   * @default - every pool
   */
  readonly dashboardPools?: readonly string[];
  /**
   * More alerts, checked like aiready's own: PromQL must parse and name only known metrics.
   * @default - none
   */
  readonly extraAlerts?: readonly GpuAlert[];
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration (`1h30m`). */
export function durationSeconds(d: string): number {
  return [...d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)].reduce((s, [, n, u]) => s + Number(n) * UNIT_SECONDS[u], 0);
}

/**
 * GPU monitoring: a ServiceMonitor for the GPU operator's DCGM exporter (pod and namespace labels
 * kept with `honorLabels`), recording rules for allocation, activity, idle GPUs and GPU-hours, GPU
 * alerts with runbook links, and three Grafana dashboards. Every PromQL expression is parsed with
 * Prometheus' grammar at synth and may only use metrics a known exporter provides.
 */
export class GpuMonitoring extends Construct {
  public readonly serviceMonitor: ServiceMonitor;
  public readonly rules: PrometheusRule;
  public readonly alerts: readonly GpuAlert[];
  /** The labels the platform's Prometheus selects monitors and rules by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: GpuMonitoringProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? CHARTS.gpuOperator.namespace;
    const selector = props.prometheusSelectorLabels ?? { release: 'kube-prometheus-stack' };
    const interval = props.scrapeInterval ?? '15s';
    const idleWindow = props.idleWindow ?? '30m';
    const temperature = props.temperatureAlertCelsius ?? 85;
    const pendingMinutes = props.pendingMinutes ?? 15;
    const runbooks = props.runbookBaseUrl ?? 'docs/runbooks/gpu-alerts.md';
    const pools = (props.pools ?? []).map((p) => p.pool);
    this.selectorLabels = selector;

    const problems: ValidationProblem[] = [];
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
      if (!DURATION.test(value))
        problems.push({ path, value, problem: 'not a Prometheus duration', fix: "use a duration such as '15s', '30m' or '1h'" });
    }
    if (DURATION.test(interval) && DURATION.test(idleWindow) && durationSeconds(idleWindow) < 2 * durationSeconds(interval)) {
      problems.push({
        path: 'idleWindow',
        value: idleWindow,
        problem: `shorter than two scrape intervals (${interval}), so one missed scrape decides`,
        fix: `use at least ${2 * durationSeconds(interval)}s, e.g. '30m'`,
      });
    }
    if (!Number.isFinite(temperature) || temperature <= 0 || temperature > 120) {
      problems.push({
        path: 'temperatureAlertCelsius',
        value: temperature,
        problem: 'not a plausible GPU temperature',
        fix: 'use a value between 1 and 120, e.g. 85',
      });
    }
    if (!Number.isInteger(pendingMinutes) || pendingMinutes < 1) {
      problems.push({
        path: 'pendingMinutes',
        value: pendingMinutes,
        problem: 'must be a whole number of minutes',
        fix: 'use e.g. 15',
      });
    }
    for (const name of props.dashboardPools ?? []) {
      if (!pools.some((p) => p.name === name)) {
        problems.push({
          path: 'dashboardPools',
          value: name,
          problem: 'no such pool',
          fix: `use one of ${pools.map((p) => p.name).join(', ') || '(no pools given)'}`,
        });
      }
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    const recording = gpuRecordingRules({ idleWindow });
    this.alerts = [
      ...gpuAlerts({ dcgmJob: 'nvidia-dcgm-exporter', temperatureCelsius: temperature, idleWindow, pendingMinutes, pools }),
      ...(props.extraAlerts ?? []),
    ];
    const shownPools = props.dashboardPools ? pools.filter((p) => props.dashboardPools!.includes(p.name)) : pools;
    const dashboards = (props.dashboards ?? true) ? gpuDashboards(shownPools) : [];
    checkExpressions(
      this.node.path,
      [
        ...recording.map((r) => ({ where: `recording rule ${r.record}`, expr: r.expr })),
        ...this.alerts.map((a, i) => ({
          where: i >= this.alerts.length - (props.extraAlerts?.length ?? 0) ? `extraAlerts ${a.alert}` : `alert ${a.alert}`,
          expr: a.expr,
        })),
        ...dashboards.flatMap((d) =>
          d.panels.flatMap((p) => p.targets.map((t) => ({ where: `dashboard ${d.uid} panel '${p.title}'`, expr: t.expr }))),
        ),
      ],
      new Set(recording.map((r) => r.record)),
    );

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
    this.rules = new PrometheusRule(this, 'Rules', {
      metadata: { name: 'aiready-gpu', namespace, labels },
      spec: {
        groups: [
          {
            name: 'aiready.gpu.recording',
            interval: '1m',
            rules: recording.map((r) => ({ record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          },
          {
            name: 'aiready.gpu.alerts',
            rules: this.alerts.map((a) => ({
              alert: a.alert,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
              for: a.for,
              labels: { severity: a.severity },
              annotations: {
                summary: a.summary,
                description: a.description,
                runbook_url: `${runbooks}#${a.alert.toLowerCase()}`,
              },
            })),
          },
        ],
      },
    });
    for (const d of dashboards) {
      new kplus.k8s.KubeConfigMap(this, `Dashboard-${d.uid}`, {
        metadata: { name: d.uid, namespace, labels: { ...componentLabels('gpu-monitoring'), [GRAFANA_DASHBOARD_LABEL]: '1' } },
        data: { [`${d.uid}.json`]: grafanaJson(d) },
      });
    }
  }
}

/** Every expression parses and selects only metrics a known exporter (or a recording rule) provides. */
function checkExpressions(scope: string, exprs: readonly { where: string; expr: string }[], recorded: ReadonlySet<string>): void {
  const problems: ValidationProblem[] = [];
  for (const { where, expr } of exprs) {
    const check = checkPromql(expr);
    if (check.syntaxError)
      problems.push({
        path: where,
        value: expr,
        problem: `PromQL does not parse (${check.syntaxError})`,
        fix: 'correct the expression',
      });
    for (const m of check.metrics.filter((x) => !KNOWN_METRIC_NAMES.has(x) && !recorded.has(x))) {
      problems.push({
        path: where,
        value: m,
        problem: 'no exporter aiready knows provides this metric, so the expression would match nothing',
        fix: 'use a DCGM, kube-state-metrics or Karpenter metric, or add the metric to the known list in @aiready/core',
      });
    }
  }
  if (problems.length) throw new AireadyValidationError(scope, problems);
}
