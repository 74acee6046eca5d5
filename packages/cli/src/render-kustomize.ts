// `aiready synth --render` for kustomize bases (Kubeflow Pipelines): renders each base a target
// installs, at its pinned tag and with aiready's patches, from a local copy, with `kubectl kustomize`.
// Remote bases the pinned base names (KFP names four Argo Workflows bases on GitHub) are mapped to
// their local copies too, so nothing is fetched.
import { KubeObject, kustomizationOverlay, PlatformSummary } from '@aiready/k8s';
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';
import { GitSource, kustomizeFolders, REMOTE_BASE } from './chart-cache';

type Kustomization = PlatformSummary['kustomizations'][number];

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const REFERENCE_LISTS = ['resources', 'bases', 'components'];

/** A kustomize remote URL as a git source and a path in it. */
export function parseRemote(url: string): (GitSource & { path: string }) | undefined {
  const m = REMOTE_BASE.exec(url);
  return m ? { org: m[1], repo: m[2], path: m[3].replace(/\/$/, ''), ref: m[4] } : undefined;
}

/** The local copy of a git source under `root`, or an error naming what to fetch. */
function localRepo(root: string, s: GitSource): string {
  for (const f of kustomizeFolders(s)) if (fs.existsSync(path.join(root, f))) return f;
  throw new Error(
    `kustomize base github.com/${s.org}/${s.repo}@${s.ref} is not in ${root} (looked for ${kustomizeFolders(s).join(', ')}). ` +
      'Fix: run `aiready charts pull` (needs the network and git), or point --chart-cache at a folder that has a kustomize/ copy',
  );
}

function kustomizationFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

function remotesIn(file: string): (GitSource & { path: string })[] {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  return REFERENCE_LISTS.flatMap((list) => (Array.isArray(doc?.[list]) ? (doc[list] as unknown[]) : []))
    .map((entry) => (typeof entry === 'string' ? parseRemote(entry) : undefined))
    .filter((r): r is GitSource & { path: string } => r !== undefined);
}

/** The local repository folders a base needs: its own and every one its kustomizations name, transitively. */
export function baseRepositories(root: string, url: string): string[] {
  const base = parseRemote(url);
  if (!base) throw new Error(`${url} is not a GitHub kustomize URL (github.com/org/repo/path?ref=tag)`);
  const folders = new Set<string>();
  const queue: GitSource[] = [base];
  while (queue.length) {
    const folder = localRepo(root, queue.shift()!);
    if (folders.has(folder)) continue;
    folders.add(folder);
    for (const file of kustomizationFiles(path.join(root, folder))) queue.push(...remotesIn(file));
  }
  return [...folders].sort();
}

/** A digest of a folder's files (paths and contents). */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const f of files) hash.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex');
}

/**
 * Copies the base's repository, and every repository its kustomizations name remotely, from `root`
 * into `work`, rewriting each remote reference to the relative path of its copy. Returns the copy of
 * the base itself.
 */
export function localizeBase(root: string, url: string, work: string): string {
  const base = parseRemote(url);
  if (!base) throw new Error(`${url} is not a GitHub kustomize URL (github.com/org/repo/path?ref=tag)`);
  const copied = new Map<string, string>();
  const queue: GitSource[] = [base];
  while (queue.length) {
    const s = queue.shift()!;
    const key = `${s.org}/${s.repo}@${s.ref}`;
    if (copied.has(key)) continue;
    const folder = localRepo(root, s);
    const dest = path.join(work, folder);
    fs.cpSync(path.join(root, folder), dest, { recursive: true });
    copied.set(key, dest);
    for (const file of kustomizationFiles(dest)) {
      const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null;
      if (!doc) continue;
      let changed = false;
      for (const list of REFERENCE_LISTS) {
        if (!Array.isArray(doc[list])) continue;
        doc[list] = (doc[list] as unknown[]).map((entry) => {
          const remote = typeof entry === 'string' ? parseRemote(entry) : undefined;
          if (!remote) return entry;
          changed = true;
          const target = path.join(work, localRepo(root, remote), remote.path);
          queue.push(remote);
          return path.relative(path.dirname(file), target) || '.';
        });
      }
      if (changed) fs.writeFileSync(file, YAML.stringify(doc));
    }
  }
  return path.join(copied.get(`${base.org}/${base.repo}@${base.ref}`)!, base.path);
}

/**
 * Parses rendered YAML into objects, dropping empty documents. js-yaml, several times faster than
 * `yaml` on megabytes of CRDs; a key given twice keeps the last value, as the API server's decoder does.
 */
export function parseObjects(yaml: string): KubeObject[] {
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(yaml, undefined, { json: true });
  } catch (err) {
    throw new Error(`rendered YAML does not parse: ${(err as Error).message}`);
  }
  return docs.filter((o): o is KubeObject => !!o && typeof o === 'object' && typeof (o as KubeObject).kind === 'string');
}

/**
 * Renders one kustomization exactly as it is installed: the pinned base (from its local copy under
 * `root`) plus aiready's patches, with `kubectl kustomize`.
 */
export async function renderKustomization(k: Kustomization, root: string, kubectl: string): Promise<KubeObject[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-kustomize-'));
  try {
    const base = localizeBase(root, k.url, work);
    const overlay = path.join(work, 'overlay');
    fs.mkdirSync(overlay);
    fs.writeFileSync(
      path.join(overlay, 'kustomization.yaml'),
      YAML.stringify(kustomizationOverlay({ ...k, url: path.relative(overlay, base) })),
    );
    const out = await new Promise<string>((resolve, reject) =>
      execFile(kubectl, ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException;
        reject(
          new Error(
            e.code === 'ENOENT'
              ? `kubectl not found at ${kubectl}. Fix: install kubectl, or leave --kubectl out to use the bundled one`
              : `kubectl kustomize of ${k.url} failed:\n${stderr || e.message}`,
          ),
        );
      }),
    );
    return parseObjects(out);
  } finally {
    // Thousands of small files: removed off the event loop, while other renders go on.
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** Bumped whenever what the cache stores changes shape. */
const CACHE_FORMAT = 1;

/**
 * {@link renderKustomization} with an on-disk cache keyed by the overlay, the local copies it reads
 * (by content) and the kubectl binary: an unchanged base is not rendered again.
 */
export async function renderKustomizationCached(
  k: Kustomization,
  root: string,
  kubectl: () => string,
  cacheDir: string,
): Promise<{ objects: KubeObject[]; cached: boolean; key: string }> {
  const binary = fs.realpathSync(kubectl());
  const input = {
    format: CACHE_FORMAT,
    overlay: kustomizationOverlay(k),
    repositories: baseRepositories(root, k.url).map((f) => [f, treeDigest(path.join(root, f))]),
    kubectl: [binary, fs.statSync(binary).size],
  };
  const key = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const file = path.join(cacheDir, 'kustomize', `${key}.json`);
  if (fs.existsSync(file)) return { objects: JSON.parse(fs.readFileSync(file, 'utf8')) as KubeObject[], cached: true, key };
  const objects = await renderKustomization(k, root, binary);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(objects));
  fs.renameSync(partial, file);
  return { objects, cached: false, key };
}
