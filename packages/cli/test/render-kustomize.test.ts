import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { renderKustomization } from '../src/render-kustomize';

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const kubectl = hasKubectl();
if (!kubectl) process.stderr.write('SKIPPED: render-kustomize tests need kubectl on the PATH, and it is not there\n');
const withKubectl = kubectl ? test : test.skip;

/** A local stand-in for a remote base: the namespace it creates and one object in it. */
function fixtureBase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-base-'));
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), YAML.stringify({ resources: ['namespace.yaml', 'configmap.yaml'] }));
  fs.writeFileSync(
    path.join(dir, 'namespace.yaml'),
    YAML.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow', labels: { upstream: 'kept' } } }),
  );
  fs.writeFileSync(
    path.join(dir, 'configmap.yaml'),
    YAML.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kubeflow' }, data: { a: 'b' } }),
  );
  return dir;
}

describe('renderKustomization', () => {
  withKubectl('renders the base with the namespace labels patched in, as Argo CD applies it', () => {
    const base = fixtureBase();
    const out = renderKustomization({
      name: 'kubeflow-pipelines-cluster',
      // Kustomize takes local bases only as relative paths; the overlay is a sibling folder in the temp dir.
      url: `../${path.basename(base)}`,
      namespace: 'kubeflow',
      wave: -2,
      namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' },
    });
    const objs = YAML.parseAllDocuments(out).map((d) => d.toJS());
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/kubeflow', 'ConfigMap/c']);
    expect(objs[0].metadata.labels).toEqual({ upstream: 'kept', 'pod-security.kubernetes.io/enforce': 'baseline' });
    fs.rmSync(base, { recursive: true, force: true });
  });

  withKubectl("says what failed, with kubectl's message, when the base cannot be rendered", () => {
    expect(() => renderKustomization({ name: 'x', url: '/nonexistent/aiready-base', namespace: 'kubeflow', wave: -1 })).toThrow(
      /kubectl kustomize \/nonexistent\/aiready-base failed \(it fetches the pinned git tag, so it needs the network\):\n.+/,
    );
  });

  test('says so when kubectl is missing', () => {
    expect(() =>
      renderKustomization({ name: 'x', url: '/tmp', namespace: 'kubeflow', wave: -1 }, 'aiready-no-such-kubectl'),
    ).toThrow('--render-kustomize needs aiready-no-such-kubectl on the PATH');
  });
});
