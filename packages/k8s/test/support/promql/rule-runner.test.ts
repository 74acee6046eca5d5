// The evaluator checked against the real Prometheus engine: the same rules and fixture series run
// through `promtool test rules`, with the alerts our rule runner computes as promtool's expectations.
// Needs promtool (Debian package `prometheus`, or PROMTOOL=/path/to/promtool); skips visibly without.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Sharing } from '@aiready/core';
import { dcgm, gpuPod, namespaceLabels, nodeInfo, nodeLabels, nodeUnschedulable, ruleGroups, RUNNING } from '../gpu-fixtures';
import { at, expandValues, FixtureSeries, RuleGroup, runRules } from './rule-runner';

function findPromtool(): string | undefined {
  const candidates = [
    process.env.PROMTOOL,
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'promtool')),
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}
const promtool = findPromtool();
if (!promtool)
  process.stderr.write(
    'rule-runner.test.ts: promtool not found (set PROMTOOL or install Debian package prometheus); cross-check with Prometheus skipped\n',
  );
const withPromtool = promtool ? describe : describe.skip;

const N1 = 'ip-10-0-1-5.ec2.internal';
const N2 = 'ip-10-0-1-6.ec2.internal';

function crossCheck(groups: RuleGroup[], series: FixtureSeries[], times: string[]): void {
  const run = runRules(groups, series, { interval: '1m', until: times[times.length - 1] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-promtool-'));
  fs.writeFileSync(
    path.join(dir, 'rules.yaml'),
    YAML.stringify({
      groups: groups.map((g) => ({
        name: g.name,
        interval: g.interval,
        rules: g.rules.map((r) => ({
          ...(r.record ? { record: r.record } : { alert: r.alert, for: r.for, labels: r.labels }),
          expr: r.expr,
        })),
      })),
    }),
  );
  const alertnames = [...new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))))];
  const tests = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: series.map((s) => ({ series: s.series, values: expandValues(s.values).join(' ') })),
        alert_rule_test: times.flatMap((t) =>
          alertnames.map((alertname) => ({
            eval_time: t,
            alertname,
            exp_alerts: run
              .firingAt(at(t))
              .filter((a) => a.alertname === alertname)
              .map((a) => ({ exp_labels: Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname')) })),
          })),
        ),
      },
    ],
  };
  fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify(tests));
  try {
    execFileSync(promtool!, ['test', 'rules', 'test.yaml'], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`promtool disagrees with the evaluator:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

withPromtool('the rule runner agrees with promtool', () => {
  const groups = ruleGroups(
    [
      { name: 'l40s', instanceTypes: ['g6e.xlarge'], purpose: 'training' },
      { name: 'l4', instanceTypes: ['g6.xlarge'], purpose: 'inference', sharing: Sharing.timeSlicing(4) },
    ],
    { karpenter: { namespace: 'kube-system' } },
  );
  const base = [
    nodeLabels(N1, 'l40s', 'g6e.xlarge'),
    nodeLabels(N2, 'l4', 'g6.xlarge'),
    namespaceLabels('research', 'research'),
    namespaceLabels('serving', 'serving'),
  ];

  test('idle allocated GPUs, time-sliced shares and a finished pod', () => {
    crossCheck(
      groups,
      [
        ...base,
        ...[0, 1].map((g) =>
          dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: g, pod: 'train-0', namespace: 'research' }, '0.01x60'),
        ),
        dcgm('DCGM_FI_PROF_GR_ENGINE_ACTIVE', { node: N1, gpu: 2 }, '0x60'),
        ...gpuPod({ namespace: 'research', pod: 'train-0', node: N1, count: 2 }, RUNNING),
        ...['a', 'b'].map((p, i) =>
          dcgm(
            'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
            { node: N2, gpu: 0, model: 'NVIDIA L4', pod: `llm-${p}`, namespace: 'serving', vgpu: String(i) },
            '0x60',
          ),
        ),
        ...['a', 'b'].flatMap((p) =>
          gpuPod({ namespace: 'serving', pod: `llm-${p}`, node: N2, resource: 'nvidia_com_gpu_shared' }, RUNNING),
        ),
      ],
      ['20m', '45m', '60m'],
    );
  });

  test('XIDs held until the node is cordoned', () => {
    crossCheck(
      groups,
      [
        ...base,
        dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 3 }, '0x4 1x5 0x50', { xid: '79', window_size_in_ms: '300000' }),
        dcgm('DCGM_EXP_XID_ERRORS_COUNT', { node: N1, gpu: 1 }, '1x60', { xid: '31', window_size_in_ms: '300000' }),
        nodeInfo(N1),
        nodeUnschedulable(N1, '0x39 1x20'),
      ],
      ['6m', '30m', '41m'],
    );
  });
});
