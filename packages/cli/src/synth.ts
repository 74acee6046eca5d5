// `aiready synth`: every stack config (under Pulumi mocks) and every example into dist/, offline.
import { AireadyValidationError, DEFAULT_KUBERNETES_VERSION } from '@aiready/core';
import { argoCdPrerequisites, fluxPrerequisites } from '@aiready/admission';
import type { GitOpsOutput, KubeObject, PlatformSummary, TargetLayout } from '@aiready/k8s';
import { gitOpsLayout, layoutManifests, layoutTarget, planInstallStages, prepareManifest, targetObjects } from '@aiready/k8s';
import * as fs from 'fs';
import * as path from 'path';
import { buildPlan, manifestObjectsOf, planManifests, planReleases } from './plan';
import {
  acknowledgedLines,
  admissionWarnings,
  admitTarget,
  appliedByOf,
  declaredPrerequisites,
  renderedReleases,
  scriptedReleases,
  TargetAdmission,
} from './admission';
import { AppObjects, appObjects, AppSource, findAppSource, moduleObjects } from './app-target';
import { staleProblem } from './freshness';
import { IncrementalReport, IncrementalSetup, IncrementalSynth, ReusedTarget } from './incremental';
import { installScript } from './install-script';
import { findStacks, projectStacks, SECRET_PLACEHOLDER } from './pulumi-project';
import type { RenderableRelease } from './render-helm';
import { RenderedTarget, RenderSetup, renderTargets } from './render-target';
import type { StackRunResult } from './run-stack';
import { runStacks } from './stack-workers';
import { loadDeferred, TARGET_PACKAGES } from './lazy-modules';
import { renderSummary, SummaryInput } from './summary';
import { PhaseTimings } from './timings';
import { validateOutputs } from './validate-targets';
import { cachingYamlDocuments, knownYamlDocuments } from './yaml-documents';

/** Everything one target (a stack config or an example) writes, still in memory. */
export interface TargetOutput {
  /** Folder under the output dir: `<project>-<stack>` or `examples/<name>`. */
  readonly id: string;
  readonly files: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
  readonly objects: number;
  /** The Kubernetes objects of manifests/, as synthesized (validated before anything is written). */
  readonly manifestObjects: readonly KubeObject[];
  /** The kustomize bases the target installs, for `--render`. */
  readonly kustomizations: PlatformSummary['kustomizations'];
  /** The Helm releases the target installs, as their installer gets them (with their wave when known), for `--render`. */
  readonly releases: readonly (RenderableRelease & { readonly wave?: number })[];
  /** Kubernetes version of the target's cluster. */
  readonly kubeVersion: string;
  /** What `--render` did, when asked. */
  readonly render?: RenderedTarget;
  /** How the target is installed, when not by Pulumi or Argo CD Applications (Flux, rendered manifests). */
  readonly layout?: TargetLayout;
  /** What offline admission checks, once rendered objects (if any) are in. */
  readonly admission: TargetAdmission;
  /** SUMMARY.md's content, written once admission has run. */
  readonly summary: SummaryInput;
}

/** Options of `synth`. */
export interface SynthOptions {
  /** Repository root (holds stacks/ and examples/). */
  readonly root: string;
  /** Output folder. */
  readonly outDir: string;
  /**
   * A team's cdk8s app, synthesized as the target `app`: a module exporting `buildApp(): App` or an App.
   * @default - the `app:` of cdk8s.yaml in `root`, if there is one
   */
  readonly app?: string;
  /** Pulumi project folders to synthesize. @default - every folder under `root` with a Pulumi.yaml */
  readonly stackDirs?: readonly string[];
  /** Only these target ids (`ai-platform-dev`, `examples/gpu-inference`). @default - all */
  readonly only?: readonly string[];
  /**
   * Render every Helm release and kustomize base into `rendered/`, offline, from the chart cache.
   * @default - not rendered
   */
  readonly render?: RenderSetup;
  /**
   * At most this many processes run the stacks of one Pulumi project (`AIREADY_STACK_PROCESSES`).
   * @default - the machine's cores but one (the CLI's), at least one
   */
  readonly stackProcesses?: number;
  /**
   * The seconds a stack's program may run before its stack fails, saying what Pulumi still waited for
   * (`--stack-timeout`).
   * @default 300
   */
  readonly stackTimeoutSeconds?: number;
  /** Called when synth moves on to rendering and to checking, for progress. @default - no progress */
  readonly onPhase?: (phase: string) => void;
  /** Called as each target finishes synthesizing, for progress. @default - no progress */
  readonly onTarget?: (progress: TargetProgress) => void;
  /** Wall time per target and phase is added here (`--timings`). @default - not timed */
  readonly timings?: PhaseTimings;
  /**
   * Reuse the output of targets whose inputs did not change, from this synth cache (`--incremental`).
   * @default - every target synthesized
   */
  readonly incremental?: IncrementalSetup;
}

