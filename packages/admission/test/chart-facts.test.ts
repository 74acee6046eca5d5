// The chart facts the checker uses for unrendered releases, checked against the real pinned charts in
// ../shared/charts (skipped, visibly, in a checkout without them).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findInstanceType, GPU_INSTANCE_TYPE_NAMES } from '@aiready/core';
import { CHART_FACTS, crdsOf, KUSTOMIZE_FACTS, Release } from '../src';

const SHARED = path.resolve(__dirname, '../../../../shared');
const CHARTS = path.join(SHARED, 'charts');
const KUSTOMIZE = path.join(SHARED, 'kustomize/kubeflow-pipelines@2.17.0');
const have = fs.existsSync(CHARTS);
if (!have) process.stderr.write(`SKIPPED: chart facts against the real charts, ${CHARTS} not found\n`);
const withCharts = have ? test : test.skip;

const release = (chart: string, values: Record<string, unknown> = {}): Release => ({
  name: chart,
  type: 'helm',
  chart,
  namespace: 'ns',
  values,
  skipCrds: false,
  createsNamespace: false,
  installer: `release ${chart}`,
});

/** Every YAML file of a chart archive (templates, crds/, subcharts) by path inside the archive. */
function chartFiles(archive: string): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-chart-'));
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) out.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/** The chart's own values.yaml (not a subchart's). */
function values(archive: string): string {
  return [...chartFiles(archive)].find(([p]) => /^[^/]+\/values\.yaml$/.test(p))![1];
}

/** The `group/Kind` of every CustomResourceDefinition in some YAML texts (templated or not). */
function crdKinds(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts)
    for (const doc of text.split(/^---/m)) {
      if (!/^kind: CustomResourceDefinition/m.test(doc)) continue;
      const group = /^\s{2}group:\s*(\S+)/m.exec(doc)?.[1];
      const kind = /^\s{2}names:\s*\n(?:\s{4}.*\n)*?\s{4}kind:\s*(\S+)/m.exec(doc)?.[1];
      if (group && kind) out.add(`${group}/${kind}`);
    }
  return out;
}

const ARCHIVES: Record<string, string> = {
  karpenter: 'karpenter-1.14.1.tgz',
  'karpenter-crd': 'karpenter-crd-1.14.1.tgz',
  'argo-workflows': 'argo-workflows-1.0.18.tgz',
  'kube-prometheus-stack': 'kube-prometheus-stack-88.5.3.tgz',
  'gpu-operator': 'gpu-operator-v26.7.0.tgz',
  keda: 'keda-2.20.2.tgz',
  kueue: 'kueue-0.19.2.tgz',
  'kubeflow-trainer': 'kubeflow-trainer-2.3.0.tgz',
  jobset: 'jobset-0.12.0.tgz',
  'kserve-crd': 'kserve-crd-v0.20.0.tgz',
};

describe('chart facts', () => {
  withCharts.each(Object.keys(ARCHIVES))('every CRD listed for %s is in the chart', (chart) => {
    // GIVEN the chart archive WHEN its CRDs are read THEN each CRD the facts name is among them
    const inChart = crdKinds([...chartFiles(path.join(CHARTS, ARCHIVES[chart])).values()]);
    for (const crd of crdsOf(release(chart))) expect(inChart).toContain(crd);
  });

  withCharts('kueue 0.19.2 fails closed on jobs unless managedJobsNamespaceSelector says otherwise', () => {
    const manifests = chartFiles(path.join(CHARTS, ARCHIVES.kueue)).get('kueue/templates/webhook/manifests.yaml')!;
    const job = manifests.slice(manifests.indexOf('name: mjob.kb.io') - 400, manifests.indexOf('name: mjob.kb.io') + 600);
    expect(job).toContain('failurePolicy: Fail');
    expect(job).toContain('managedJobsNamespaceSelector');
    expect(CHART_FACTS.kueue.webhooks!(release('kueue')).map((w) => w.failurePolicy)).toContain('Fail');
  });

  withCharts('the EFA device plugin chart runs on every EFA instance type of the catalogue by default', () => {
    const text = values(path.join(CHARTS, 'aws-efa-k8s-device-plugin-v0.5.30.tgz'));
    for (const name of GPU_INSTANCE_TYPE_NAMES.filter((n) => findInstanceType(n)!.efaInterfaces > 0))
      expect(text).toContain(`- ${name}\n`);
  });

  withCharts("the GPU operator's default daemonset toleration is the GPU taint", () => {
    const text = values(path.join(CHARTS, ARCHIVES['gpu-operator']));
    expect(text).toMatch(
      /daemonsets:[\s\S]*?tolerations:\s*\n\s*- key: nvidia.com\/gpu\s*\n\s*operator: Exists\s*\n\s*effect: NoSchedule/,
    );
    expect(CHART_FACTS['gpu-operator'].devicePlugin!(release('gpu-operator'))!.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  (fs.existsSync(KUSTOMIZE) ? test : test.skip)("KFP's cluster-scoped base installs the CRDs the facts name", () => {
    const texts: string[] = [];
    const walk = (d: string) => {
      for (const f of fs.readdirSync(d)) {
        const p = path.join(d, f);
        if (fs.statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(f)) texts.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(KUSTOMIZE, 'manifests/kustomize'));
    walk(path.join(SHARED, 'kustomize/argo-workflows@v4.0.5/manifests'));
    const inBase = crdKinds(texts);
    for (const crd of KUSTOMIZE_FACTS['manifests/kustomize/cluster-scoped-resources'].crds) expect(inBase).toContain(crd);
  });

  test('skipCrds drops CRDs that live in a chart’s crds/ folder only', () => {
    expect(crdsOf({ ...release('karpenter'), skipCrds: true })).toEqual([]);
    expect(crdsOf({ ...release('karpenter-crd'), skipCrds: true })).toContain('karpenter.sh/NodePool');
  });
});
