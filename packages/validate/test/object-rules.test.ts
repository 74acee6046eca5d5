import { nameProblem } from '../src';
import { metadataProblems } from '../src/object-rules';
import { deployment } from './fixtures';

describe('nameProblem', () => {
  it.each([
    ['a.b-c', 'subdomain', true],
    ['A', 'subdomain', false],
    ['x'.repeat(254), 'subdomain', false],
    ['team-a', 'label', true],
    ['team.a', 'label', false],
    ['1svc', 'dns1035', false],
    ['svc-1', 'dns1035', true],
    ['system:aggregate-to-edit', 'path-segment', true],
    ['a/b', 'path-segment', false],
    ['..', 'path-segment', false],
  ] as const)('%s is %s: %s', (name, rule, ok) => {
    expect(nameProblem(name, rule) === undefined).toBe(ok);
  });
});

describe('metadataProblems', () => {
  const meta = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ metadata, ...extra });
  it.each([
    ['no name', 'ConfigMap', 'Namespaced', meta({}), 'metadata.name: Required value: name or generateName is required'],
    [
      'an upper-case name',
      'ConfigMap',
      'Namespaced',
      meta({ name: 'Web' }),
      /metadata.name: Invalid value: "Web": must be a DNS-1123 subdomain/,
    ],
    ['a dotted namespace name', 'Namespace', 'Cluster', meta({ name: 'team.a' }), /DNS-1123 label/],
    ['a service name starting with a digit', 'Service', 'Namespaced', meta({ name: '1web' }), /DNS-1035 label/],
    [
      'a namespace on a cluster-scoped kind',
      'NodePool',
      'Cluster',
      meta({ name: 'p', namespace: 'x' }),
      'metadata.namespace: not allowed: NodePool is cluster-scoped; remove the namespace',
    ],
    [
      'a bad namespace',
      'ConfigMap',
      'Namespaced',
      meta({ name: 'c', namespace: 'Team_A' }),
      /metadata.namespace: Invalid value: "Team_A"/,
    ],
    [
      'a bad label key',
      'ConfigMap',
      'Namespaced',
      meta({ name: 'c', labels: { 'a/b/c': 'x' } }),
      /Invalid key: "a\/b\/c": prefix must be a DNS-1123 subdomain/,
    ],
    ['a bad label value', 'ConfigMap', 'Namespaced', meta({ name: 'c', labels: { a: 'x y' } }), /Invalid value: "x y" for a/],
    ['a bad annotation key', 'ConfigMap', 'Namespaced', meta({ name: 'c', annotations: { '-a': 'x' } }), /Invalid key: "-a"/],
    [
      'too large annotations',
      'ConfigMap',
      'Namespaced',
      meta({ name: 'c', annotations: { a: 'x'.repeat(300 * 1024) } }),
      /at most 256 KiB/,
    ],
    [
      'a CRD named unlike its plural and group',
      'CustomResourceDefinition',
      'Cluster',
      meta({ name: 'widgets' }, { spec: { group: 'example.dev', names: { plural: 'widgets' } } }),
      /must be spec.names.plural\+"."\+spec.group \(widgets.example.dev\)/,
    ],
    [
      'an APIService named unlike its version and group',
      'APIService',
      'Cluster',
      meta({ name: 'x' }, { spec: { group: 'metrics.k8s.io', version: 'v1beta1' } }),
      /v1beta1.metrics.k8s.io/,
    ],
    [
      'a Job pod template without a restart policy',
      'Job',
      'Namespaced',
      meta({ name: 'j' }, { spec: { template: { spec: {} } } }),
      'spec.template.spec.restartPolicy: Required value: must be one of OnFailure, Never',
    ],
    [
      'a Deployment pod template that never restarts',
      'Deployment',
      'Namespaced',
      meta({ name: 'd' }, { spec: { template: { spec: { restartPolicy: 'Never' } } } }),
      /Unsupported value: "Never": supported values: Always/,
    ],
    [
      'a CronJob without a restart policy',
      'CronJob',
      'Namespaced',
      meta({ name: 'c' }, { spec: { jobTemplate: { spec: { template: { spec: {} } } } } }),
      /jobTemplate.spec.template.spec.restartPolicy: Required value/,
    ],
  ])('throws when given %s', (_what, kind, scope, object, expected) => {
    // GIVEN an object breaking one API server rule WHEN checked THEN that one problem is reported
    const problems = metadataProblems(kind, scope as 'Namespaced' | 'Cluster', object).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([typeof expected === 'string' ? expected : expect.stringMatching(expected)]);
  });

  test('accepts a well-formed Deployment with generated-name style labels', () => {
    expect(metadataProblems('Deployment', 'Namespaced', deployment())).toEqual([]);
    expect(metadataProblems('ConfigMap', 'Namespaced', meta({ generateName: 'c-' }))).toEqual([]);
  });
});
