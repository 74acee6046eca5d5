// `aiready synth`: every stack config (under Pulumi mocks) and every example into dist/, offline.
import { AireadyValidationError } from '@aiready/core';
import type { AiPlatform, GitOpsOutput, KubeObject, PlatformSummary } from '@aiready/k8s';
import { layoutManifests, layoutTarget, targetObjects } from '@aiready/k8s';
import { argoCdPrerequisites, fluxPrerequisites } from '@aiready/admission';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  acknowledgedLines,
  admissionWarnings,
  admitTarget,
  appliedByOf,
  declaredPrerequisites,
  TargetAdmission,
} from './admission';
import { buildPlan, planManifests } from './plan';
import { findStacks, StackTarget } from './pulumi-project';
import { renderedFiles } from './render-kustomize';
import type { StackRunResult } from './run-stack';
import { renderSummary, SummaryInput } from './summary';

/** Everything one target (a stack config or an example) writes, still in memory. */
export interface TargetOutput {
  /** Folder under the output dir: `<project>-<stack>` or `examples/<name>`. */
  readonly id: string;
  readonly files: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
  readonly objects: number;
  /** The kustomize bases the target installs, for `--render-kustomize`. */
  readonly kustomizations: PlatformSummary['kustomizations'];
  /** What offline admission checks, once rendered objects (if any) are in. */
  readonly admission: TargetAdmission;
  /** SUMMARY.md's content, written once admission has run. */
  readonly summary: SummaryInput;
}

export interface SynthOptions {
  /** Repository root (holds stacks/ and examples/). */
  readonly root: string;
  /** Output folder. */
  readonly outDir: string;
  /** Only these target ids (`ai-platform-dev`, `examples/gpu-inference`). @default - all */
  readonly only?: readonly string[];
  /** Render kustomize bases with `kubectl kustomize` into `rendered/` (needs the network). @default false */
  readonly renderKustomize?: boolean;
}

export interface SynthReport {
  readonly targets: readonly TargetOutput[];
  readonly errors: readonly { readonly id: string; readonly message: string }[];
}

function runStackProcess(target: StackTarget): Promise<StackRunResult> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-')), 'result.json');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(__dirname, 'run-stack.js'), target.dir, target.stack, resultFile],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        try {
          const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as StackRunResult;
          resolve(result);
        } catch {
          resolve({ project: target.project, stack: target.stack, error: `${err?.message ?? 'stack run failed'}\n${stderr}` });
        } finally {
          fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
        }
      },
    );
  });
}

function stackOutput(id: string, result: StackRunResult): TargetOutput {
  const recorded = result.recorded ?? [];
  const plan = buildPlan(result.project, result.stack, recorded);
  // A stack whose platform GitOps installs (`gitops` in its config) exports the platform's objects.
  const gitops = result.outputs?.gitops as GitOpsOutput | undefined;
  const manifests = gitops ? layoutTarget(gitops.objects, gitops.flux) : layoutManifests(planManifests(recorded));
  const platform = result.outputs?.summary as PlatformSummary | undefined;
  const configWarnings = (result.outputs?.warnings as { path: string; message: string }[] | undefined) ?? [];
  const warnings = [...(platform?.warnings ?? []), ...configWarnings].map((w) => `${w.path}: ${w.message}`);
  const files = new Map<string, string>();
  for (const m of manifests) files.set(`manifests/${m.path}`, m.content);
  files.set('plan.json', `${JSON.stringify(plan, null, 2)}\n`);
  return {
    id,
    files,
    warnings,
    objects: manifests.reduce((s, m) => s + m.objects, 0),
    kustomizations: platform?.kustomizations ?? [],
    admission: {
      objects: gitops ? targetObjects(gitops.objects, gitops.flux) : planManifests(recorded),
      plan,
      ...(gitops ? {} : { appliedBy: appliedByOf(recorded) }),
      prerequisites: [
        ...declaredPrerequisites(result.outputs?.prerequisites, `stack ${result.project}/${result.stack}`),
        // The engine that applies a GitOps stack's output must be in the cluster first.
        ...(gitops?.engine === 'flux' ? fluxPrerequisites() : gitops?.engine === 'argocd' ? argoCdPrerequisites() : []),
      ],
      platformSecrets: platform?.prerequisites ?? [],
    },
    summary: { title: `Stack ${result.project}/${result.stack}`, platform, plan, manifests, warnings },
  };
}

