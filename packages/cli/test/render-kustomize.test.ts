import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { localizeBase, parseRemote, renderKustomization } from '../src/render-kustomize';
import { bundledKubectlForTests, withBinaries } from './fixtures';

/**
 * A local kustomize cache like ../shared/kustomize: a pinned base whose kustomization names a remote
 * base of another repository, and that repository's copy.
 */
function fixtureCache(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-kcache-'));
  const write = (file: string, doc: unknown) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), YAML.stringify(doc));
  };
  write('kubeflow-pipelines@2.17.0/manifests/base/kustomization.yaml', {
    namespace: 'kubeflow',
    resources: ['namespace.yaml', 'https://github.com/argoproj/argo-workflows/manifests/base/controller?ref=v4.0.5&timeout=60s'],
  });
  write('kubeflow-pipelines@2.17.0/manifests/base/namespace.yaml', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'kubeflow', labels: { upstream: 'kept' } },
  });
  write('argo-workflows@v4.0.5/manifests/base/controller/kustomization.yaml', { resources: ['cm.yaml'] });
  write('argo-workflows@v4.0.5/manifests/base/controller/cm.yaml', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'workflow-controller-configmap' },
  });
  return root;
}

const kfp = {
  name: 'kubeflow-pipelines-cluster',
  url: 'github.com/kubeflow/pipelines/manifests/base?ref=2.17.0',
  namespace: 'kubeflow',
  wave: -2,
  namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' },
};

describe('parseRemote', () => {
  it.each([
    [
      'github.com/kubeflow/pipelines/manifests/kustomize/env?ref=2.17.0',
      { org: 'kubeflow', repo: 'pipelines', path: 'manifests/kustomize/env', ref: '2.17.0' },
    ],
    [
      'https://github.com/argoproj/argo-workflows/manifests/base?ref=v4.0.5&timeout=60s',
      { org: 'argoproj', repo: 'argo-workflows', path: 'manifests/base', ref: 'v4.0.5' },
    ],
    ['../local/base', undefined],
  ])('%s', (url, expected) => {
    expect(parseRemote(url)).toEqual(expected);
  });
});

describe('localizeBase', () => {
  it('copies the base and the remote bases it names, pointing each reference at its local copy', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-kwork-'));
    const base = localizeBase(fixtureCache(), kfp.url, work);
    expect(base).toBe(path.join(work, 'kubeflow-pipelines@2.17.0/manifests/base'));
    expect(YAML.parse(fs.readFileSync(path.join(base, 'kustomization.yaml'), 'utf8')).resources).toEqual([
      'namespace.yaml',
      '../../../argo-workflows@v4.0.5/manifests/base/controller',
    ]);
  });

  it('throws when a base is not in the cache, naming what to fetch', () => {
    expect(() => localizeBase(fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-empty-')), kfp.url, os.tmpdir())).toThrow(
      /kustomize base github\.com\/kubeflow\/pipelines@2\.17\.0 is not in .* \(looked for pipelines@2\.17\.0, kubeflow-pipelines@2\.17\.0\)\. Fix: run `aiready charts pull`/,
    );
  });
});

describe('renderKustomization', () => {
  withBinaries('renders the pinned base offline with the namespace labels patched in, as it is installed', async () => {
    const objs = await renderKustomization(kfp, fixtureCache(), bundledKubectlForTests());
    expect(objs.map((o) => `${o.kind}/${o.metadata!.namespace ?? ''}/${o.metadata!.name}`)).toEqual([
      'Namespace//kubeflow',
      'ConfigMap/kubeflow/workflow-controller-configmap',
    ]);
    expect(objs[0].metadata!.labels).toEqual({ upstream: 'kept', 'pod-security.kubernetes.io/enforce': 'baseline' });
  });

  it('says so when kubectl is missing', async () => {
    await expect(renderKustomization(kfp, fixtureCache(), '/nonexistent/kubectl')).rejects.toThrow(
      'kubectl not found at /nonexistent/kubectl',
    );
  });
});