/** One target finished: its id, whether it synthesized, its time and object count. */
export interface TargetProgress {
  readonly id: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly objects: number;
  /** Unchanged, written from the synth cache (`incremental`). @default false */
  readonly reused?: boolean;
}

/** What `synth` produced: the targets written and the targets that failed. */
export interface SynthReport {
  readonly targets: readonly TargetOutput[];
  readonly errors: readonly { readonly id: string; readonly message: string }[];
  /** With `incremental`: the targets reused unchanged (not in `targets`), and why the others were synthesized. */
  readonly incremental?: IncrementalReport;
}

function stackOutput(id: string, result: StackRunResult, timings = new PhaseTimings()): TargetOutput {
  const recorded = result.recorded ?? [];
  const plan = timings.time(id, 'plan', () => buildPlan(result.project, result.stack, recorded));
  // A stack whose platform GitOps installs (`gitops` in its config) exports the platform's objects.
  const gitops = result.outputs?.gitops as GitOpsOutput | undefined;
  const layout = gitops ? gitOpsLayout(gitops) : undefined;
  const { manifestObjects, manifests } = timings.time(id, 'serialize', () => {
    const manifestObjects = gitops ? targetObjects(gitops.objects, layout) : planManifests(recorded);
    return {
      manifestObjects,
      manifests: gitops ? layoutTarget(gitops.objects, layout) : layoutManifests(manifestObjects),
    };
  });
  const platform = result.outputs?.summary as PlatformSummary | undefined;
  const configWarnings = (result.outputs?.warnings as { path: string; message: string }[] | undefined) ?? [];
  const secretWarnings = (result.secrets ?? []).map((key) => ({
    path: key,
    message: `a secret (secure:) in Pulumi.${result.stack}.yaml: offline synth used the placeholder "${SECRET_PLACEHOLDER}"; a deployment uses the real value`,
  }));
  const warnings = [...(platform?.warnings ?? []), ...configWarnings, ...secretWarnings].map((w) => `${w.path}: ${w.message}`);
  const files = new Map<string, string>();
  for (const m of manifests) files.set(`manifests/${m.path}`, m.content);
  files.set('plan.json', `${JSON.stringify(plan, null, 2)}\n`);
  return {
    id,
    files,
    warnings,
    objects: manifests.reduce((s, m) => s + m.objects, 0),
    manifestObjects,
    kustomizations: platform?.kustomizations ?? [],
    releases: gitops ? gitops.releases : planReleases(recorded, platform?.releases ?? []),
    ...(layout ? { layout } : {}),
    kubeVersion:
      plan.resources.find((r) => r.type === 'aws:eks/cluster:Cluster')?.inputs.version?.toString() ?? DEFAULT_KUBERNETES_VERSION,
    admission: {
      objects: manifestObjects,
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

/** The review tree of a cdk8s app's objects (an example, or a team's app). */
function appOutput(
  id: string,
  title: string,
  { objects, summaries, releases, prerequisites, layout }: AppObjects,
  timings = new PhaseTimings(),
): TargetOutput {
  // Under Flux, the tree is the install stages (and the Kustomizations that apply them).
  const { manifestObjects, manifests } = timings.time(id, 'serialize', () => ({
    manifestObjects: targetObjects(objects, layout),
    manifests: layoutTarget(objects, layout),
  }));
  const warnings = summaries.flatMap((s) => s.warnings.map((w) => `${w.path}: ${w.message}`));
  const files = new Map<string, string>();
  for (const m of manifests) files.set(`manifests/${m.path}`, m.content);
  return {
    id,
    files,
    warnings,
    objects: manifestObjects.length,
    manifestObjects,
    kustomizations: summaries.flatMap((s) => s.kustomizations),
    releases,
    ...(layout ? { layout } : {}),
    // cdk8s apps name no cluster: they are rendered for the default version aiready provisions.
    kubeVersion: DEFAULT_KUBERNETES_VERSION,
    admission: {
      objects: manifestObjects,
      prerequisites: declaredPrerequisites(prerequisites, title),
      platformSecrets: summaries.flatMap((s) => s.prerequisites),
    },
    summary: { title, platform: summaries[0], manifests, warnings },
  };
}

function exampleOutput(id: string, dir: string, timings: PhaseTimings): TargetOutput {
  const objects = timings.time(id, 'construct', () => moduleObjects(path.join(dir, 'lib', 'main.js')));
  return appOutput(id, `Example ${path.basename(dir)}`, objects, timings);
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
  const allStacks = options.stackDirs?.length ? options.stackDirs.flatMap(projectStacks) : findStacks(options.root);
  const duplicate = allStacks.find((s, i) => allStacks.findIndex((o) => o.project === s.project && o.stack === s.stack) !== i);
  if (duplicate)
    return {
      targets: [],
      errors: [
        {
          id: `${duplicate.project}-${duplicate.stack}`,
          message: `two Pulumi projects are named ${duplicate.project}; rename one in its Pulumi.yaml or pick one with --stack-dir`,
        },
      ],
    };
  const allExamples = findExamples(options.root);
  let appSource: AppSource | undefined;
  try {
    appSource = findAppSource(options.root, options.app);
  } catch (err) {
    return { targets: [], errors: [{ id: 'app', message: (err as Error).message }] };
  }
  const ids = [
    ...allStacks.map((s) => `${s.project}-${s.stack}`),
    ...allExamples.map((d) => `examples/${path.basename(d)}`),
    ...(appSource ? ['app'] : []),
  ];
  const unknown = (options.only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length)
    return {
      targets: [],
      errors: [
        { id: unknown.join(', '), message: `--only matches no target; the targets here are: ${ids.join(', ') || 'none'}` },
      ],
    };
  const timings = options.timings ?? new PhaseTimings();
  const wanted = (id: string) => !options.only?.length || options.only.includes(id);
  const targets: TargetOutput[] = [];
  const errors: { id: string; message: string }[] = [];
  const fresh = (id: string, dir: string, entry: string) => {
    const stale = staleProblem(dir, entry);
    if (stale) errors.push({ id, message: stale });
    return !stale;
  };
  const incremental =
    options.incremental && new IncrementalSynth(options.root, options.outDir, options.incremental, options.render);
  const unchanged = (t: ReusedTarget | undefined) => {
    if (t) options.onTarget?.({ id: t.id, ok: true, ms: 0, objects: t.objects, reused: true });
    return t !== undefined;
  };
  const stacks = allStacks.filter((s) => {
    const id = `${s.project}-${s.stack}`;
    return wanted(id) && fresh(id, s.dir, 'lib/index.js') && !unchanged(incremental?.stack(id, s));
  });
  const examples = allExamples.filter((d) => {
    const id = `examples/${path.basename(d)}`;
    return wanted(id) && fresh(id, d, 'lib/main.js') && !unchanged(incremental?.example(id, d));
  });
  const traced = <T>(id: string, entry: string, build: () => T) =>
    incremental ? incremental.traceApp(id, entry, build) : build();
  const started = Date.now();
  const done = (id: string, t: TargetOutput | undefined) =>
    options.onTarget?.({ id, ok: t !== undefined, ms: Date.now() - started, objects: t?.objects ?? 0 });

  // Without --render, a target is checked as soon as it is built: the checks of the apps and the first
  // stacks run while the last stack's process still runs. (With --render, after the renders.)
  const checked = new Map<TargetOutput, TargetCheck>();
  const checkEarly = (t: TargetOutput | undefined) => {
    if (t && !options.render && t.layout?.engine !== 'rendered') checked.set(t, checkTarget(t, timings));
  };
  // Stack processes start first; the cdk8s apps run in this process while they run.
  const toRun = stacks.filter((s) => !incremental?.stackRun(`${s.project}-${s.stack}`));
  // The documents of a stack's Kubernetes objects are written as they come, while the stack runs.
  const processes = runStacks(toRun, {
    recordInputs: incremental !== undefined,
    slots: options.stackProcesses,
    timeoutSeconds: options.stackTimeoutSeconds,
    onResource: (r) => {
      for (const o of manifestObjectsOf(r)) if (typeof o === 'object' && o !== null) prepareManifest(o);
    },
  });
  const stackRuns = Promise.all(
    stacks.map(async (s) => {
      const id = `${s.project}-${s.stack}`;
      const cached = incremental?.stackRun(id);
      const run = cached ? undefined : await processes.runs[toRun.indexOf(s)];
      const result = cached ?? (incremental && run ? incremental.stackRan(id, run.result) : run!.result);
      if (run && result.constructMs !== undefined) {
        timings.add(id, 'load', run.waitedMs - result.constructMs);
        timings.add(id, 'construct', result.constructMs);
      }
      const output = result.error ? undefined : stackOutput(id, result, timings);
      done(id, output);
      checkEarly(output);
      return { id, result, output };
    }),
  );
  // cdk8s apps run in this process, one after the other; their targets and errors follow the stacks'.
  const apps: TargetOutput[] = [];
  const appErrors: { id: string; message: string }[] = [];
  const inProcess = (id: string, build: () => TargetOutput) => {
    const start = Date.now();
    let output: TargetOutput | undefined;
    try {
      output = build();
      apps.push(output);
      options.onTarget?.({ id, ok: true, ms: Date.now() - start, objects: output.objects });
    } catch (err) {
      options.onTarget?.({ id, ok: false, ms: Date.now() - start, objects: 0 });
      appErrors.push({
        id,
        message:
          err instanceof AireadyValidationError || !(err instanceof Error)
            ? String(err instanceof Error ? err.message : err)
            : (err.stack ?? err.message),
      });
    }
    checkEarly(output);
  };
  for (const dir of examples) {
    const id = `examples/${path.basename(dir)}`;
    inProcess(id, () => traced(id, path.join(dir, 'lib', 'main.js'), () => exampleOutput(id, dir, timings)));
  }
  if (appSource && wanted('app') && !unchanged(incremental?.app('app', appSource, options.root)))
    inProcess('app', () => {
      const build = () => timings.time('app', 'construct', () => appObjects(appSource));
      return appOutput('app', 'App', appSource.kind === 'module' ? traced('app', appSource.file, build) : build(), timings);
    });
  // Waiting for stack processes: what their targets' checks need loads meanwhile, not after.
  if (toRun.length) for (const pkg of TARGET_PACKAGES) loadDeferred(require.resolve(pkg));
  // No stack process outlives synth.
  await processes.exited;
  for (const { id, result, output } of await stackRuns) {
    if (output) targets.push(output);
    else errors.push({ id, message: result.error ?? 'stack run failed' });
  }
  targets.push(...apps);
  errors.push(...appErrors);
  const needRender = options.render ? [] : targets.filter((x) => x.layout?.engine === 'rendered');
  for (const t of needRender) targets.splice(targets.indexOf(t), 1);
  for (const t of needRender)
    errors.push({
      id: t.id,
      message:
        'its platform is installed as rendered manifests (gitops: rendered, ReleaseMaterializer.rendered()), which synth writes from the rendered charts: run aiready synth --render (with --chart-cache, see aiready charts pull), or choose gitops: argocd or flux',
    });
  let renders: Map<string, RenderedTarget | Error> | undefined;
  if (options.render && !errors.length) {
    options.onPhase?.('rendering charts');
    // Targets render together (releases shared between them render once): timed as one.
    const start = Date.now();
    renders = await renderTargets(
      targets.map((t) => ({ ...t, objects: t.manifestObjects })),
      options.render,
    );
    timings.add('(all targets)', 'render', Date.now() - start);
  }
  // The install scripts, validation and admission all read every rendered file: each text is parsed
  // once, and a rendered file is not parsed at all (its documents are known).
  const report = cachingYamlDocuments(() => {
    let rendered: TargetOutput[] = targets;
    if (renders) {
      rendered = [];
      for (const t of targets) {
        const r = renders.get(t.id)!;
        if (r instanceof Error) {
          errors.push({ id: t.id, message: r.message });
          continue;
        }
        for (const [file, content] of r.files) knownYamlDocuments(content, r.documents.get(file)!);
        if (t.layout?.engine === 'rendered' && r.unrendered.length)
          errors.push({
            id: t.id,
            message: `installed as rendered manifests, but ${r.unrendered.join(', ')} could not be rendered (not in the chart cache): install.sh would leave it out; pull the chart (aiready charts pull) and synth again`,
          });
        else if (t.layout?.engine === 'rendered')
          rendered.push(withInstallScript({ ...t, files: new Map([...t.files, ...r.files]), render: r }));
        else
          rendered.push({
            ...t,
            files: new Map([...t.files, ...r.files]),
            render: r,
            warnings: [
              ...t.warnings,
              ...r.unrendered.map(
                (u) =>
                  `${u}: NOT RENDERED, its chart is not in the chart cache (--skip-missing-charts): its objects are not validated, and admission judges it by aiready's facts about the chart`,
              ),
            ],
          });
      }
    }
    options.onPhase?.('validating and admitting');
    // Per target, schemas first (every object valid on its own), then admission (the target as a cluster
    // would take it).
    return checkTargets(rendered, errors, timings, checked);
  });
  return incremental ? { ...report, incremental: incremental.finish(report.targets, ids) } : report;
}

/** What checking one target found: its validation errors, or its admission error, or it admitted. */
interface TargetCheck {
  readonly validationErrors: { id: string; message: string }[];
  readonly admitted?: TargetOutput;
  readonly admissionError?: { id: string; message: string };
}

/** Validates one target, then (if valid) admits it. */
function checkTarget(t: TargetOutput, timings: PhaseTimings): TargetCheck {
  const v = timings.time(t.id, 'validate', () => validateOutputs([t]));
  if (!v.valid.length) return { validationErrors: v.errors };
  try {
    return { validationErrors: [], admitted: timings.time(t.id, 'admission', () => admit(t)) };
  } catch (err) {
    return {
      validationErrors: [],
      admissionError: {
        id: t.id,
        message: err instanceof AireadyValidationError ? err.message : ((err as Error).stack ?? String(err)),
      },
    };
  }
}

/**
 * Validates, then admits, each target (using the checks already made, by target); the targets that
 * pass, and every error: `errors`, then admission's, then validation's, each in target order.
 */
function checkTargets(
  rendered: readonly TargetOutput[],
  errors: { id: string; message: string }[],
  timings: PhaseTimings,
  checked: ReadonlyMap<TargetOutput, TargetCheck> = new Map(),
): SynthReport {
  const admitted: TargetOutput[] = [];
  const validationErrors: { id: string; message: string }[] = [];
  for (const t of rendered) {
    const c = checked.get(t) ?? checkTarget(t, timings);
    validationErrors.push(...c.validationErrors);
    if (c.admitted) admitted.push(c.admitted);
    if (c.admissionError) errors.push(c.admissionError);
  }
  return { targets: admitted, errors: [...errors, ...validationErrors] };
}

/**
 * A rendered-manifests target with `install/` and `install.sh`; the rendered Secrets it cannot apply
 * become prerequisites, and admission sees the releases the script installs.
 */
function withInstallScript(t: TargetOutput): TargetOutput {
  const summary = t.summary.platform as PlatformSummary | undefined;
  const waveOf = (name: string) =>
    t.releases.find((r) => r.releaseName === name)?.wave ?? summary?.releases.find((r) => r.releaseName === name)?.wave ?? 0;
  const rendered = new Map(renderedReleases(t.files).map((r) => [r.release, r.objects]));
  const { script, files, withheld, skippedHooks } = installScript({
    id: t.id,
    stages: planInstallStages(t.manifestObjects),
    ownFiles: [...t.files.keys()].filter((f) => f.startsWith('manifests/')),
    sources: [
      ...t.releases.map((r) => ({ name: r.releaseName, wave: waveOf(r.releaseName) })),
      ...t.kustomizations.map((k) => ({ name: k.name, wave: k.wave })),
    ].map((s) => ({ ...s, objects: rendered.get(s.name) ?? [] })),
  });
  return {
    ...t,
    files: new Map([...t.files, ...files, ['install.sh', script]]),
    warnings: [
      ...t.warnings,
      ...(skippedHooks.length
        ? [`install.sh: leaves out ${skippedHooks.length} Helm hooks of other phases than install (listed in install.sh)`]
        : []),
    ],
    admission: {
      ...t.admission,
      releases: scriptedReleases(
        t.releases.map((r) => ({ ...r, wave: waveOf(r.releaseName) })),
        t.kustomizations,
      ),
      prerequisites: [...t.admission.prerequisites, ...withheld],
    },
  };
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

/**
 * Removes the folders of targets that are no longer synthesized (their stack config or example was
 * removed): any folder of `outDir` holding a SUMMARY.md and manifests/ that is not one of `targets`.
 * Returns the ids removed.
 */
export function pruneRemovedTargets(outDir: string, targets: readonly { readonly id: string }[]): string[] {
  if (!fs.existsSync(outDir)) return [];
  const keep = new Set(targets.map((t) => t.id));
  const removed: string[] = [];
  const visit = (dir: string) => {
    const id = path.relative(outDir, dir).split(path.sep).join('/');
    if (fs.existsSync(path.join(dir, 'SUMMARY.md')) && fs.existsSync(path.join(dir, 'manifests'))) {
      if (!keep.has(id)) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(id);
      }
      return;
    }
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(path.join(dir, e.name));
  };
  visit(outDir);
  return removed.sort();
}

/** Writes synthesized targets, replacing each target's folder. */
export function writeTargets(
  outDir: string,
  targets: readonly Pick<TargetOutput, 'id' | 'files'>[],
  timings = new PhaseTimings(),
): void {
  for (const t of targets)
    timings.time(t.id, 'write', () => {
      const dir = path.join(outDir, t.id);
      fs.rmSync(dir, { recursive: true, force: true });
      for (const [file, content] of t.files) {
        const target = path.join(dir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    });
}
