// End to end: `aiready synth` over the repository's stacks and examples, as CI runs it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { validateObjects } from '@aiready/validate';
import { CliRun as Run, runCli } from '../support/cli-run';
import { files, stackCopy, stackCopyWith } from '../support/repo-files';
import { removedAfter } from '../support/temp-files';

const ROOT = path.resolve(__dirname, '../..');

// The CLI runs of this file are started together when it starts (see `started` below) and each test awaits
// its own: they are mostly child processes (Node, @pulumi/*, the stack programs), so they overlap on the
// cores instead of running one after the other. At most this many at once, so the first ones finish first.
const SLOTS = Math.max(2, os.availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

/** Runs the CLI with `args` in `cwd` when a slot is free. */
async function cli(args: readonly string[], cwd = ROOT): Promise<Run> {
  if (running >= SLOTS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await runCli(args, cwd);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function synth(out: string, cwd = ROOT, ...flags: string[]): Promise<Run> {
  return cli(['synth', '--out', out, ...flags], cwd);
}

/** `start`, called once, when the file's tests begin (all of them at once); its test awaits the result. */
const startsFirst: (() => unknown)[] = [];
function started<T>(start: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  const get = () => (promise ??= start());
  startsFirst.push(get);
  return get;
}
// Synths and checks can take minutes when the machine is busy: they run together.
jest.setTimeout(600_000);
beforeAll(() => {
  for (const start of startsFirst) start();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function objectsIn(dir: string): any[] {
  return files(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
}

const a = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-a-'));
const b = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-b-'));
const synthA = started(() => {
  if (!fs.existsSync(path.join(ROOT, 'packages/cli/lib/main.js')))
    throw new Error('build first: `pnpm test` runs `tsc -b` before jest');
  // A target whose source is gone, left over from an earlier run: synth removes it.
  fs.mkdirSync(path.join(a, 'examples/removed/manifests'), { recursive: true });
  fs.writeFileSync(path.join(a, 'examples/removed/SUMMARY.md'), '# old\n');
  return synth(a);
});
// b is also synthesized with --incremental (a first one: every target synthesized and cached), then c
// from that cache alone.
const c = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-c-'));
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-synth-cache-'));
// The second run prints its timings: they must not change a byte of the output.
const synthB = started(() => synth(b, ROOT, '--timings', '--incremental', '--synth-cache', cache));
const synthC = started(() => synthB().then(() => synth(c, ROOT, '--incremental', '--synth-cache', cache)));
// `aiready validate` of the first tree, once it is written.
const validateA = started(() => synthA().then(() => cli(['validate', a])));

describe('aiready synth', () => {
  let log = '';
  let timedLog = '';
  let reusedLog = '';

  beforeAll(async () => {
    const [runA, runB, runC] = await Promise.all([synthA(), synthB(), synthC()]);
    for (const run of [runA, runB]) if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr}`);
    if (runC.status !== 0) throw new Error(`synth --incremental failed:\n${runC.stderr}`);
    log = runA.stderr;
    timedLog = runB.stderr;
    reusedLog = runC.stderr;
  });
  afterAll(() => {
    for (const dir of [a, b, c, cache]) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('offline admission of the reference targets', () => {
    /** The acknowledged problems SUMMARY.md lists: `reason: object field: problem`. */
    const acknowledged = (id: string) => {
      const summary = fs.readFileSync(path.join(a, id, 'SUMMARY.md'), 'utf8');
      const section = summary.split('## Acknowledged problems')[1]?.split('\n## ')[0] ?? '';
      return section
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2));
    };

    // Every finding here is a defect of issue 13 or 21 being fixed on main; delete a row when its fix
    // lands (synth then warns that the acknowledgement in packages/cli/src/known-defects.ts is stale).
    test.each<[string, string[]]>([
      ['ai-platform-dev', []],
      ['ai-platform-prod', []],
      ['examples/airflow-gpu', []],
      ['examples/flux-gpu-platform', []],
      ['examples/gpu-inference', []],
      ['examples/kserve-inference', []],
      ['examples/mixed-gpu-cluster', []],
      ['examples/ml-teams', []],
    ])('%s: admitted, with exactly its known defects acknowledged', (id, expected) => {
      const found = acknowledged(id);
      expect(found).toHaveLength(expected.length);
      expected.forEach((prefix, i) => expect(found[i].startsWith(prefix)).toBe(true));
      // No acknowledgement outlived its defect.
      expect(fs.readFileSync(path.join(a, id, 'SUMMARY.md'), 'utf8')).not.toContain('no longer occurs');
    });

    test('prerequisites are listed in SUMMARY.md', () => {
      const summary = fs.readFileSync(path.join(a, 'examples/ml-teams/SUMMARY.md'), 'utf8');
      expect(summary).toContain('## Prerequisites');
      expect(summary).toContain('| CustomResourceDefinition | argoproj.io/Application | Argo CD applies this GitOps output |');
    });
  });

  test('writes every stack config and example', () => {
    expect(fs.readdirSync(a).sort()).toEqual(['ai-platform-dev', 'ai-platform-prod', 'examples']);
    expect(fs.readdirSync(path.join(a, 'examples'))).toEqual([
      'airflow-gpu',
      'flux-gpu-platform',
      'gpu-inference',
      'kserve-inference',
      'mixed-gpu-cluster',
      'ml-teams',
    ]);
  });

  test('says as each target finishes how long it took and how many objects it has, and removes gone targets', () => {
    for (const id of [
      'ai-platform-dev',
      'ai-platform-prod',
      'examples/airflow-gpu',
      'examples/gpu-inference',
      'examples/mixed-gpu-cluster',
      'examples/ml-teams',
    ])
      expect(log).toMatch(new RegExp(`aiready synth: ${id} done in \\d+\\.\\d s \\(\\d+ objects\\)`));
    expect(log).toMatch(/aiready synth: removed .*examples\/removed \(its source is gone\)/);
    expect(fs.existsSync(path.join(a, 'examples/removed'))).toBe(false);
  });

  test('--timings prints the wall time of each phase of each target, only with --timings', () => {
    const table = timedLog.split('timings (wall seconds per phase):\n')[1] ?? '';
    expect(table.split('\n')[0].split(/\s+/)).toEqual([
      'target',
      'load',
      'construct',
      'plan',
      'serialize',
      'validate',
      'admission',
      'write',
    ]);
    expect(table).toMatch(/^ai-platform-dev( +\d+\.\d\d){7}$/m);
    expect(table).toMatch(/^examples\/ml-teams +- +\d+\.\d\d +- +\d+\.\d\d( +\d+\.\d\d){3}$/m);
    expect(table).toMatch(/^\(cli process\) +\d+\.\d\d( +-){6}$/m);
    expect(log).not.toContain('timings');
  });

  test('is deterministic: runs with --timings, --incremental, or every target from the synth cache give byte-identical trees', () => {
    expect(reusedLog.match(/^aiready synth: \S+ unchanged \(\d+ objects\)$/gm)).toHaveLength(8);
    const fa = files(a);
    for (const other of [b, c]) {
      expect(files(other)).toEqual(fa);
      for (const f of fa) expect(fs.readFileSync(path.join(other, f)).equals(fs.readFileSync(path.join(a, f)))).toBe(true);
    }
  });

  test('the dev stack plans a complete environment', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(a, 'ai-platform-dev/plan.json'), 'utf8'));
    expect(plan.counts).toMatchObject({
      'aws:eks/cluster:Cluster': 1,
      'aws:eks/nodeGroup:NodeGroup': 2,
      'aws:ec2/natGateway:NatGateway': 1,
      'aws:sqs/queue:Queue': 1,
      'kubernetes:helm.sh/v3:Release': 6,
      // namespaces, configuration, then custom resources and workloads
      'kubernetes:yaml/v2:ConfigGroup': 3,
    });
    const cluster = plan.resources.find((r: { type: string }) => r.type === 'aws:eks/cluster:Cluster');
    expect(cluster.inputs).toMatchObject({ name: 'ai-dev', version: '1.36', accessConfig: { authenticationMode: 'API' } });
    const gpuGroup = plan.resources.find((r: { name: string }) => r.name === 'gpu-l40s-batch-ng');
    expect(gpuGroup.inputs).toMatchObject({
      amiType: 'AL2023_x86_64_NVIDIA',
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
    });
    expect(plan.longestChain.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(plan)).not.toContain('certificate-authority-data');
  });

  test('the dev stack manifests hold its pools, and the releases stay in the plan', () => {
    const objs = objectsIn(path.join(a, 'ai-platform-dev/manifests'));
    const nodePools = objs.filter((o) => o.kind === 'NodePool').map((o) => o.metadata.name);
    expect(nodePools.sort()).toEqual(['default', 'l4-inference']);
    expect(objs.filter((o) => o.kind === 'Application')).toEqual([]);
    const summary = fs.readFileSync(path.join(a, 'ai-platform-dev/SUMMARY.md'), 'utf8');
    expect(summary).toContain('| l4-inference | karpenter | inference | spot |');
    expect(summary).toContain('| gpu-operator | gpu-operator | v26.7.0 |');
  });

  test('the Flux example installs the platform of gpu-inference, in the same order as its Argo CD sync waves', () => {
    // GIVEN both examples' trees: Argo CD's per component, Flux's per install stage
    const argo = objectsIn(path.join(a, 'examples/gpu-inference/manifests'));
    const fluxDir = path.join(a, 'examples/flux-gpu-platform/manifests');
    const entry = objectsIn(path.join(fluxDir, 'flux'));
    const stageWave = new Map(
      entry
        .filter((o) => o.kind === 'Kustomization')
        .map((k) => [k.spec.path.split('/').pop(), Number(k.metadata.annotations['aiready.dev/install-wave'])]),
    );
    // WHEN each platform object, release and base is keyed the same way for both engines
    const id = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
      o.kind === 'Application' || o.kind === 'HelmRelease'
        ? `install/${o.metadata.name}`
        : `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const ofPlatform = (o: { metadata: { labels?: Record<string, string> } }) =>
      o.metadata.labels?.['app.kubernetes.io/part-of'] === 'platform';
    const argoWaves = Object.fromEntries(
      argo
        .filter((o) => ofPlatform(o) && !o.metadata.labels['argocd.argoproj.io/secret-type'])
        .map((o) => [id(o), Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)]),
    );
    const fluxWaves = Object.fromEntries(
      [...stageWave.keys()].flatMap((stage) =>
        objectsIn(path.join(fluxDir, stage))
          .filter(ofPlatform)
          .map((o) => [id(o), stageWave.get(stage)]),
      ),
    );
    // THEN the same objects, each installed in the same wave; stages wait for one another in wave order
    expect(fluxWaves).toEqual(argoWaves);
    const stages = entry
      .filter((o) => o.kind === 'Kustomization')
      .sort((x, y) => stageWave.get(x.spec.path.split('/').pop())! - stageWave.get(y.spec.path.split('/').pop())!);
    stages.slice(1).forEach((k, i) => expect(k.spec.dependsOn).toEqual([{ name: stages[i].metadata.name }]));
    expect(stages[0].spec.path).toBe('./dist/examples/flux-gpu-platform/manifests/namespaces');
  });

  test('the prod stack: reserved MIG training pool (no EFA: slices cannot use it), time-sliced managed node group', () => {
    const objs = objectsIn(path.join(a, 'ai-platform-prod/manifests'));
    const h100 = objs.find((o) => o.kind === 'EC2NodeClass' && o.metadata.name === 'h100-training');
    expect(h100.spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0a1b2c3d4e5f60718' }]);
    // A Capacity Block is co-located already: no cluster placement group on top.
    expect(h100.spec.placementGroupSelector).toBeUndefined();
    // MIG slices cannot use EFA, so the MIG pool attaches none; Karpenter learns its slices from a NodeOverlay.
    expect(h100.spec.networkInterfaces).toBeUndefined();
    const overlay = objs.find((o) => o.kind === 'NodeOverlay' && o.metadata.name === 'h100-training');
    expect(overlay.spec.capacity).toEqual({
      'nvidia.com/mig-1g.10gb': 16,
      'nvidia.com/mig-2g.20gb': 8,
      'nvidia.com/mig-3g.40gb': 8,
    });
    const migConfig = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'aiready-mig-parted-config');
    expect(YAML.parse(migConfig.data['config.yaml'])['mig-configs']['aiready-h100-balanced']).toBeDefined();
    const plan = JSON.parse(fs.readFileSync(path.join(a, 'ai-platform-prod/plan.json'), 'utf8'));
    expect(plan.counts['aws:ec2/placementGroup:PlacementGroup']).toBeUndefined();
    expect(plan.counts['aws:ec2/natGateway:NatGateway']).toBe(3);
    // NodePools go before the Karpenter controller on destroy (so it terminates their nodes): the
    // objects wait for every release, the controller's included.
    const objects = plan.resources.find((r: { name: string }) => r.name === 'platform-objects');
    expect(objects.dependsOn).toEqual(expect.arrayContaining(['kubernetes:helm.sh/v3:Release::platform-karpenter']));
    // SUMMARY's EFA column is one kind of value: a device count, 0 without EFA.
    const summary = fs.readFileSync(path.join(a, 'ai-platform-prod/SUMMARY.md'), 'utf8');
    expect(summary).toMatch(/\| h100-training \| MIG mixed [^|]+\| [^|]+\| 0 \|/);
    expect(summary).toMatch(/\| l4-batch \| time-slicing x4 \| [^|]+\| 0 \|/);
    // The real order: network (NAT, routes) before nodes, nodes and add-ons before anything on the
    // cluster, the charts' configuration before the charts.
    const chain: string[] = plan.longestChain;
    const at = (key: string) => chain.findIndex((k) => k.startsWith(key));
    for (const [before, after] of [
      ['aws:ec2/natGateway:NatGateway::', 'aws:eks/nodeGroup:NodeGroup::'],
      ['aws:eks/nodeGroup:NodeGroup::', 'aws:eks/addon:Addon::'],
      ['aws:eks/addon:Addon::', 'kubernetes:yaml/v2:ConfigGroup::platform-namespaces'],
      ['kubernetes:yaml/v2:ConfigGroup::platform-configuration', 'kubernetes:helm.sh/v3:Release::'],
    ]) {
      expect(at(before)).toBeGreaterThanOrEqual(0);
      expect(at(before)).toBeLessThan(at(after));
    }
    // Teams write NetworkPolicies, so the vpc-cni add-on enforces them.
    const vpcCni = plan.resources.find((r: { name: string }) => r.name === 'addons-vpc-cni');
    expect(JSON.parse(vpcCni.inputs.configurationValues)).toEqual({ enableNetworkPolicy: 'true' });
    // Nothing reaches the API before the access grants exist: the deployer's, the admins', the teams'.
    const provider = plan.resources.find((r: { type: string }) => r.type === 'pulumi:providers:kubernetes');
    expect(provider.dependsOn).toEqual(
      expect.arrayContaining([
        'aws:eks/accessPolicyAssociation:AccessPolicyAssociation::eks-deployer-admin',
        'aws:eks/accessPolicyAssociation:AccessPolicyAssociation::eks-admin-0',
        'aws:eks/accessEntry:AccessEntry::eks-groups-role-research-engineers',
      ]),
    );
    const l4 = plan.resources.find((r: { name: string }) => r.name === 'gpu-l4-batch-ng');
    expect(l4.inputs.labels['nvidia.com/device-plugin.config']).toBe('l4-batch');
  });

  test('the KServe example: CRD and controller releases in Standard mode, one GPU InferenceService on its pool', () => {
    const objs = objectsIn(path.join(a, 'examples/kserve-inference/manifests'));
    const apps = objs.filter((o) => o.kind === 'Application').map((o) => o.metadata.name);
    expect(apps).toEqual(expect.arrayContaining(['kserve-crd', 'kserve-resources']));
    const controller = objs.find((o) => o.kind === 'Application' && o.metadata.name === 'kserve-resources');
    expect(controller.spec.source.helm.valuesObject.kserve.controller.deploymentMode).toBe('Standard');
    const isvc = objs.find((o) => o.kind === 'InferenceService');
    expect(isvc.metadata.namespace).toBe('serving');
    expect(isvc.spec.predictor.nodeSelector).toEqual({ 'aiready.dev/pool': 'l40s-inference' });
    expect(isvc.spec.predictor.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });

  test('the mixed cluster: one operator, each pool served the right way', () => {
    const objs = objectsIn(path.join(a, 'examples/mixed-gpu-cluster/manifests'));
    const values = objs.find((o) => o.kind === 'Application' && o.metadata.name === 'gpu-operator').spec.source.helm.valuesObject;
    expect(values.driver.enabled).toBe(false);
    expect(values.mig.strategy).toBe('mixed');
    const dp = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'aiready-device-plugin-config');
    // h100-mig needs its MIG strategy entry; the Bottlerocket pool is configured through user data instead.
    expect(Object.keys(dp.data).sort()).toEqual(['default', 'h100-mig']);
    const br = objs.find((o) => o.kind === 'EC2NodeClass' && o.metadata.name === 'l4-shared');
    expect(br.spec.userData).toContain('device-sharing-strategy = "time-slicing"');
    const brPool = objs.find((o) => o.kind === 'NodePool' && o.metadata.name === 'l4-shared');
    expect(brPool.spec.template.metadata.labels['nvidia.com/gpu.deploy.device-plugin']).toBe('false');
  });

  test('the Airflow example: the pinned chart, and GPU pod templates the DAGs of each team pick by path', () => {
    const objs = objectsIn(path.join(a, 'examples/airflow-gpu/manifests'));
    const app = objs.find((o) => o.kind === 'Application' && o.metadata.name === 'airflow');
    expect(app.spec.source).toMatchObject({ chart: 'airflow', targetRevision: '1.22.0' });
    expect(app.spec.source.helm.valuesObject.dags.gitSync.ref).toBe('4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39');
    const research = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'airflow-pod-templates-research');
    const h100 = YAML.parse(research.data['h100.yaml']);
    expect(h100.spec.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100-training' });
    expect(h100.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('default');
    const summary = fs.readFileSync(path.join(a, 'examples/airflow-gpu/SUMMARY.md'), 'utf8');
    expect(summary).toContain('| vision | l4 | l4-batch | 1 GPU | `/opt/airflow/pod-templates/vision/l4.yaml` |');
    expect(summary).toContain('| research/git-credentials |');
  });

  test('the teams example: quotas, a training job and an inference service on their pools', () => {
    const objs = objectsIn(path.join(a, 'examples/ml-teams/manifests'));
    const quota = objs.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === 'research');
    // 16 H100 and one L40S, and as many again it may borrow: both pools advertise nvidia.com/gpu, so
    // the namespace quota sums them (Kueue's flavors keep them apart per pool), nominal plus borrowing.
    expect(quota.spec.hard['requests.nvidia.com/gpu']).toBe(34);
    const trainJob = objs.find((o) => o.kind === 'TrainJob');
    expect(trainJob.spec.trainer.resourcesPerNode.limits).toEqual({
      memory: '1638Gi',
      'nvidia.com/gpu': 8,
      'vpc.amazonaws.com/efa': 32,
    });
    expect(trainJob.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('default');
    expect(
      objs.find((o) => o.kind === 'ClusterTrainingRuntime' && o.metadata.name === trainJob.spec.runtimeRef.name),
    ).toBeDefined();
    expect(objs.find((o) => o.kind === 'ScaledObject').metadata.namespace).toBe('serving');
  });

  test('the example requests a GPU on its pool', () => {
    const objs = objectsIn(path.join(a, 'examples/gpu-inference/manifests'));
    const dep = objs.find((o) => o.kind === 'Deployment');
    expect(dep.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu.shared']).toBe(1);
    expect(dep.spec.template.spec.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(
      objs
        .filter((o) => o.kind === 'Application')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      // No EFA device plugin: the MIG training pool gets no EFA.
      'argo-workflows',
      'gpu-operator',
      'karpenter',
      'karpenter-crd',
      'keda',
      'kube-prometheus-stack',
    ]);
    const so = objs.find((o) => o.kind === 'ScaledObject');
    expect(so.spec.scaleTargetRef.name).toBe(dep.metadata.name);
    // A time-sliced pool: the example scales on vLLM's queue, not on GPU activity its pods share.
    expect(so.spec.triggers[0].metadata.query).toContain('vllm:num_requests_waiting');
  });

  test('every target validates against the bundled upstream schemas, PrometheusRules included', async () => {
    // GIVEN the written tree WHEN each target (one cluster) is validated from its files
    const targets = files(a)
      .filter((f) => f.endsWith('SUMMARY.md'))
      .map((f) => path.join(a, path.dirname(f), 'manifests'));
    expect(targets.length).toBe(8);
    for (const dir of targets) {
      const report = validateObjects(objectsIn(dir).map((object) => ({ object })));
      // THEN nothing fails and no kind lacks a schema
      expect(report.problems).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    }
    const rules = targets.flatMap((d) => objectsIn(d)).filter((o) => o.kind === 'PrometheusRule');
    expect(rules.length).toBe(8);
    // `aiready validate` says the same of the written tree.
    const validated = await validateA();
    expect(validated.stderr).toMatch(/aiready validate: 8 targets, \d+ objects checked, 0 problems/);
    expect(validated.status).toBe(0);
    // The validator is strict: an unknown field fails.
    const bogus = { ...rules[0], spec: { ...rules[0].spec, bogus: true } };
    expect(validateObjects([{ object: bogus }]).problems.map((p) => p.message)).toEqual(['unknown field "spec.bogus"']);
  });
});

/** A copy of the dev stack with its config changed by `edit`, synthesized into its dist/ (started at once). */
function synthCopy(edit: (config: string) => string): () => Promise<{ root: string; out: string; run: Run }> {
  return started(async () => {
    const root = stackCopy(edit);
    const out = path.join(root, 'dist');
    return { root, out, run: await synth(out, root) };
  });
}

// Copies of the dev stack with one config value changed, each its own stack config (ai-platform-<name>) of
// one copy, synthesized in one run (its stack process loads Node and @pulumi/* once, not once per copy).
// Each test below reads its own target.
const variants = started(async () => {
  const root = removedAfter(
    stackCopyWith({
      kubeflow: (c) => c.replace('ai-platform:workflows: argo-workflows', 'ai-platform:workflows: kubeflow'),
      flux: (c) => `${c}  ai-platform:gitops: flux\n`,
      secret: (c) => `${c}  datadog:apiKey:\n    secure: v1:c2VjcmV0Y2lwaGVydGV4dA==\n`,
    }),
  );
  const out = path.join(root, 'dist');
  return { out, run: await synth(out, root) };
});

describe('the reference stack switches engines with one config value', () => {
  test('workflows: kubeflow replaces Argo Workflows by Kubeflow Pipelines and Trainer', async () => {
    // GIVEN the dev stack with only its workflows value changed WHEN synthesized
    const { out, run } = await variants();
    // THEN
    expect(run.status).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'ai-platform-kubeflow/plan.json'), 'utf8'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const charts = plan.resources.filter((r: any) => r.type === 'kubernetes:helm.sh/v3:Release').map((r: any) => r.inputs.chart);
    expect(charts).toContain('oci://ghcr.io/kubeflow/charts/kubeflow-trainer');
    expect(charts).not.toContain('argo-workflows');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const kustomize = plan.resources.filter((r: any) => r.type === 'kubernetes:kustomize/v2:Directory');
    const byName = Object.fromEntries(kustomize.map((r: { name: string }) => [r.name, r]));
    expect(byName['platform-kubeflow-pipelines-cluster'].inputs.directory).toBe(
      'github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=2.17.0',
    );
    // The env base applies once the cluster-scoped base (namespace, CRDs) is in.
    expect(byName['platform-kubeflow-pipelines'].dependsOn).toContain(
      'kubernetes:kustomize/v2:Directory::platform-kubeflow-pipelines-cluster',
    );
    const kinds = objectsIn(path.join(out, 'ai-platform-kubeflow/manifests')).map((o) => o.kind);
    expect(kinds).toContain('ClusterTrainingRuntime');
  });
});

describe('the reference stack hands its platform to Flux with one config value', () => {
  test('gitops: flux writes the Flux tree and leaves the charts out of pulumi up', async () => {
    // GIVEN the dev stack with gitops: flux WHEN synthesized
    const { out, run } = await variants();
    // THEN the cloud side is planned, the platform is not installed by Pulumi
    expect(run.status).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'ai-platform-flux/plan.json'), 'utf8'));
    expect(plan.counts['aws:eks/cluster:Cluster']).toBe(1);
    expect(plan.counts['kubernetes:helm.sh/v3:Release']).toBeUndefined();
    expect(plan.counts['kubernetes:yaml/v2:ConfigGroup']).toBeUndefined();
    // and the manifests are Flux's stages, at the path Flux finds them in this repository
    const dir = path.join(out, 'ai-platform-flux/manifests');
    expect(fs.readdirSync(dir).sort()).toEqual([
      'configuration',
      'custom-resources',
      'flux',
      'namespaces',
      'releases',
      'releases-wave-minus-1',
    ]);
    const stages = objectsIn(path.join(dir, 'flux')).filter((o) => o.kind === 'Kustomization');
    expect(stages.map((k) => k.spec.path)).toContain('./dist/ai-platform-flux/manifests/releases');
    expect(objectsIn(dir).filter((o) => o.kind === 'HelmRelease').length).toBe(6);
  });
});

describe('the reference stack as plain manifests', () => {
  // GIVEN the dev stack with gitops: rendered
  const rendered = synthCopy((c) => `${c}  ai-platform:gitops: rendered\n`);

  test('gitops: rendered is refused without --render, naming the flag, and nothing is written', async () => {
    // WHEN synthesized without rendering the charts
    const { root, out, run } = await rendered();
    // THEN
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /ai-platform-dev failed:\s+its platform is installed as rendered manifests.*run aiready synth --render/,
    );
    expect(fs.existsSync(path.join(out, 'ai-platform-dev'))).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

/** A team repository whose node_modules link this repository's @aiready/k8s and its cdk8s. */
function teamRepo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-team-'));
  fs.mkdirSync(path.join(root, 'node_modules/@aiready'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'packages/k8s'), path.join(root, 'node_modules/@aiready/k8s'));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'packages/k8s/node_modules/cdk8s')), path.join(root, 'node_modules/cdk8s'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

const TEAM_APP = [
  "const { App, Chart } = require('cdk8s');",
  "const { GpuNodePool } = require('@aiready/k8s');",
  'exports.buildApp = () => {',
  '  const app = new App();',
  "  new GpuNodePool(new Chart(app, 'gpu'), 'l4', { name: 'l4', instanceTypes: ['g6.xlarge'], clusterName: 'team' });",
  '  return app;',
  '};',
  '// Karpenter runs in the cluster already (the platform team installed it).',
  'exports.prerequisites = [',
  "  { kind: 'CustomResourceDefinition', name: 'karpenter.sh/NodePool', reason: 'Karpenter runs in the cluster' },",
  "  { kind: 'CustomResourceDefinition', name: 'karpenter.k8s.aws/EC2NodeClass', reason: 'Karpenter runs in the cluster' },",
  '];',
  'if (require.main === module) exports.buildApp().synth();',
  '',
].join('\n');

describe('aiready synth in a team repository layout', () => {
  const layouts: [string, Record<string, string>, string[]][] = [
    ['--app lib/main.js', {}, ['--app', 'lib/main.js']],
    ['cdk8s.yaml running node in-process', { 'cdk8s.yaml': 'app: node lib/main.js\n' }, []],
    [
      'cdk8s.yaml running another command',
      {
        'cdk8s.yaml': [
          'app: node ./lib/main.js --as-cdk8s',
          'prerequisites:',
          '  - { kind: CustomResourceDefinition, name: karpenter.sh/NodePool, reason: Karpenter runs in the cluster }',
          '  - { kind: CustomResourceDefinition, name: karpenter.k8s.aws/EC2NodeClass, reason: Karpenter runs in the cluster }',
          '',
        ].join('\n'),
      },
      [],
    ],
  ];
  // GIVEN a team repository with a compiled cdk8s app
  const teamRuns = new Map(
    layouts.map(([what, extra, args]) => [
      what,
      started(async () => {
        const root = teamRepo({ 'lib/main.js': TEAM_APP, ...extra });
        return { root, run: await cli(['synth', '--out', 'review', ...args], root) };
      }),
    ]),
  );

  it.each(layouts)('synthesizes a team cdk8s app given by %s into app/', async (what) => {
    // WHEN synthesized
    const { root, run } = await teamRuns.get(what)!();
    // THEN the app's NodePool and EC2NodeClass are written and validated
    expect(run.stderr).toMatch(/aiready synth: app done in \d+\.\d s \(2 objects\)/);
    expect(run.status).toBe(0);
    expect(files(path.join(root, 'review'))).toEqual([
      'app/SUMMARY.md',
      'app/manifests/gpu-node-pool/ec2nodeclass.yaml',
      'app/manifests/gpu-node-pool/nodepool.yaml',
    ]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  // GIVEN the dev stack moved to infra/gpu-cluster
  const moved = started(async () => {
    const root = stackCopy((c) => c);
    const to = path.join(root, 'infra/gpu-cluster');
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(path.join(root, 'stacks/ai-platform'), to);
    return { root, run: await cli(['synth', '--out', 'out', '--stack-dir', 'infra/gpu-cluster'], root) };
  });

  test('--stack-dir synthesizes the Pulumi project it names, wherever it lives', async () => {
    // WHEN synthesized with --stack-dir
    const { root, run } = await moved();
    // THEN its target is written
    expect(run.stderr).toMatch(/aiready synth: ai-platform-dev done in/);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(root, 'out'))).toEqual(['ai-platform-dev']);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('aiready synth and secrets', () => {
  test('a secure: value is replaced by a marked placeholder, said in the summary, never decrypted or written', async () => {
    // GIVEN the dev stack with an encrypted config value WHEN synthesized offline
    const { out, run } = await variants();
    // THEN synth succeeds, says which key was replaced, and the ciphertext appears nowhere
    expect(run.stderr).toMatch(/datadog:apiKey: a secret \(secure:\) in Pulumi.secret.yaml: offline synth used the placeholder/);
    expect(run.status).toBe(0);
    const summary = fs.readFileSync(path.join(out, 'ai-platform-secret/SUMMARY.md'), 'utf8');
    expect(summary).toContain('datadog:apiKey');
    for (const f of files(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain('c2VjcmV0Y2lwaGVydGV4dA');
  });
});

describe('aiready synth with bad input', () => {
  // GIVEN a copy of the ai-platform stack whose config has a misspelled instance type
  const misspelled = synthCopy((c) => c.replace('g6e.xlarge', 'g6e.xlarg'));

  test('fails with the field, the value and the fix, and writes nothing', async () => {
    // WHEN
    const { root, out, run } = await misspelled();
    // THEN
    expect(run.status).toBe(1);
    // the config key, where it is in the stack file, the value and the fix
    expect(run.stderr).toMatch(/ai-platform:pools\[1\]\.instanceTypes\[0\] \(Pulumi\.dev\.yaml:\d+:\d+\) = "g6e\.xlarg"/);
    expect(run.stderr).toContain('did you mean g6e.xlarge');
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });

  // GIVEN a stack whose index.ts is newer than its lib/index.js
  const stale = started(async () => {
    const root = stackCopy((c) => c);
    fs.copyFileSync(path.join(ROOT, 'stacks/ai-platform/index.ts'), path.join(root, 'stacks/ai-platform/index.ts'));
    const later = Date.now() / 1000 + 60;
    fs.utimesSync(path.join(root, 'stacks/ai-platform/index.ts'), later, later);
    const out = path.join(root, 'dist');
    return { root, out, run: await synth(out, root) };
  });

  test('refuses a stack whose TypeScript changed after it was built, with the command to run', async () => {
    // WHEN synthesized THEN it refuses and writes nothing
    const { root, out, run } = await stale();
    expect(run.stderr).toMatch(/index.ts changed after lib\/index.js was built: rebuild \(npx tsc -b\) and synth again/);
    expect(run.status).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const bogus = started(() => cli(['synth', '--bogus']));
  const help = started(() => cli(['help']));

  test('usage errors exit 2', async () => {
    expect((await bogus()).status).toBe(2);
    const helped = await help();
    expect([helped.status, helped.stdout]).toEqual([0, '']);
  });

  const usage: [string[], number, RegExp][] = [
    [['--help'], 0, /^usage: aiready synth/],
    [['synth', '--help'], 0, /^usage: aiready synth/],
    [['validate', '--help'], 0, /^usage: aiready validate/],
    [['--version'], 0, /^aiready \d+\.\d+\.\d+\n$/],
    [['deploy'], 2, /^aiready: unknown command 'deploy'/],
    [
      ['synth', '--only', 'nope'],
      1,
      /--only matches no target; the targets here are: ai-platform-dev, ai-platform-prod, examples\/airflow-gpu/,
    ],
  ];
  const usageRuns = new Map(usage.map(([args]) => [args, started(() => cli(args))]));
  it.each(usage)('aiready %j exits %i', async (args, code, expected) => {
    const r = await usageRuns.get(args)!();
    expect(r.stderr).toMatch(expected);
    expect(r.status).toBe(code);
  });
});
