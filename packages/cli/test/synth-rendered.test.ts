// A platform installed as plain manifests (ReleaseMaterializer.rendered(), `gitops: rendered`), through
// synthAll: without --render it is refused; with it, install.sh applies every file of the target.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthAll } from '../src';
import { bundledHelmForTests, bundledKubectlForTests, SHARED, TEST_CACHE } from './fixtures';

const charts = path.join(SHARED, 'charts');
const ready = fs.existsSync(charts) && `${process.platform}-${process.arch}` === 'linux-x64';
if (!ready) process.stderr.write(`SKIPPED: rendered-manifests synth, needs ${charts} and linux/amd64 for the bundled helm\n`);
const withCharts = ready ? test : test.skip;

describe('synthAll of a platform installed as rendered manifests', () => {
  // GIVEN a team's app (in this package, so @aiready/k8s resolves): a Karpenter L4 pool, no monitoring
  const dir = fs.mkdtempSync(path.join(__dirname, '.tmp-rendered-'));
  const app = path.join(dir, 'app.js');
  fs.writeFileSync(
    app,
    `const { App } = require('cdk8s');
const { AiPlatform, ReleaseMaterializer } = require('@aiready/k8s');
exports.buildApp = () => {
  const app = new App();
  new AiPlatform(app, 'platform', {
    clusterName: 'plain',
    monitoring: false,
    releaseMaterializer: ReleaseMaterializer.rendered(),
    pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'], maxNodes: 2 }],
  });
  return app;
};
`,
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-rendered-root-'));

  test('throws when synthesized without --render, naming the flag', async () => {
    const report = await synthAll({ root, outDir: path.join(root, 'dist'), app });
    expect(report.errors).toEqual([
      { id: 'app', message: expect.stringMatching(/installed as rendered manifests.*run aiready synth --render/) },
    ]);
  });

  withCharts('with --render, install.sh applies every file of the target, wave by wave', async () => {
    // WHEN synthesized with the pinned charts
    fs.mkdirSync(TEST_CACHE, { recursive: true });
    const report = await synthAll({
      root,
      outDir: path.join(root, 'dist'),
      app,
      render: {
        helm: bundledHelmForTests(),
        kubectl: bundledKubectlForTests,
        chartCache: charts,
        kustomizeCache: path.join(SHARED, 'kustomize'),
        renderCache: fs.mkdtempSync(path.join(TEST_CACHE, 'render-')),
      },
    });
    expect(report.errors).toEqual([]);
    const files = report.targets[0].files;
    const script = files.get('install.sh')!;
    const applied = [...script.matchAll(/(?:-f|create_missing|run_jobs) '([^']+)'/g)].map((m) => m[1]);
    // THEN every own file and every install file is applied; every rendered object is in install/ once,
    // unless it is a hook of another phase (listed in the script)
    const own = [...files.keys()].filter((f) => f.startsWith('manifests/'));
    const install = [...files.keys()].filter((f) => f.startsWith('install/'));
    expect([...new Set(applied)].sort()).toEqual([...own, ...install].sort());
    const count = (prefix: string) =>
      [...files]
        .filter(([f]) => f.startsWith(prefix))
        .reduce((n, [, c]) => n + YAML.parseAllDocuments(c).filter((d) => d.toJS()).length, 0);
    const skipped = script.split('\n').filter((l) => l.startsWith('#   ')).length;
    expect(count('install/') + skipped).toBe(count('rendered/'));
    // AND Karpenter's CRDs are established before Karpenter, whose controller answers before the NodePools
    const line = (needle: string) => script.split('\n').findIndex((l) => l.includes(needle));
    expect(line('install/karpenter-crd/01-crds.yaml')).toBeLessThan(line('install/karpenter/21-objects.yaml'));
    expect(line("rollout status 'deployment/karpenter'")).toBeLessThan(
      line('manifests/custom-resources/gpu-node-pool/nodepool.yaml'),
    );
    expect(files.get('manifests/custom-resources/gpu-node-pool/nodepool.yaml')).toContain('aiready.dev/install-wave: "1"');
    // AND the GPU operator's post-delete prune of node labels is never applied
    expect(script).toMatch(/# {3}Job gpu-operator\/gpu-operator-node-feature-discovery-prune \(post-delete\)/);
  });
});
