import {
  MonitoringSpec,
  AireadyValidationError,
  CHARTS,
  ExporterId,
  exporterOf,
  isLabelKey,
  isLabelValue,
  metricLabels,
  ValidationProblem,
} from '@aiready/core';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IGpuPool } from '../gpu/gpu-node-pool';
import {
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
  ServiceMonitor,
  ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../imports/monitoring.coreos.com';
import { componentLabels } from '../private/metadata';
import type { PlatformComponent } from '../platform/platform-component';
import type { Karpenter } from '../autoscaling/karpenter';
import type { NvidiaGpuOperator } from '../gpu/nvidia-gpu-operator';
import type { KubePrometheusStack } from './kube-prometheus-stack';
import { GpuAlert, gpuAlerts } from './gpu-alerts';
import { gpuDashboards, grafanaJson } from './gpu-dashboards';
import { DCGM_JOB, gpuRecordingRules } from './gpu-rules';
import { checkPromql } from './promql';
import { inferLabels, LabelLookup } from './promql-labels';
import { operandShape } from './promql-or-chain';

/** The label the Grafana sidecar loads dashboards by (kube-prometheus-stack's default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
/** Where this repository's runbook page is served; each alert links to `<base>#<alert in lower case>`. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://aiready.dev/runbooks/gpu-alerts';

/** Karpenter's controller, for a ServiceMonitor of its metrics. */
export interface KarpenterTarget {
  /** Namespace of the controller. */
  readonly namespace: string;
  /**
   * Helm release name of the karpenter chart (its Service's `app.kubernetes.io/instance`).
   * @default 'karpenter'
   */
  readonly releaseName?: string;
}

/** Props of `GpuMonitoring`. */
export interface GpuMonitoringProps extends Omit<MonitoringSpec, 'prometheus'> {
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
   * Scrape Karpenter's controller (a ServiceMonitor on its chart's Service), so KarpenterLaunchFailing
   * can fire.
   * @default - Karpenter is not scraped and its alert is left out
   */
  readonly karpenter?: KarpenterTarget;
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration (`1h30m`). */
export function durationSeconds(d: string): number {
  return [...d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)].reduce((s, [, n, u]) => s + Number(n) * UNIT_SECONDS[u], 0);
}

/**
 * GPU monitoring: a ServiceMonitor for the GPU operator's DCGM exporter (the exporter's own pod and
 * namespace labels kept with `honorLabels`, the target's dropped so a free GPU never looks held by
 * the exporter, and `node` set from the target), one for Karpenter when asked, recording rules for
 * allocation, activity, idle GPUs, their cost and GPU-hours, GPU alerts with runbook links, and three
 * Grafana dashboards. Every PromQL expression is parsed with Prometheus' grammar at synth, and may
 * only use metrics of scraped exporters and labels those metrics really carry.
 */
