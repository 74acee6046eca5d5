import { GpuPoolSpec, KNOWN_METRIC_NAMES, normalizeGpuPool, Sharing } from '@aiready/core';
import { Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import {
  checkPromql,
  GpuMonitoring,
  GpuMonitoringProps,
  GpuNodePool,
  gpuDashboards,
  gpuRecordingRules,
  KubePrometheusStack,
  KubePrometheusStackProps,
} from '../src';
import { Obj, only, releaseValues, synth } from './util';

const POOLS: GpuPoolSpec[] = [
  { name: 'h100', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-1g.10gb') },
  { name: 'l40s', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'] },
];

function monitoring(props: GpuMonitoringProps = {}, specs: GpuPoolSpec[] = POOLS): Obj[] {
  const chart = Testing.chart();
  const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c1' }));
  new GpuMonitoring(chart, 'mon', { pools, ...props });
  return synth(chart).filter((o) => !['NodePool', 'EC2NodeClass'].includes(o.kind));
}

function rules(objs: Obj[]): { record?: string; alert?: string; expr: string; annotations?: Record<string, string> }[] {
  return only(objs, 'PrometheusRule').spec.groups.flatMap((g: { rules: unknown[] }) => g.rules);
}

describe('GpuMonitoring', () => {
  test('defaults', () => {
    expect(monitoring()).toMatchSnapshot();
  });

  test('every expression in rules and dashboards parses and uses only known metrics', () => {
    const objs = monitoring();
    const recorded = new Set(
      gpuRecordingRules({ idleWindow: '30m', pools: POOLS.map((p) => normalizeGpuPool(p)) }).map((r) => r.record),
    );
    const exprs = [
      ...rules(objs).map((r) => r.expr),
      ...objs
        .filter((o) => o.kind === 'ConfigMap')
        .flatMap((cm) =>
          Object.values(cm.data as Record<string, string>).flatMap((json) =>
            JSON.parse(json).panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)),
          ),
        ),
    ];
    expect(exprs.length).toBeGreaterThan(30);
    for (const expr of exprs) {
      const check = checkPromql(expr);
      expect({ expr, error: check.syntaxError }).toEqual({ expr, error: undefined });
      for (const m of check.metrics) expect(KNOWN_METRIC_NAMES.has(m) || recorded.has(m)).toBe(true);
    }
  });

  test('every alert has a severity, summary, description and an absolute runbook link', () => {
    for (const r of rules(monitoring({ runbookBaseUrl: 'https://runbooks.example.com/gpu' })).filter((x) => x.alert)) {
      expect(r.annotations).toEqual({
        summary: expect.any(String),
        description: expect.any(String),
        runbook_url: `https://runbooks.example.com/gpu#${r.alert!.toLowerCase()}`,
      });
    }
    expect(rules(monitoring()).find((x) => x.alert)!.annotations!.runbook_url).toMatch(
      /^https:\/\/aiready\.dev\/runbooks\/gpu-alerts#/,
    );
  });

  test('every alert has a runbook section and a row in the README alert table', () => {
    const root = path.resolve(__dirname, '../../..');
    const runbook = fs.readFileSync(path.join(root, 'docs/runbooks/gpu-alerts.md'), 'utf8');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const alerts = rules(monitoring({ karpenter: { namespace: 'kube-system' } })).filter((r) => r.alert);
    expect(alerts.length).toBe(13);
    for (const { alert } of alerts) {
      expect({ alert, runbook: runbook.includes(`\n## ${alert!.toLowerCase()}\n`) }).toEqual({ alert, runbook: true });
      expect({ alert, readme: new RegExp(`\\n\\| ${alert} +\\|`).test(readme) }).toEqual({ alert, readme: true });
    }
  });

  test('the DCGM ServiceMonitor keeps the exporter’s pod labels, drops the target’s and sets node', () => {
    const sm = only(monitoring(), 'ServiceMonitor', 'nvidia-dcgm-exporter');
    expect(sm.spec.endpoints[0]).toMatchObject({
      honorLabels: true,
      relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: 'replace' },
        { regex: 'pod|namespace|container', action: 'labeldrop' },
      ],
    });
  });

  test('Karpenter is scraped when given, through its chart’s Service', () => {
    const objs = monitoring({ karpenter: { namespace: 'kube-system' } });
    const sm = only(objs, 'ServiceMonitor', 'karpenter');
    expect(sm.metadata.namespace).toBe('kube-system');
    expect(sm.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'karpenter',
      'app.kubernetes.io/instance': 'karpenter',
    });
    expect(sm.spec.endpoints[0].port).toBe('http-metrics');
    expect(rules(objs).some((r) => r.alert === 'KarpenterLaunchFailing')).toBe(true);
  });

  test('dashboards are ConfigMaps the Grafana sidecar loads; the fleet view can show some pools', () => {
    const objs = monitoring({ dashboardPools: ['l40s'] });
    const fleet = only(objs, 'ConfigMap', 'aiready-gpu-fleet');
    expect(fleet.metadata.labels.grafana_dashboard).toBe('1');
    const panels = JSON.parse(fleet.data['aiready-gpu-fleet.json']).panels;
    expect(panels.every((p: { title: string }) => p.title.startsWith('l40s'))).toBe(true);
    // A pool scaled to zero shows 0, not "No data".
    expect(panels[0].targets[0].expr).toBe('count(aiready:node_pool:info{pool="l40s"}) or vector(0)');
    expect(gpuDashboards([]).map((d) => d.uid)).toEqual(['aiready-gpu-fleet', 'aiready-gpu-teams', 'aiready-gpu-nodes']);
  });

  test('thresholds reach the alerts', () => {
    const r = rules(monitoring({ temperatureAlertCelsius: 80, idleWindow: '1h', pendingMinutes: 30, xidHoldWindow: '6h' }));
    expect(r.find((x) => x.alert === 'GpuTemperatureHigh')!.expr).toContain('> 80');
    expect(r.find((x) => x.record === 'aiready:gpu_share:idle_gpu_equivalents')!.expr).toContain('[1h]');
    expect(r.find((x) => x.alert === 'GpuXidCritical')!.expr).toContain('[6h]');
  });

  const bad: [string, GpuMonitoringProps, RegExp][] = [
    [
      'the idle window is shorter than the scrape interval',
      { scrapeInterval: '1m', idleWindow: '90s' },
      /idleWindow = "90s".*two scrape intervals/,
    ],
    [
      'an alert names a metric no exporter provides',
      {
        extraAlerts: [
          { alert: 'X', expr: 'gpu_fancy_metric > 1', for: '1m', severity: 'warning', summary: 's', description: 'd' },
        ],
      },
      /extraAlerts X = "gpu_fancy_metric".*no exporter/,
    ],
    [
      'an alert does not parse',
      { extraAlerts: [{ alert: 'Y', expr: 'sum(up', for: '1m', severity: 'warning', summary: 's', description: 'd' }] },
      /extraAlerts Y.*does not parse/,
    ],
    [
      'a dashboard names a pool that does not exist',
      { dashboardPools: ['a100'] },
      /dashboardPools = "a100".*use one of h100, l40s/,
    ],
    ['the scrape interval is not a duration', { scrapeInterval: '15 seconds' }, /scrapeInterval/],
    ['the temperature is implausible', { temperatureAlertCelsius: 500 }, /temperatureAlertCelsius/],
    ['the selector label is invalid', { prometheusSelectorLabels: { 'bad key': 'x' } }, /prometheusSelectorLabels/],
    ['the runbook base URL is relative', { runbookBaseUrl: 'docs/runbooks/gpu-alerts.md' }, /runbookBaseUrl.*absolute/],
    [
      'an alert names a label its metric never carries',
      {
        extraAlerts: [
          {
            alert: 'Z',
            expr: 'sum by (pool) (DCGM_FI_DEV_GPU_TEMP) > 80',
            for: '1m',
            severity: 'warning',
            summary: 's',
            description: 'd',
          },
        ],
      },
      /extraAlerts Z.*names label 'pool', which its input never carries/,
    ],
    [
      'an alert matches on a label one side lacks',
      {
        extraAlerts: [
          {
            alert: 'W',
            expr: 'DCGM_FI_DEV_GPU_TEMP * on (uid) group_left () kube_pod_status_phase',
            for: '1m',
            severity: 'warning',
            summary: 's',
            description: 'd',
          },
        ],
      },
      /extraAlerts W.*on \(uid\)' \(left side\) names label 'uid'/,
    ],
    [
      'an alert uses Karpenter metrics while Karpenter is not scraped',
      {
        extraAlerts: [
          {
            alert: 'K',
            expr: 'sum(karpenter_nodeclaims_created_total) > 0',
            for: '1m',
            severity: 'info',
            summary: 's',
            description: 'd',
          },
        ],
      },
      /extraAlerts K = "karpenter_nodeclaims_created_total".*not scraped/,
    ],
  ];
  test.each(bad)('throws when %s', (_why, props, message) => {
    expect(() => monitoring(props)).toThrow(message);
  });
});

