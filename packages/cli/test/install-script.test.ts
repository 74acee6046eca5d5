import type { KubeObject } from '@aiready/k8s';
import * as YAML from 'yaml';
import { installScript } from '../src/install-script';
import { redactSecret } from '../src/rendered-objects';

const obj = (kind: string, name: string, namespace?: string, extra: object = {}, hook?: string): KubeObject => ({
  apiVersion:
    kind === 'CustomResourceDefinition'
      ? 'apiextensions.k8s.io/v1'
      : kind === 'Deployment'
        ? 'apps/v1'
        : kind === 'Job'
          ? 'batch/v1'
          : 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(hook ? { annotations: { 'helm.sh/hook': hook } } : {}) },
  ...extra,
});

describe('installScript', () => {
  // GIVEN own namespaces (-10), config (-5) and a NodePool (1); a CRD release (-1); a controller release
  // (0) with a Deployment, hooks of every phase, an empty webhook certificate Secret and a Secret with a value
  const input = {
    id: 'examples/x',
    stages: [
      { wave: -10, folder: 'namespaces' },
      { wave: -5, folder: 'configuration' },
      { wave: 1, folder: 'custom-resources' },
    ],
    ownFiles: [
      'manifests/namespaces/gpu/namespace.yaml',
      'manifests/configuration/gpu/configmap.yaml',
      'manifests/custom-resources/pool/nodepool.yaml',
    ],
    sources: [
      {
        name: 'ctl',
        wave: 0,
        objects: [
          obj('Deployment', 'ctl', 'gpu'),
          obj('Secret', 'ctl-cert', 'gpu', { data: { 'tls.crt': '' } }),
          redactSecret(obj('Secret', 'db', 'gpu', { stringData: { password: 'pw' } })),
          obj('ServiceAccount', 'hook-sa', 'gpu', {}, 'pre-install,pre-upgrade,post-install,post-upgrade'),
          obj('Job', 'crd-install', 'gpu', {}, 'pre-install,pre-upgrade'),
          obj('Job', 'admission-patch', 'gpu', {}, 'post-install,post-upgrade'),
          obj('Job', 'prune', 'gpu', {}, 'post-delete'),
          obj('Job', 'upgrade-crd', 'gpu', {}, 'pre-upgrade'),
        ],
      },
      { name: 'ctl-crd', wave: -1, objects: [obj('CustomResourceDefinition', 'ws.x.io')] },
    ],
  };
  // WHEN
  const { script, files, withheld, skippedHooks } = installScript(input);
  const lines = script.split('\n');
  const at = (needle: string) => lines.findIndex((l) => l.includes(needle));

  test('applies wave after wave: namespaces, configuration, CRDs (established), a release step by step, custom resources', () => {
    const order = [
      "'manifests/namespaces/gpu/namespace.yaml'",
      "'manifests/configuration/gpu/configmap.yaml'",
      "apply -f 'install/ctl-crd/01-crds.yaml'",
      "kubectl wait --for=condition=Established --timeout=5m -f 'install/ctl-crd/01-crds.yaml'",
      "apply -f 'install/ctl/10-pre-install.yaml'",
      "run_jobs 'install/ctl/11-pre-install-jobs.yaml'",
      "create_missing 'install/ctl/20-placeholders.yaml'",
      "apply -f 'install/ctl/21-objects.yaml'",
      "kubectl -n 'gpu' rollout status 'deployment/ctl' --timeout=10m",
      "run_jobs 'install/ctl/31-post-install-jobs.yaml'",
      "'manifests/custom-resources/pool/nodepool.yaml'",
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain('kubectl apply --server-side --force-conflicts --field-manager=aiready');
  });

  test('every object is written once, in the file of its step', () => {
    const names = (f: string) => YAML.parseAllDocuments(files.get(f)!).map((d) => d.toJS().metadata.name);
    expect([...files.keys()]).toEqual([
      'install/ctl-crd/01-crds.yaml',
      'install/ctl/10-pre-install.yaml',
      'install/ctl/11-pre-install-jobs.yaml',
      'install/ctl/20-placeholders.yaml',
      'install/ctl/21-objects.yaml',
      'install/ctl/31-post-install-jobs.yaml',
    ]);
    expect(names('install/ctl/10-pre-install.yaml')).toEqual(['hook-sa']);
    expect(names('install/ctl/20-placeholders.yaml')).toEqual(['ctl-cert']);
    expect(names('install/ctl/21-objects.yaml')).toEqual(['ctl']);
  });

  test('hooks of other phases than install are left out, and named in the script', () => {
    expect(skippedHooks).toEqual(['Job gpu/prune (post-delete) of ctl', 'Job gpu/upgrade-crd (pre-upgrade) of ctl']);
    expect(script).toContain('#   Job gpu/prune (post-delete) of ctl');
    expect([...files.values()].join('\n')).not.toMatch(/prune|upgrade-crd/);
  });

  test('a rendered Secret with values is never applied: it is a prerequisite, named with the release', () => {
    expect([...files.values()].join('\n')).not.toContain('name: db');
    expect(withheld).toEqual([
      {
        kind: 'Secret',
        name: 'db',
        namespace: 'gpu',
        reason: expect.stringMatching(/^rendered by ctl with values aiready never writes to disk; install.sh does not apply it/),
      },
    ]);
  });

  test('is deterministic, whatever the order of sources', () => {
    expect(installScript({ ...input, sources: [...input.sources].reverse() }).script).toBe(script);
  });
});
