// End to end: `aiready synth --render` over the repository's stacks and examples with the real pinned
// charts (../shared/charts) and kustomize bases (../shared/kustomize), as CI runs it. The synth is the one
// this jest run shares (test/support/reference-synth.ts): every release rendered from scratch, into a render
// cache of this run alone.
import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { validateObjects } from '@aiready/validate';
import { CliRun, runCli } from '../support/cli-run';
import { CAN_RENDER, ReferenceSynth, referenceSynth, renderFlags, SHARED } from '../support/reference-synth';
import { files } from '../support/repo-files';
import { tempDir } from '../support/temp-files';

const ROOT = path.resolve(__dirname, '../..');
if (!CAN_RENDER)
  process.stderr.write(`SKIPPED: render end to end, needs ${SHARED}/charts and linux/amd64 for the bundled helm\n`);
const withCharts = CAN_RENDER ? test : test.skip;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parsed = new Map<string, any[]>();
/**
 * The objects under `dir`. Each file's text is parsed once: most rendered files are the same in several
 * targets (the CRDs of kube-prometheus-stack, 4.5 MB, in every one), and parsing them is most of this
 * file's own time (js-yaml, YAML 1.2's core schema: about 5 times faster than the `yaml` package here).
 * Callers only read the objects.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function objects(dir: string): any[] {
  return files(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      if (!parsed.has(text))
        parsed.set(
          text,
          jsyaml.loadAll(text, null, { schema: jsyaml.CORE_SCHEMA }).filter((o) => o !== null),
        );
      return parsed.get(text)!;
    });
}

const TARGETS = [
  'ai-platform-dev',
  'ai-platform-prod',
  'examples/gpu-inference',
  'examples/kserve-inference',
  'examples/mixed-gpu-cluster',
  'examples/ml-teams',
];

describe('aiready synth --render', () => {
  // The tree the tests read; the shared synth that wrote it, and its render cache.
  let a = '';
  let reference: ReferenceSynth;
  // A target with Helm releases and a kustomize base, synthesized again with that cache (warm), into b.
  const AGAIN = 'examples/ml-teams';
  const b = tempDir('aiready-rendered');
  let warm: Promise<CliRun>;

  beforeAll(async () => {
    if (!CAN_RENDER) return;
    reference = await referenceSynth();
    a = reference.dir;
    // The warm synth runs while the tests below read the first tree.
    warm = runCli(['synth', '--out', b, '--only', AGAIN, ...renderFlags(reference.cacheDir)], ROOT);
  }, 600_000);

  withCharts('renders every release and kustomize base of every target', () => {
    for (const target of TARGETS) {
      const summary = fs.readFileSync(path.join(a, target, 'SUMMARY.md'), 'utf8');
      const section = summary.slice(summary.indexOf('## Components and versions'), summary.indexOf('## Diagram'));
      const names = [...section.matchAll(/^\| ([a-z0-9-]+) \| (?:[a-z0-9-]+ \| v?\d|github\.com)/gm)].map((m) => m[1]).sort();
      expect([target, fs.readdirSync(path.join(a, target, 'rendered')).sort()]).toEqual([target, names]);
    }
    expect(fs.readdirSync(path.join(a, 'examples/ml-teams/rendered'))).toContain('kubeflow-pipelines');
  });

  withCharts("Karpenter's CRDs are applied once, by the karpenter-crd release (issue 13.11)", () => {
    for (const target of TARGETS) {
      const rendered = path.join(a, target, 'rendered');
      if (!fs.existsSync(path.join(rendered, 'karpenter'))) continue;
      expect(fs.readdirSync(path.join(rendered, 'karpenter'))).not.toContain('customresourcedefinition.yaml');
      const crds = objects(rendered)
        .filter((o) => o.kind === 'CustomResourceDefinition' && /karpenter\.(sh|k8s\.aws)$/.test(o.spec.group))
        .map((o) => o.metadata.name)
        .sort();
      expect([target, crds]).toEqual([
        target,
        ['ec2nodeclasses.karpenter.k8s.aws', 'nodeclaims.karpenter.sh', 'nodeoverlays.karpenter.sh', 'nodepools.karpenter.sh'],
      ]);
    }
  });

  withCharts('no Secret value reaches the review tree (an empty one, filled in by its controller, stays empty)', () => {
    let redacted = 0;
    for (const target of TARGETS) {
      for (const s of objects(path.join(a, target, 'rendered')).filter((o) => o.kind === 'Secret')) {
        const values = [
          ...Object.values<string>(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString()),
          ...Object.values<string>(s.stringData ?? {}),
        ];
        for (const v of values) expect(v).toMatch(/^(\[redacted by aiready\] sha256:[0-9a-f]{12})?$/);
        redacted += values.filter(Boolean).length;
      }
    }
    expect(redacted).toBeGreaterThan(0);
  });

  withCharts('rendered PrometheusRules validate against the bundled upstream CRD (kube-validate cannot compile it)', () => {
    // Each target is its own cluster.
    let checked = 0;
    for (const target of TARGETS) {
      const rules = objects(path.join(a, target, 'rendered')).filter((o) => o.kind === 'PrometheusRule');
      const report = validateObjects(rules.map((object) => ({ object })));
      expect([target, report.checked, report.problems]).toEqual([target, rules.length, []]);
      checked += report.checked;
    }
    expect(checked).toBeGreaterThan(10);
  });

  // Issue 13: the reference stacks, deployed as they stand, with the real charts and aiready's values.
  const STACKS = ['ai-platform-dev', 'ai-platform-prod'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const plan = (target: string): { resources: { type: string; name: string; inputs: any }[] } =>
    JSON.parse(fs.readFileSync(path.join(a, target, 'plan.json'), 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const podSpecs = (o: any): any[] =>
    [o.spec?.template?.spec, o.spec?.jobTemplate?.spec?.template?.spec].filter((x) => x !== undefined);

  withCharts("Grafana's admin Secret is created by the stack or listed as a prerequisite (issue 13.4)", () => {
    for (const target of STACKS) {
      // GIVEN the Secrets the rendered kube-prometheus-stack pods read
      const kps = objects(path.join(a, target, 'rendered/kube-prometheus-stack'));
      const names = new Set(
        kps.flatMap(podSpecs).flatMap((spec) =>
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          [...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((c: any) =>
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name).filter(Boolean),
          ),
        ),
      );
      expect([target, names.has('grafana-admin')]).toEqual([target, true]);
      // THEN the stack creates it (prod: from the secret config), or SUMMARY tells the user to create it
      const created = plan(target).resources.some((r) => r.type === 'kubernetes:core/v1:Secret' && /grafana-admin$/.test(r.name));
      const listed = fs.readFileSync(path.join(a, target, 'SUMMARY.md'), 'utf8').includes('| monitoring/grafana-admin |');
      expect([target, created || listed]).toEqual([target, true]);
    }
  });

  withCharts('NetworkPolicies are enforced, and team pods still reach DNS, Pod Identity and the API (issue 13.6)', () => {
    for (const target of STACKS) {
      const policies = objects(path.join(a, target, 'manifests')).filter((o) => o.kind === 'NetworkPolicy');
      if (!policies.length) continue;
      // GIVEN a target that writes NetworkPolicies: the VPC CNI enforces them
      const cni = plan(target).resources.find((r) => r.type === 'aws:eks/addon:Addon' && r.inputs.addonName === 'vpc-cni');
      expect([target, JSON.parse(cni!.inputs.configurationValues ?? '{}').enableNetworkPolicy]).toEqual([target, 'true']);
      // THEN every namespace with a default deny allows DNS to kube-dns, Pod Identity's agent and HTTPS egress
      const denied = policies.filter((p) => p.metadata.name === 'default-deny').map((p) => p.metadata.namespace);
      expect(denied.length).toBeGreaterThan(0);
      for (const ns of denied) {
        const egress = policies
          .filter((p) => p.metadata.namespace === ns)
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          .flatMap((p) => (p.spec.egress ?? []) as any[]);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const allows = (port: number, to?: (peer: any) => boolean) =>
          egress.some(
            (rule) =>
              // eslint-disable-next-line @typescript-eslint/no-explicit-any
              (rule.ports ?? []).some((p: any) => p.port === port) && (!to || (rule.to ?? []).some(to)),
          );
        expect([target, ns, 'dns', allows(53, (peer) => peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')]).toEqual([
          target,
          ns,
          'dns',
          true,
        ]);
        expect([target, ns, 'pod identity', allows(80, (peer) => peer.ipBlock?.cidr === '169.254.170.23/32')]).toEqual([
          target,
          ns,
          'pod identity',
          true,
        ]);
        expect([target, ns, 'api server', allows(443)]).toEqual([target, ns, 'api server', true]);
      }
    }
  });

  withCharts("Argo's executor and the Trainer runtimes run under Pod Security restricted (issue 13.7)", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const restricted = (sc: any) =>
      sc?.allowPrivilegeEscalation === false &&
      sc?.runAsNonRoot === true &&
      JSON.stringify(sc?.capabilities?.drop) === '["ALL"]' &&
      sc?.seccompProfile?.type === 'RuntimeDefault';
    for (const target of STACKS) {
      // GIVEN the workflow controller's configuration as the chart renders it
      const cm = objects(path.join(a, target, 'rendered/argo-workflows')).find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('workflow-controller-configmap'),
      );
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const config = jsyaml.load(cm.data.config, { schema: jsyaml.CORE_SCHEMA }) as any;
      // THEN the executor's init and wait containers, and the main containers' defaults, are restricted
      expect([target, restricted(config.executor?.securityContext), restricted(config.mainContainer?.securityContext)]).toEqual([
        target,
        true,
        true,
      ]);
      // AND every container of every Trainer runtime aiready writes is restricted
      for (const rt of objects(path.join(a, target, 'manifests')).filter((o) => o.kind === 'ClusterTrainingRuntime')) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        for (const job of rt.spec.template.spec.replicatedJobs as any[]) {
          const spec = job.template.spec.template.spec;
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          for (const c of [...(spec.initContainers ?? []), ...spec.containers] as any[])
            expect([rt.metadata.name, c.name, restricted({ ...spec.securityContext, ...c.securityContext })]).toEqual([
              rt.metadata.name,
              c.name,
              true,
            ]);
        }
      }
    }
  });

  // Last: the warm run synthesizes while the tests above run.
  withCharts(
    'is deterministic, and a warm cache renders nothing again',
    async () => {
      // GIVEN the render cache the shared synth filled: it rendered every release of AGAIN from scratch
      expect(reference.log).toMatch(new RegExp(`/${AGAIN} \\(.* of (\\d+) releases, \\1 rendered now, 0 from cache\\)`));
      // WHEN AGAIN is synthesized again with it
      const run = await warm;
      if (run.status !== 0) throw new Error(`synth --render failed:\n${run.stderr}`);
      // THEN it renders nothing, and writes the same bytes
      expect(run.stderr).not.toMatch(/ [1-9]\d* rendered now/);
      expect(run.stderr).toMatch(/ 0 rendered now/);
      const fa = files(path.join(a, AGAIN));
      expect(files(path.join(b, AGAIN))).toEqual(fa);
      for (const f of fa)
        expect(fs.readFileSync(path.join(b, AGAIN, f)).equals(fs.readFileSync(path.join(a, AGAIN, f)))).toBe(true);
    },
    600_000,
  );
});
