// `aiready synth --render-kustomize`: renders the kustomize bases a target installs (Kubeflow
// Pipelines) with `kubectl kustomize`, the pinned remote target plus aiready's patches, so a reviewer
// sees every object they apply. Remote targets are git repositories: this needs the network and git,
// which is why it only runs when asked.
import { kustomizationOverlay, PlatformSummary } from '@aiready/k8s';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

type Kustomization = PlatformSummary['kustomizations'][number];

/** Renders one kustomization with `kubectl kustomize`; throws with kubectl's message when it fails. */
export function renderKustomization(k: Kustomization, kubectl = 'kubectl'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-kustomize-'));
  try {
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), YAML.stringify(kustomizationOverlay(k)));
    return execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: 'pipe' });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new Error(`--render-kustomize needs ${kubectl} on the PATH, and it is not there`);
    throw new Error(
      `kubectl kustomize ${k.url} failed (it fetches the pinned git tag, so it needs the network):\n${e.stderr ?? e.message}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `rendered/<name>.yaml` for every kustomization of a target. */
export function renderedFiles(kustomizations: readonly Kustomization[], kubectl?: string): Map<string, string> {
  return new Map(kustomizations.map((k) => [`rendered/${k.name}.yaml`, renderKustomization(k, kubectl)]));
}
