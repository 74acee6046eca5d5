// Renders one Helm release with `helm template`: the pinned chart archive, exactly the values aiready
// sets, the target's namespace and Kubernetes version. This is the reusable core of `--render`:
// release spec + chart archive in, Kubernetes objects out.
import type { KubeObject, ReleaseSpec } from '@aiready/k8s';
import { sortKeysDeep } from '@aiready/k8s';
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Helm } from './helm';
import { parseObjects } from './render-kustomize';

/** What rendering needs of a release: a {@link ReleaseSpec} has all of it. */
export type RenderableRelease = Pick<
  ReleaseSpec,
  'releaseName' | 'component' | 'chart' | 'version' | 'namespace' | 'values' | 'skipCrds'
>;

/** Options of `renderRelease`. */
export interface RenderReleaseOptions {
  readonly helm: Helm;
  /** Kubernetes version of the target cluster (`1.36`). */
  readonly kubeVersion: string;
  /**
   * API versions the cluster serves beyond helm's built-in set (`group/version` and
   * `group/version/Kind`), for charts that check `.Capabilities.APIVersions`.
   * @default - none
   */
  readonly apiVersions?: readonly string[];
}

/** The `helm template` arguments for a release (values are passed in `valuesFile`). */
export function helmTemplateArgs(
  release: RenderableRelease,
  chartArchive: string,
  valuesFile: string,
  options: Omit<RenderReleaseOptions, 'helm'>,
): string[] {
  return [
    'template',
    release.releaseName,
    chartArchive,
    '--namespace',
    release.namespace,
    '--kube-version',
    options.kubeVersion,
    '--values',
    valuesFile,
    // What installs: the crds/ folder unless another release owns those CRDs; hooks, which Pulumi's
    // helm.v3.Release runs and Argo CD turns into sync hooks; never test hooks, which neither runs.
    release.skipCrds ? '--skip-crds' : '--include-crds',
    '--skip-tests',
    ...[...(options.apiVersions ?? [])].sort().flatMap((v) => ['--api-versions', v]),
  ];
}

/** Renders a release with `helm template`; rejects with helm's own message when the chart refuses. */
export async function renderRelease(
  release: RenderableRelease,
  chartArchive: string,
  options: RenderReleaseOptions,
): Promise<KubeObject[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-helm-'));
  const valuesFile = path.join(dir, 'values.json');
  fs.writeFileSync(valuesFile, JSON.stringify(release.values));
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        options.helm.path,
        helmTemplateArgs(release, chartArchive, valuesFile, options),
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) =>
          err
            ? reject(
                new Error(
                  `helm template of release ${release.releaseName} (${release.chart} ${release.version}) failed:\n${(stderr || err.message).trim()}`,
                ),
              )
            : resolve(stdout),
      ),
    );
    return parseObjects(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Bumped whenever what the cache stores changes shape. */
const CACHE_FORMAT = 1;

/**
 * The cache key of a render: everything the output depends on (the chart archive by digest, the
 * release, the values, the cluster, helm's version).
 */
export function renderCacheKey(
  release: RenderableRelease,
  archiveDigest: string,
  options: Omit<RenderReleaseOptions, 'helm'> & { readonly helmVersion: string },
): string {
  const input = sortKeysDeep({
    format: CACHE_FORMAT,
    archive: archiveDigest,
    release: { ...release, component: undefined },
    kubeVersion: options.kubeVersion,
    apiVersions: [...(options.apiVersions ?? [])].sort(),
    helm: options.helmVersion,
  });
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** `renderRelease` with an on-disk cache under `cacheDir`: an unchanged release is not rendered again. */
export async function renderReleaseCached(
  release: RenderableRelease,
  chartArchive: string,
  options: RenderReleaseOptions & { readonly cacheDir: string; readonly archiveDigest: string },
): Promise<{ objects: KubeObject[]; cached: boolean; key: string }> {
  const key = renderCacheKey(release, options.archiveDigest, { ...options, helmVersion: options.helm.version });
  const file = path.join(options.cacheDir, key.slice(0, 2), `${key}.json`);
  if (fs.existsSync(file)) return { objects: JSON.parse(fs.readFileSync(file, 'utf8')) as KubeObject[], cached: true, key };
  const objects = await renderRelease(release, chartArchive, options);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(objects));
  fs.renameSync(partial, file);
  return { objects, cached: false, key };
}