export class GpuMonitoring extends Construct {
  public readonly serviceMonitor: ServiceMonitor;
  /** The ServiceMonitor of Karpenter's metrics, when `karpenter` is given. */
  public readonly karpenterServiceMonitor?: ServiceMonitor;
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
    const runbooks = props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
    const xidHold = props.xidHoldWindow ?? '24h';
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
    if (!/^https?:\/\/[^\s#]+$/.test(runbooks)) {
      problems.push({
        path: 'runbookBaseUrl',
        value: runbooks,
        problem: 'not an absolute http(s) URL without a fragment; Alertmanager and Grafana show runbook_url as a link',
        fix: "use where your runbook page is served, e.g. 'https://git.example.com/platform/aiready/blob/main/docs/runbooks/gpu-alerts.md'",
      });
    }
    for (const [path, value] of [
      ['scrapeInterval', interval],
      ['idleWindow', idleWindow],
      ['xidHoldWindow', xidHold],
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

    const recording = gpuRecordingRules({ idleWindow, pools });
    this.alerts = [
      ...gpuAlerts({
        temperatureCelsius: temperature,
        idleWindow,
        pendingMinutes,
        pools,
        xidHoldWindow: xidHold,
        karpenterScraped: props.karpenter !== undefined,
      }),
      ...(props.extraAlerts ?? []),
    ];
    const scraped = new Set<ExporterId>(['dcgm-exporter', 'kube-state-metrics', 'prometheus']);
    if (props.karpenter) scraped.add('karpenter');
    const shownPools = props.dashboardPools ? pools.filter((p) => props.dashboardPools!.includes(p.name)) : pools;
    const dashboards = (props.dashboards ?? true) ? gpuDashboards(shownPools) : [];
    checkExpressions(
      this.node.path,
      [
        ...this.alerts.map((a, i) => ({
          where: i >= this.alerts.length - (props.extraAlerts?.length ?? 0) ? `extraAlerts ${a.alert}` : `alert ${a.alert}`,
          expr: a.expr,
        })),
        ...dashboards.flatMap((d) =>
          d.panels.flatMap((p) => p.targets.map((t) => ({ where: `dashboard ${d.uid} panel '${p.title}'`, expr: t.expr }))),
        ),
      ],
      recording,
      scraped,
    );

    const labels = { ...componentLabels('gpu-monitoring'), ...selector };
    this.serviceMonitor = new ServiceMonitor(this, 'Resource', {
      metadata: { name: 'nvidia-dcgm-exporter', namespace, labels },
      spec: {
        jobLabel: 'app',
        selector: { matchLabels: { app: DCGM_JOB } },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [
          {
            port: 'gpu-metrics',
            path: '/metrics',
            interval,
            // The exporter's pod/namespace/container name the workload holding the GPU. The target's
            // name the exporter pod itself: dropped, or every free GPU would look held by the exporter.
            honorLabels: true,
            relabelings: [
              {
                sourceLabels: ['__meta_kubernetes_pod_node_name'],
                targetLabel: 'node',
                action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE,
              },
              { regex: 'pod|namespace|container', action: ServiceMonitorSpecEndpointsRelabelingsAction.LABELDROP },
            ],
          },
        ],
      },
    });
    if (props.karpenter) {
      const release = props.karpenter.releaseName ?? 'karpenter';
      // aiready's own ServiceMonitor rather than the chart's: the chart renders its ServiceMonitor only
      // when the monitoring.coreos.com API exists at install, so a Karpenter installed before the
      // Prometheus operator's CRDs would silently never be scraped.
      this.karpenterServiceMonitor = new ServiceMonitor(this, 'Karpenter', {
        metadata: { name: 'karpenter', namespace: props.karpenter.namespace, labels },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': release } },
          namespaceSelector: { matchNames: [props.karpenter.namespace] },
          endpoints: [{ port: 'http-metrics', path: '/metrics', interval: '30s' }],
        },
      });
    }
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

/** Label checks without problems, by expression shape and the labels of the metrics it selects. */
const labelChecks = new Map<string, { labels?: ReadonlySet<string>; problems: string[] }>();

/**
 * inferLabels of `expr` (which selects `metrics`), kept when it finds no problem: it reads nothing but
 * the expression's shape (see operandShape) and the labels `lookup` gives its metrics, and the
 * platforms of one process (a synth's examples, a stack's) share most expressions. The shape is
 * checked; an expression with a problem is checked itself, so the problem quotes it.
 */
function labelsOf(
  expr: string,
  metrics: readonly string[],
  lookup: LabelLookup,
): { labels?: ReadonlySet<string>; problems: string[] } {
  const shape = operandShape(expr);
  const key = `${shape}\u0000${metrics.map((m) => `${m}=${[...(lookup(m) ?? ['?'])].sort().join(',')}`).join(';')}`;
  let result = labelChecks.get(key);
  if (!result) {
    // A shape that does not parse says nothing of the expression: it is checked itself, and not kept.
    // (Parsed as checkPromql parses it: a long `or` chain one operand shape at a time.)
    if (checkPromql(shape).syntaxError) return inferLabels(expr, lookup);
    // The shape's parse is shared with checkPromql's; problems are told of the expression itself.
    result = inferLabels(shape, lookup);
    if (result.problems.length) return inferLabels(expr, lookup);
    if (labelChecks.size >= 4096) labelChecks.clear();
    labelChecks.set(key, result);
  }
  return result;
}

/**
 * Every expression parses, selects only metrics a scraped exporter (or a recording rule) provides,
 * and names only labels those series carry.
 */
function checkExpressions(
  scope: string,
  exprs: readonly { where: string; expr: string }[],
  recording: readonly { record: string; expr: string }[],
  scraped: ReadonlySet<ExporterId>,
): void {
  const problems: ValidationProblem[] = [];
  // Recorded series carry what their expression yields (plus __name__), in rule order.
  const recorded = new Map<string, ReadonlySet<string>>();
  const lookup = (m: string) => recorded.get(m) ?? metricLabels(m);
  for (const r of recording) {
    const { labels } = labelsOf(r.expr, checkPromql(r.expr).metrics, lookup);
    recorded.set(r.record, new Set(['__name__', ...(labels ?? [])]));
  }
  const all = [...recording.map((r) => ({ where: `recording rule ${r.record}`, expr: r.expr })), ...exprs];
  // Expressions of one shape (one per pool or team, differing only in label values) check alike: a
  // shape is checked once, and again for each expression of it only if it had problems.
  const clean = new Set<string>();
  for (const { where, expr } of all) {
    const shape = operandShape(expr);
    if (clean.has(shape)) continue;
    const before = problems.length;
    const check = checkPromql(expr);
    if (check.syntaxError)
      problems.push({
        path: where,
        value: expr,
        problem: `PromQL does not parse (${check.syntaxError})`,
        fix: 'correct the expression',
      });
    for (const m of check.metrics.filter((x) => !recorded.has(x))) {
      const exporter = exporterOf(m);
      if (!exporter) {
        problems.push({
          path: where,
          value: m,
          problem: 'no exporter aiready knows provides this metric, so the expression would match nothing',
          fix: 'use a DCGM, kube-state-metrics or Karpenter metric, or add the metric to the exporter model in @aiready/core',
        });
      } else if (!scraped.has(exporter.id)) {
        problems.push({
          path: where,
          value: m,
          problem: `its exporter (${exporter.id}) is not scraped by the platform's Prometheus, so the expression would match nothing`,
          fix:
            exporter.id === 'karpenter'
              ? 'give GpuMonitoring karpenter: { namespace } (AiPlatform does when it installs Karpenter)'
              : 'scrape the exporter',
        });
      }
    }
    if (check.syntaxError) continue;
    for (const problem of labelsOf(expr, check.metrics, lookup).problems)
      problems.push({ path: where, value: expr, problem, fix: 'use a label the exporter sets (see @aiready/core exporters.ts)' });
    // (Only a shape that parses: then every expression of it does.)
    if (problems.length === before && !checkPromql(shape).syntaxError) clean.add(shape);
  }
  if (problems.length) throw new AireadyValidationError(scope, problems);
}

/** GPU monitoring in the platform: rules, alerts and dashboards for the platform's Prometheus; teams' monitors select it. */
export const GPU_MONITORING_COMPONENT: PlatformComponent<GpuMonitoring> = {
  id: 'gpu-monitoring',
  build: ({ scope, plan, pools, built }) => {
    const monitoring = plan.components.monitoring;
    if (!monitoring) return undefined;
    const { prometheus, ...options } = monitoring;
    const stack = built<KubePrometheusStack>('prometheus');
    const karpenter = built<Karpenter>('karpenter');
    return new GpuMonitoring(scope, 'gpu-monitoring', {
      ...options,
      pools,
      prometheusSelectorLabels: stack
        ? stack.selectorLabels
        : (prometheus as { existing: { selectorLabels: Record<string, string> } }).existing.selectorLabels,
      namespace: built<NvidiaGpuOperator>('gpu-operator')!.namespace,
      ...(karpenter ? { karpenter: { namespace: karpenter.namespace } } : {}),
    });
  },
  team: (monitoring) => ({ workloads: { monitorLabels: monitoring.selectorLabels } }),
};
