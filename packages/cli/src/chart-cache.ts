// Where `--render` finds the pinned charts and kustomize bases, and how `aiready charts pull` fills
// that folder. Rendering never downloads anything: a missing chart is an error naming the command
// that fetches it.
import { CHARTS, ChartPin, KUBEFLOW_PIPELINES, KustomizePin } from '@aiready/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** File name of a chart archive as `helm pull` and ../shared/charts name it. */
export function chartArchiveName(chart: string, version: string): string {
  return `${chart}-${version}.tgz`;
}

/** aiready's cache folder: `$XDG_CACHE_HOME/aiready`, else the platform's user cache folder. */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'aiready');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'aiready');
  if (platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'aiready', 'cache');
  return path.join(home, '.cache', 'aiready');
}

/** The default chart cache: `<cache dir>/charts`. */
export function defaultChartCache(cacheDir: string): string {
  return path.join(cacheDir, 'charts');
}

/** The archive of `chart` at `version` in the cache; throws naming the pull command when it is missing. */
export function chartArchive(chartCache: string, chart: string, version: string): string {
  const file = path.join(chartCache, chartArchiveName(chart, version));
  if (!fs.existsSync(file))
    throw new Error(
      `chart ${chart} ${version} is not in the chart cache ${chartCache} (no ${path.basename(file)}). ` +
        `Fix: run \`aiready charts pull --chart-cache ${chartCache}\` (needs the network and helm), or point --chart-cache at a folder of pinned chart archives`,
    );
  return file;
}

/** A command to run. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

/** `helm pull` of one pinned chart into the cache, from its https or OCI repository. */
export function helmPullCommand(
  helm: string,
  pin: Pick<ChartPin, 'chart' | 'repository' | 'version'>,
  chartCache: string,
): Command {
  const source = pin.repository.startsWith('oci://')
    ? [`${pin.repository.replace(/\/$/, '')}/${pin.chart}`]
    : [pin.chart, '--repo', pin.repository];
  return { command: helm, args: ['pull', ...source, '--version', pin.version, '--destination', chartCache] };
}

/** A git repository at a tag, parsed from `https://github.com/org/repo` or a kustomize remote URL. */
export interface GitSource {
  readonly org: string;
  readonly repo: string;
  readonly ref: string;
}

/** Folder names a git source may have under the kustomize cache: `<repo>@<ref>`, or `<org>-<repo>@<ref>`. */
export function kustomizeFolders(s: GitSource): string[] {
  return [`${s.repo}@${s.ref}`, `${s.org}-${s.repo}@${s.ref}`];
}

/** `git clone` of one repository at its tag into the kustomize cache (`<cache>/kustomize/<repo>@<ref>`). */
export function gitCloneCommand(s: GitSource, chartCache: string): Command {
  return {
    command: 'git',
    args: [
      'clone',
      '--quiet',
      '--depth',
      '1',
      '--branch',
      s.ref,
      `https://github.com/${s.org}/${s.repo}.git`,
      path.join(kustomizeCache(chartCache), `${s.repo}@${s.ref}`),
    ],
  };
}

/** Kustomize bases live beside the charts: `<chart cache>/kustomize`. */
export function kustomizeCache(chartCache: string): string {
  return path.join(chartCache, 'kustomize');
}

/** The git source of a kustomize pin. */
export function pinSource(pin: KustomizePin): GitSource {
  const m = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/.exec(pin.repository);
  if (!m) throw new Error(`${pin.id}: only GitHub repositories can be pulled, not ${pin.repository}`);
  return { org: m[1], repo: m[2], ref: pin.ref };
}

/** Remote GitHub bases a kustomization names (`https://github.com/org/repo/path?ref=tag`). */
export const REMOTE_BASE = /^(?:https:\/\/)?github\.com\/([^/]+)\/([^/?]+?)(?:\.git)?\/([^?]*)\?(?:[^#]*&)?ref=([^&#]+)/;

/** What `aiready charts pull` runs: every pinned chart not yet in the cache, then the kustomize pins. */
export function pullPlan(helm: string, chartCache: string, pins: readonly ChartPin[] = Object.values(CHARTS)): Command[] {
  const charts = pins
    .filter((p) => !fs.existsSync(path.join(chartCache, chartArchiveName(p.chart, p.version))))
    .map((p) => helmPullCommand(helm, p, chartCache));
  const bases = [KUBEFLOW_PIPELINES]
    .map(pinSource)
    .filter((s) => !kustomizeFolders(s).some((f) => fs.existsSync(path.join(kustomizeCache(chartCache), f))))
    .map((s) => gitCloneCommand(s, chartCache));
  return [...charts, ...bases];
}
