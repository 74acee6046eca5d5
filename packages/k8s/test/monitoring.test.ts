import { GpuPoolSpec, KNOWN_METRIC_NAMES, Sharing } from '@aiready/core';
import { Testing } from 'cdk8s';
import {
  checkPromql,
  GpuMonitoring,
  GpuMonitoringProps,
  GpuNodePool,
  gpuDashboards,
  gpuRecordingRules,
  KubePrometheusStack,
  KubePrometheusStackProps,
  pricePerDevice,
} from '../src';
import { normalizeGpuPool } from '@aiready/core';
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
    const recorded = new Set(gpuRecordingRules({ idleWindow: '30m' }).map((r) => r.record));
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

  test('every alert has a severity, summary, description and runbook link', () => {
    for (const r of rules(monitoring()).filter((x) => x.alert)) {
      expect(r.annotations).toEqual({
        summary: expect.any(String),
        description: expect.any(String),
        runbook_url: `docs/runbooks/gpu-alerts.md#${r.alert!.toLowerCase()}`,
      });
    }
  });

  test('idle GPUs carry their hourly cost: per MIG slice on MIG pools, per GPU otherwise', () => {
    expect(pricePerDevice(normalizeGpuPool(POOLS[0]))).toBe(Math.round((55.04 / 8 / 7) * 10000) / 10000);
    expect(pricePerDevice(normalizeGpuPool(POOLS[1]))).toBe(1.861);
    const idle = rules(monitoring()).filter((r) => r.alert === 'GpuAllocatedIdle');
    expect(idle.map((r) => r.expr)).toEqual([
      'aiready:gpu_allocated_idle:count{label_aiready_dev_pool="h100"} * 0.9829 > 0',
      'aiready:gpu_allocated_idle:count{label_aiready_dev_pool="l40s"} * 1.861 > 0',
    ]);
    expect(idle[0].annotations!.description).toContain('$/h on demand');
  });

  test('a node with fewer GPUs than its instance type alerts, for pools that advertise whole GPUs', () => {
    const missing = rules(monitoring()).find((r) => r.alert === 'GpuMissingOnNode')!;
    expect(missing.expr).toContain('label_node_kubernetes_io_instance_type="g6e.xlarge"} < 1');
    expect(missing.expr).not.toContain('p5.48xlarge');
  });

  test('XID alerts use the windowed count, critical codes apart', () => {
    const xid = rules(monitoring()).filter((r) => r.alert?.startsWith('GpuXid'));
    expect(xid.map((r) => r.expr)).toEqual([
      'max by (Hostname, gpu, xid) (DCGM_EXP_XID_ERRORS_COUNT{xid=~"48|63|64|74|79|92|94|95"}) > 0',
      'max by (Hostname, gpu, xid) (DCGM_EXP_XID_ERRORS_COUNT{xid!~"48|63|64|74|79|92|94|95"}) > 0',
    ]);
  });

  test('dashboards are ConfigMaps the Grafana sidecar loads; the fleet view can show some pools', () => {
    const objs = monitoring({ dashboardPools: ['l40s'] });
    const fleet = only(objs, 'ConfigMap', 'aiready-gpu-fleet');
    expect(fleet.metadata.labels.grafana_dashboard).toBe('1');
    const titles = JSON.parse(fleet.data['aiready-gpu-fleet.json']).panels.map((p: { title: string }) => p.title);
    expect(titles.every((t: string) => t.startsWith('l40s'))).toBe(true);
    expect(gpuDashboards([]).map((d) => d.uid)).toEqual(['aiready-gpu-fleet', 'aiready-gpu-teams', 'aiready-gpu-nodes']);
  });

  test('thresholds reach the alerts', () => {
    const r = rules(monitoring({ temperatureAlertCelsius: 80, idleWindow: '1h', pendingMinutes: 30 }));
    expect(r.find((x) => x.alert === 'GpuTemperatureHigh')!.expr).toContain('> 80');
    expect(r.find((x) => x.record === 'aiready:gpu_allocated_idle:count')!.expr).toContain('[1h]');
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
    expect(values.alertmanager.config.receivers[0].pagerduty_configs[0].routing_key_file).toBe(
      '/etc/alertmanager/secrets/pd/routing-key',
    );
    expect(values.alertmanager.config.route.routes).toEqual([
      { receiver: 'oncall', matchers: ['severity="critical"'] },
      { receiver: 'ml-team', matchers: ['team="ml"'] },
    ]);
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