function exampleOutput(id: string, dir: string): TargetOutput {
  // Resolve @aiready/k8s from the example, so its classes are the ones the example used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require(require.resolve('@aiready/k8s', { paths: [dir] })) as typeof import('@aiready/k8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(dir, 'lib', 'main.js')) as {
    buildApp?: () => { charts: { toJson(): unknown[] }[] };
    prerequisites?: unknown;
  };
  if (typeof mod.buildApp !== 'function') throw new Error(`${dir}/main.ts must export buildApp(): App`);
  const app = mod.buildApp();
  const objects = app.charts.flatMap((c) => c.toJson()) as KubeObject[];
  const platforms = app.charts.filter((c): c is AiPlatform => k8s.AiPlatform.isAiPlatform(c));
  const summaries = platforms.map((p) => k8s.summarizePlatform(p));
  const flux = platforms.map((p) => p.releaseMaterializer).find(k8s.FluxMaterializer.isFluxMaterializer);
  const manifests = k8s.layoutTarget(objects, flux?.layout);
  const warnings = summaries.flatMap((s) => s.warnings.map((w) => `${w.path}: ${w.message}`));
  const files = new Map<string, string>();
  for (const m of manifests) files.set(`manifests/${m.path}`, m.content);
  return {
    id,
    files,
    warnings,
    objects: manifests.reduce((s, m) => s + m.objects, 0),
    kustomizations: summaries.flatMap((s) => s.kustomizations),
    admission: {
      objects: k8s.targetObjects(objects, flux?.layout),
      prerequisites: declaredPrerequisites(mod.prerequisites, `${dir}/main.ts`),
      platformSecrets: summaries.flatMap((s) => s.prerequisites),
    },
    summary: { title: `Example ${path.basename(dir)}`, platform: summaries[0], manifests, warnings },
  };
}

function findExamples(root: string): string[] {
  const dir = path.join(root, 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((d) => path.join(dir, d))
    .filter((d) => fs.existsSync(path.join(d, 'main.ts')));
}

/** Synthesizes every target in memory; nothing is written unless every target succeeds. */
export async function synthAll(options: SynthOptions): Promise<SynthReport> {
  const wanted = (id: string) => !options.only?.length || options.only.includes(id);
  const stacks = findStacks(path.join(options.root, 'stacks')).filter((s) => wanted(`${s.project}-${s.stack}`));
  const examples = findExamples(options.root).filter((d) => wanted(`examples/${path.basename(d)}`));
  const targets: TargetOutput[] = [];
  const errors: { id: string; message: string }[] = [];

  const results = await Promise.all(stacks.map((s) => runStackProcess(s)));
  results.forEach((result, i) => {
    const id = `${stacks[i].project}-${stacks[i].stack}`;
    if (result.error) errors.push({ id, message: result.error });
    else targets.push(stackOutput(id, result));
  });
  for (const dir of examples) {
    const id = `examples/${path.basename(dir)}`;
    try {
      targets.push(exampleOutput(id, dir));
    } catch (err) {
      errors.push({
        id,
        message:
          err instanceof AireadyValidationError || !(err instanceof Error)
            ? String(err instanceof Error ? err.message : err)
            : (err.stack ?? err.message),
      });
    }
  }
  const rendered: TargetOutput[] = [];
  for (const t of targets) {
    try {
      rendered.push(options.renderKustomize ? { ...t, files: new Map([...t.files, ...renderedFiles(t.kustomizations)]) } : t);
    } catch (err) {
      errors.push({ id: t.id, message: (err as Error).message });
    }
  }
  const admitted: TargetOutput[] = [];
  for (const t of rendered) {
    try {
      admitted.push(admit(t));
    } catch (err) {
      errors.push({
        id: t.id,
        message: err instanceof AireadyValidationError ? err.message : ((err as Error).stack ?? String(err)),
      });
    }
  }
  return { targets: admitted, errors };
}

/** Runs offline admission on a finished target and writes its SUMMARY.md; throws the problems found. */
function admit(t: TargetOutput): TargetOutput {
  const report = admitTarget(t.id, t.admission, t.files);
  const files = new Map(t.files);
  files.set(
    'SUMMARY.md',
    renderSummary({
      ...t.summary,
      warnings: [...t.warnings, ...admissionWarnings(report).filter((w) => !w.startsWith('acknowledged: '))],
      prerequisites: t.admission.prerequisites,
      acknowledged: acknowledgedLines(report),
    }),
  );
  return { ...t, files, warnings: [...t.warnings, ...admissionWarnings(report)] };
}

/** Writes synthesized targets, replacing each target's folder. */
export function writeTargets(outDir: string, targets: readonly TargetOutput[]): void {
  for (const t of targets) {
    const dir = path.join(outDir, t.id);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [file, content] of t.files) {
      const target = path.join(dir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
}