describe('KubePrometheusStack', () => {
  function stack(props: KubePrometheusStackProps = {}) {
    const chart = Testing.chart();
    new KubePrometheusStack(chart, 'kps', props);
    return synth(chart);
  }

  test('defaults: retention, gp3 storage, Grafana from a Secret, node labels for the GPU rules', () => {
    const objs = stack();
    const values = releaseValues(objs, 'kube-prometheus-stack');
    expect(values).toMatchSnapshot();
    expect(values.grafana.admin).toEqual({
      existingSecret: 'grafana-admin',
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    });
    expect(values['kube-state-metrics'].metricLabelsAllowlist).toEqual([
      'nodes=[aiready.dev/pool,node.kubernetes.io/instance-type]',
      'namespaces=[aiready.dev/team]',
    ]);
    expect(only(objs, 'Namespace', 'monitoring').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  test('receivers read credentials from mounted Secrets; routes by severity and team', () => {
    const values = releaseValues(
      stack({
        receivers: [
          { name: 'oncall', pagerDuty: { routingKey: { name: 'pd', key: 'routing-key' } } },
          { name: 'ml-team', slack: { apiUrl: { name: 'slack', key: 'url' }, channel: '#ml-alerts' } },
        ],
        routes: [
          { receiver: 'oncall', severity: 'critical' },
          { receiver: 'ml-team', team: 'ml' },
        ],
      }),
      'kube-prometheus-stack',
    );
    expect(values.alertmanager.alertmanagerSpec.secrets).toEqual(['pd', 'slack']);
    expect(values.alertmanager.config.receivers[1].pagerduty_configs[0].routing_key_file).toBe(
      '/etc/alertmanager/secrets/pd/routing-key',
    );
    expect(values.alertmanager.config.route.routes).toEqual([
      { receiver: 'null', matchers: ['alertname="Watchdog"'] },
      { receiver: 'null', matchers: ['alertname="InfoInhibitor"'] },
      { receiver: 'oncall', matchers: ['severity="critical"'] },
      { receiver: 'ml-team', matchers: ['team="ml"'] },
    ]);
    expect(values.alertmanager.config.receivers.map((r: { name: string }) => r.name)).toEqual(['null', 'oncall', 'ml-team']);
    expect(JSON.stringify(values)).not.toMatch(/hooks\.slack\.com|https:\/\/events\.pagerduty/);
  });

  const bad: [string, KubePrometheusStackProps, RegExp][] = [
    [
      'a credential is given as a value',
      { receivers: [{ name: 'w', webhook: { url: 'https://example.com/hook' as never } }] },
      /receivers\[0\].*credential given as a value/,
    ],
    [
      'a route names no receiver',
      { receivers: [{ name: 'a', webhook: { url: { name: 's', key: 'k' } } }], routes: [{ receiver: 'b' }] },
      /routes\[0\]\.receiver = "b".*use one of a/,
    ],
    [
      'two receivers share a name',
      {
        receivers: [
          { name: 'a', webhook: { url: { name: 's', key: 'k' } } },
          { name: 'a', webhook: { url: { name: 's', key: 'k' } } },
        ],
      },
      /receivers\[1\]\.name/,
    ],
    ['the retention is malformed', { retention: '2 weeks' }, /retention/],
    ['the Grafana secret is not a name', { grafana: { adminSecret: 'Admin Secret' } }, /grafana\.adminSecret/],
  ];
  test.each(bad)('throws when %s', (_why, props, message) => {
    expect(() => stack(props)).toThrow(message);
  });

  test('the credential value never appears in the error', () => {
    expect(() => stack({ receivers: [{ name: 'w', webhook: { url: 'https://secret.example/abc' as never } }] })).toThrow(
      /^(?![\s\S]*secret\.example)/,
    );
  });
});
