import { installScript } from '../src/install-script';
import { redactSecret, renderedContent } from '../src/rendered-objects';

const doc = (kind: string, name: string, namespace?: string, extra: object = {}) => ({
  apiVersion: kind === 'CustomResourceDefinition' ? 'apiextensions.k8s.io/v1' : kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...extra,
});

describe('installScript', () => {
  // GIVEN a target: own namespaces (-10) and config (-5) and a NodePool (1); a CRD release (-1); a
  // controller release (0) with a Deployment, an empty webhook certificate Secret and a Secret with a value
  const files = new Map<string, string>([
    ['manifests/namespaces/gpu/namespace.yaml', renderedContent([doc('Namespace', 'gpu')])],
    ['manifests/configuration/gpu/configmap.yaml', renderedContent([doc('ConfigMap', 'cfg', 'gpu')])],
    ['manifests/custom-resources/pool/nodepool.yaml', renderedContent([doc('NodePool', 'p')])],
    ['rendered/ctl-crd/customresourcedefinition.yaml', renderedContent([doc('CustomResourceDefinition', 'ws.x.io')])],
    ['rendered/ctl/deployment.yaml', renderedContent([doc('Deployment', 'ctl', 'gpu')])],
    ['rendered/ctl/secret.yaml', renderedContent([redactSecret(doc('Secret', 'ctl-cert', 'gpu', { data: { 'tls.crt': '' } }))])],
    [
      'rendered/ctl-db/secret.yaml',
      renderedContent([redactSecret(doc('Secret', 'db', 'gpu', { stringData: { password: 'pw' } }))]),
    ],
    ['SUMMARY.md', '# x\n'],
  ]);
  const input = {
    id: 'examples/x',
    stages: [
      { wave: -10, folder: 'namespaces' },
      { wave: -5, folder: 'configuration' },
      { wave: 1, folder: 'custom-resources' },
    ],
    sources: [
      { name: 'ctl', wave: 0 },
      { name: 'ctl-crd', wave: -1 },
      { name: 'ctl-db', wave: 0 },
    ],
    files,
  };
  // WHEN
  const { script, withheld } = installScript(input);
  const lines = script.split('\n');
  const at = (needle: string) => lines.findIndex((l) => l.includes(needle));

  test('applies wave after wave: namespaces, configuration, CRDs (established), releases (available), custom resources', () => {
    const order = [
      "manifests/namespaces/gpu/namespace.yaml'",
      "manifests/configuration/gpu/configmap.yaml'",
      "-f 'rendered/ctl-crd/customresourcedefinition.yaml'",
      'kubectl wait --for=condition=Established',
      "-f 'rendered/ctl/deployment.yaml'",
      "rollout status 'deployment/ctl'",
      "manifests/custom-resources/pool/nodepool.yaml'",
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines[at("rollout status 'deployment/ctl'")]).toBe("kubectl -n 'gpu' rollout status 'deployment/ctl' --timeout=10m");
    expect(lines.filter((l) => l.startsWith('apply ')).every((l) => / -f '/.test(l))).toBe(true);
    expect(script).toContain('kubectl apply --server-side --force-conflicts --field-manager=aiready');
  });

  test('a rendered Secret with values is never applied: it is a prerequisite, named with the release', () => {
    expect(script).not.toContain('rendered/ctl-db/secret.yaml');
    expect(withheld).toEqual([
      {
        kind: 'Secret',
        name: 'db',
        namespace: 'gpu',
        reason: expect.stringMatching(/^rendered by ctl-db with values aiready never writes to disk; install.sh does not apply/),
      },
    ]);
  });

  test('an empty webhook certificate Secret is applied (its controller fills it in)', () => {
    expect(script).toContain("-f 'rendered/ctl/secret.yaml'");
  });

  test('is deterministic, whatever the order of sources and files', () => {
    const again = installScript({ ...input, sources: [...input.sources].reverse(), files: new Map([...files].reverse()) });
    expect(again.script).toBe(script);
  });
});
