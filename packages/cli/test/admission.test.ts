import { AireadyValidationError } from '@aiready/core';
import {
  acknowledgedLines,
  admitTarget,
  appliedByOf,
  declaredPrerequisites,
  renderedReleases,
  scriptedReleases,
} from '../src/admission';
import { KNOWN_DEFECTS } from '../src/known-defects';

const ns = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
});
const privileged = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team' },
  spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
};

describe('offline admission in synth', () => {
  test('appliedByOf maps every object to the ConfigGroup that applies it', () => {
    const recorded = [
      {
        type: 'kubernetes:yaml/v2:ConfigGroup',
        name: 'platform-objects',
        custom: false,
        inputs: { objs: [ns('team')] },
        dependsOn: [],
      },
      { type: 'aws:eks/cluster:Cluster', name: 'c', custom: true, inputs: {}, dependsOn: [] },
    ];
    expect(appliedByOf(recorded)).toEqual({ '/Namespace//team': 'kubernetes:yaml/v2:ConfigGroup::platform-objects' });
  });

  test('rendered files become one rendered release each, whatever the layout', () => {
    const files = new Map([
      ['manifests/team/namespace.yaml', 'kind: Namespace\n'],
      [
        'rendered/kueue/deployment.yaml',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n',
      ],
      ['rendered/kueue/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: c}\n'],
      ['rendered/kubeflow-pipelines.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n'],
    ]);
    expect(renderedReleases(files).map((r) => [r.release, r.objects.map((o) => o.metadata?.name)])).toEqual([
      ['kubeflow-pipelines', ['d']],
      ['kueue', ['a', 'b', 'c']],
    ]);
  });

  test.each([
    ['not a list', { kind: 'Secret' }],
    ['an entry without a reason', [{ kind: 'Secret', name: 'x' }]],
  ])('throws when declared prerequisites are %s', (_, value) => {
    expect(() => declaredPrerequisites(value, 'examples/x/main.ts')).toThrow(
      'examples/x/main.ts: prerequisites must be a list of { kind, name, namespace?, reason }',
    );
  });

  test('throws when a target has a problem, naming the target and the rule', () => {
    let error: unknown;
    try {
      admitTarget('examples/broken', { objects: [ns('team'), privileged], prerequisites: [] }, new Map());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AireadyValidationError);
    expect((error as Error).message).toContain('examples/broken: offline admission');
    expect((error as Error).message).toContain('privileged (container "c" must not set securityContext.privileged=true)');
  });

  test('checks rendered objects too', () => {
    const files = new Map([
      [
        'rendered/agent/pod.yaml',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: team}\nspec: {hostNetwork: true, containers: [{name: c, image: x}]}\n',
      ],
    ]);
    expect(() => admitTarget('t', { objects: [ns('team')], prerequisites: [] }, files)).toThrow(
      'host namespaces (hostNetwork=true)',
    );
  });

  test('every known defect says which issue will fix it', () => {
    for (const list of Object.values(KNOWN_DEFECTS))
      for (const a of list) expect(a.reason).toMatch(/^KNOWN\(issue (13|21)\) item \d+: /);
  });

  test('acknowledged problems are listed with their reason', () => {
    const report = {
      problems: [],
      warnings: [],
      staleAcknowledgements: [],
      prerequisites: [],
      acknowledged: [
        {
          reason: 'KNOWN(issue 13) item 4: x',
          problem: { check: 'references' as const, object: 'o', field: 'f', path: 'o f', value: 1, problem: 'p', fix: 'x' },
        },
      ],
    };
    expect(acknowledgedLines(report)).toEqual(['KNOWN(issue 13) item 4: x: o f: p']);
  });
});

describe('scriptedReleases', () => {
  test("install.sh's releases and kustomize bases, as admission reads releases from a plan", () => {
    // GIVEN a rendered release and a kustomize base of a rendered-manifests target; WHEN
    const releases = scriptedReleases(
      [
        {
          releaseName: 'kueue',
          chart: 'kueue',
          version: '0.19.2',
          namespace: 'kueue-system',
          values: { a: 1 },
          skipCrds: false,
          wave: -1,
        },
      ],
      [
        {
          name: 'kubeflow-pipelines',
          url: 'github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=2.17.0',
          namespace: 'kubeflow',
          wave: 0,
        },
      ],
    );
    // THEN the base's path is the one the kustomize facts are keyed by
    expect(releases.map((r) => [r.name, r.type, r.path ?? r.chart, r.wave, r.installer])).toEqual([
      ['kueue', 'helm', 'kueue', -1, 'install.sh release kueue'],
      [
        'kubeflow-pipelines',
        'kustomize',
        'manifests/kustomize/env/platform-agnostic',
        0,
        'install.sh kustomization kubeflow-pipelines',
      ],
    ]);
  });
});
