// cdk8s apps as synth targets: the repository's examples, a team's app given with `--app <module>`, or
// the cdk8s convention, a cdk8s.yaml whose `app:` command synthesizes into $CDK8S_OUTDIR.
import type { AiPlatform, KubeObject, PlatformSummary, ReleaseSpec, TargetLayout } from '@aiready/k8s';
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { parseManifests } from './validate-targets';

/** Where a team's cdk8s app comes from. */
export type AppSource =
  | { readonly kind: 'module'; readonly file: string; readonly prerequisites?: unknown }
  | { readonly kind: 'command'; readonly command: string; readonly cwd: string; readonly prerequisites?: unknown };

/**
 * What an app synthesized: its objects, the summaries of the AiPlatforms in it (in-process only), and
 * the prerequisites the module declares (its `prerequisites` export: what the cluster must already run).
 */
export interface AppObjects {
  readonly objects: KubeObject[];
  readonly summaries: PlatformSummary[];
  /** The Helm releases of the app's charts (in-process only), for `--render`. */
  readonly releases: readonly ReleaseSpec[];
  readonly prerequisites?: unknown;
  /** How to lay the objects out, when a platform of the app is installed by Flux or as rendered manifests. */
  readonly layout?: TargetLayout;
}

interface CdkApp {
  readonly charts: { toJson(): unknown[] }[];
}

function isApp(v: unknown): v is CdkApp {
  return typeof v === 'object' && v !== null && Array.isArray((v as CdkApp).charts);
}

/**
 * The app to synthesize in `root`: `--app <module>` when given, else the `app:` of a cdk8s.yaml. A
 * `node <file.js>` command runs in-process (so AiPlatform summaries are kept); any other command runs as
 * cdk8s runs it.
 */
export function findAppSource(root: string, app?: string): AppSource | undefined {
  if (app) return { kind: 'module', file: path.resolve(root, app) };
  const config = path.join(root, 'cdk8s.yaml');
  if (!fs.existsSync(config)) return undefined;
  // `prerequisites:` (aiready's, next to cdk8s' own keys): what the cluster runs already, for offline admission.
  const doc = YAML.parse(fs.readFileSync(config, 'utf8')) as { app?: unknown; prerequisites?: unknown } | null;
  const command = doc?.app;
  if (typeof command !== 'string' || !command.trim()) throw new Error(`${config}: no app: command to run`);
  const prerequisites = doc?.prerequisites === undefined ? {} : { prerequisites: doc.prerequisites };
  const node = /^node\s+(\S+\.c?js)$/.exec(command.trim());
  return node
    ? { kind: 'module', file: path.resolve(root, node[1]), ...prerequisites }
    : { kind: 'command', command, cwd: root, ...prerequisites };
}

/** Loads a module exporting `buildApp(): App`, or an `App` (as `app` or default), and synthesizes it. */
export function moduleObjects(file: string): AppObjects {
  if (!fs.existsSync(file)) throw new Error(`${file} not found`);
  if (/\.tsx?$/.test(file))
    throw new Error(`${file} is TypeScript: compile it and give the .js, or name the command in cdk8s.yaml (app:)`);
  const dir = path.dirname(file);
  // Resolve @aiready/k8s from the app, so its classes are the ones the app used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require(require.resolve('@aiready/k8s', { paths: [dir] })) as typeof import('@aiready/k8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { buildApp?: () => unknown; app?: unknown; default?: unknown; prerequisites?: unknown };
  const app = typeof mod.buildApp === 'function' ? mod.buildApp() : (mod.app ?? mod.default);
  if (!isApp(app)) throw new Error(`${file} must export buildApp(): App, or an App as \`app\` or default`);
  const objects = app.charts.flatMap((c) => c.toJson()) as KubeObject[];
  const platforms = app.charts.filter((c): c is AiPlatform => k8s.AiPlatform.isAiPlatform(c));
  const releases = app.charts.flatMap((c) => k8s.HelmRelease.all(c as unknown as AiPlatform).map((r) => r.spec));
  const materializers = platforms.map((p) => p.releaseMaterializer);
  const flux = materializers.find(k8s.FluxMaterializer.isFluxMaterializer);
  const layout: TargetLayout | undefined = flux
    ? { engine: 'flux', flux: flux.layout }
    : materializers.some((m) => m.kind === 'rendered')
      ? { engine: 'rendered' }
      : undefined;
  return {
    objects,
    summaries: platforms.map((p) => k8s.summarizePlatform(p)),
    releases,
    prerequisites: mod.prerequisites,
    ...(layout ? { layout } : {}),
  };
}

/** Runs a cdk8s.yaml `app:` command with CDK8S_OUTDIR set, and reads the objects it wrote. */
export function commandObjects(command: string, cwd: string): AppObjects {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-cdk8s-'));
  try {
    execSync(command, { cwd, env: { ...process.env, CDK8S_OUTDIR: outdir }, stdio: ['ignore', 'ignore', 'pipe'] });
    const files = fs
      .readdirSync(outdir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
    const objects = files.flatMap((f) => parseManifests(fs.readFileSync(f, 'utf8'), f).map((i) => i.object as KubeObject));
    return { objects, summaries: [], releases: [] };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`cdk8s.yaml app command \`${command}\` failed: ${(err as Error).message}\n${stderr}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The objects of an app source. */
export function appObjects(source: AppSource): AppObjects {
  const app = source.kind === 'module' ? moduleObjects(source.file) : commandObjects(source.command, source.cwd);
  // The module's own `prerequisites` export, then those cdk8s.yaml lists.
  const declared = [app.prerequisites, source.prerequisites].filter((p) => p !== undefined);
  return declared.length ? { ...app, prerequisites: declared.flatMap((p) => (Array.isArray(p) ? p : [p])) } : app;
}
