// What installs a target whose platform is plain manifests (`ReleaseMaterializer.rendered()`, `gitops:
// rendered`): `install/<release>/` (each rendered release's objects, sorted into the steps Helm would
// take) and `install.sh`, which applies one install wave after the other, as Argo CD's sync waves and
// Flux's stages order them. Within a wave: namespaces and CRDs first (waiting until the CRDs are
// established); then per release its pre-install hooks (hook Jobs replaced and waited for, as Helm's
// before-hook-creation does), the Secrets a controller fills in (created once, never reset), its objects
// (waiting until its Deployments roll out, so its webhooks answer), its post-install hooks; then the
// platform's own objects of the wave. Hooks of other phases (delete, upgrade, rollback, test) are left
// out: applied at install they would run what Helm runs only then (a post-delete prune of node labels).
// Pure: objects in, files and script out.
import type { Prerequisite } from '@aiready/admission';
import type { InstallStage, KubeObject } from '@aiready/k8s';
import { renderedContent, wasRedacted } from './rendered-objects';

/** A rendered release or kustomize base: its objects as `rendered/<name>/` holds them, and its wave. */
export interface InstallSource {
  readonly name: string;
  readonly wave: number;
  readonly objects: readonly KubeObject[];
}

export interface InstallScriptInput {
  /** The target, for the script's header. */
  readonly id: string;
  /** The platform's own objects by wave (`manifests/<folder>/`). */
  readonly stages: readonly Pick<InstallStage, 'wave' | 'folder'>[];
  /** The files of the platform's own objects (`manifests/<folder>/<component>/<kind>.yaml`). */
  readonly ownFiles: readonly string[];
  readonly sources: readonly InstallSource[];
}

export interface InstallScript {
  readonly script: string;
  /** `install/<source>/<step>.yaml` → content. */
  readonly files: ReadonlyMap<string, string>;
  /** Rendered Secrets with values: never on disk, so the script does not apply them; the user creates them. */
  readonly withheld: readonly Prerequisite[];
  /** Hooks left out (`Job gpu-operator/x (post-delete)`). */
  readonly skippedHooks: readonly string[];
}

const INSTALL_PHASES = ['pre-install', 'post-install'];

type Meta = { name?: string; namespace?: string; annotations?: Record<string, string> };
const meta = (o: KubeObject) => (o.metadata ?? {}) as Meta;
const isCoreSecret = (o: KubeObject) => o.kind === 'Secret' && o.apiVersion === 'v1';
const secretValues = (o: KubeObject) =>
  [o.data, o.stringData]
    .flatMap((m) => Object.values((m as Record<string, unknown> | undefined) ?? {}))
    .map((v) => String(v ?? ''));
const hookPhases = (o: KubeObject) =>
  meta(o)
    .annotations?.['helm.sh/hook']?.split(',')
    .map((p) => p.trim()) ?? [];
const name = (o: KubeObject) => `${o.kind} ${meta(o).namespace ? `${meta(o).namespace}/` : ''}${meta(o).name ?? ''}`;

/** The steps of one release, by file name, in the order they are applied. */
type Step =
  | '00-namespaces'
  | '01-crds'
  | '10-pre-install'
  | '11-pre-install-jobs'
  | '20-placeholders'
  | '21-objects'
  | '30-post-install'
  | '31-post-install-jobs';

function stepOf(o: KubeObject): Step | 'withheld' | 'skipped' {
  const phases = hookPhases(o);
  if (phases.length && !phases.some((p) => INSTALL_PHASES.includes(p))) return 'skipped';
  if (wasRedacted(o)) return 'withheld';
  const job = o.kind === 'Job';
  if (phases.includes('pre-install')) return job ? '11-pre-install-jobs' : '10-pre-install';
  if (phases.includes('post-install')) return job ? '31-post-install-jobs' : '30-post-install';
  if (o.kind === 'Namespace') return '00-namespaces';
  if (o.kind === 'CustomResourceDefinition') return '01-crds';
  // An empty Secret a controller fills in (a webhook certificate): applied again, it would be reset.
  if (isCoreSecret(o) && secretValues(o).every((v) => v === '')) return '20-placeholders';
  return '21-objects';
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const files = (list: readonly string[]) => list.map((f) => `-f ${quote(f)}`).join(' ');

/** The install files and script of a target; see the file comment. */
export function installScript(input: InstallScriptInput): InstallScript {
  const out = new Map<string, string>();
  const withheld: Prerequisite[] = [];
  const skippedHooks: string[] = [];
  // Each source's objects by step; the files written for it.
  const steps = new Map<string, Map<Step, KubeObject[]>>();
  for (const s of [...input.sources].sort((a, b) => a.name.localeCompare(b.name))) {
    const bySteps = new Map<Step, KubeObject[]>();
    for (const o of s.objects) {
      const step = stepOf(o);
      if (step === 'skipped') skippedHooks.push(`${name(o)} (${hookPhases(o).join(',')}) of ${s.name}`);
      else if (step === 'withheld')
        withheld.push({
          kind: 'Secret',
          name: meta(o).name ?? '',
          ...(meta(o).namespace ? { namespace: meta(o).namespace } : {}),
          reason: `rendered by ${s.name} with values aiready never writes to disk; install.sh does not apply it, create it before install.sh runs`,
        });
      else bySteps.set(step, [...(bySteps.get(step) ?? []), o]);
    }
    for (const [step, objs] of bySteps) out.set(`install/${s.name}/${step}.yaml`, renderedContent(objs));
    steps.set(s.name, bySteps);
  }
  const file = (source: string, step: Step) => (steps.get(source)?.has(step) ? [`install/${source}/${step}.yaml`] : []);

  const lines = [
    '#!/bin/sh',
    `# Installs ${input.id} as aiready synth wrote it (gitops: rendered): one install wave after the other,`,
    '# applied server-side, each waited for before the next. Generated by aiready synth --render; do not edit.',
    '# Needs kubectl and a kubeconfig whose current context is the cluster; the prerequisites in SUMMARY.md first.',
    'set -eu',
    'cd "$(dirname "$0")"',
    'echo "installing into $(kubectl config current-context)"',
    'apply() { kubectl apply --server-side --force-conflicts --field-manager=aiready "$@"; }',
    '# Creates what does not exist yet and leaves what does alone (Secrets their controller has filled in).',
    'create_missing() {',
    '  out=$(kubectl create -f "$1" 2>&1) && return 0',
    "  if printf '%s\\n' \"$out\" | grep -v -e AlreadyExists -e ' created$' | grep -q .; then printf '%s\\n' \"$out\" >&2; return 1; fi",
    '}',
    '# Hook Jobs are replaced, as Helm does (before-hook-creation), and must complete.',
    'run_jobs() { kubectl delete --ignore-not-found --wait -f "$1"; apply -f "$1"; kubectl wait --for=condition=complete --timeout=10m -f "$1"; }',
  ];
  if (skippedHooks.length)
    lines.push('# Left out, hooks Helm runs only on delete, upgrade, rollback or test:', ...skippedHooks.map((h) => `#   ${h}`));
  const waves = [...new Set([...input.stages.map((s) => s.wave), ...input.sources.map((s) => s.wave)])].sort((a, b) => a - b);
  for (const wave of waves) {
    const sources = input.sources
      .filter((s) => s.wave === wave)
      .map((s) => s.name)
      .sort();
    const stage = input.stages.find((s) => s.wave === wave);
    const own = stage ? input.ownFiles.filter((f) => f.startsWith(`manifests/${stage.folder}/`)).sort() : [];
    const ownFirst = own.filter((f) => /\/(namespace|customresourcedefinition)\.yaml$/.test(f));
    const crds = [
      ...own.filter((f) => f.endsWith('/customresourcedefinition.yaml')),
      ...sources.flatMap((s) => file(s, '01-crds')),
    ];
    const first = [
      ...ownFirst.filter((f) => f.endsWith('/namespace.yaml')),
      ...sources.flatMap((s) => file(s, '00-namespaces')),
      ...crds,
    ];
    if (!own.length && !sources.some((s) => steps.get(s)?.size)) continue;
    lines.push('', `# wave ${wave}${sources.length ? `: ${sources.join(', ')}` : ''}`);
    if (first.length) lines.push(`apply ${files(first)}`);
    if (crds.length) lines.push(`kubectl wait --for=condition=Established --timeout=5m ${files(crds)}`);
    for (const s of sources) {
      const bySteps = steps.get(s)!;
      for (const f of file(s, '10-pre-install')) lines.push(`apply -f ${quote(f)}`);
      for (const f of file(s, '11-pre-install-jobs')) lines.push(`run_jobs ${quote(f)}`);
      for (const f of file(s, '20-placeholders')) lines.push(`create_missing ${quote(f)}`);
      for (const f of file(s, '21-objects')) lines.push(`apply -f ${quote(f)}`);
      // The release answers (webhooks, controllers) before its post-install hooks and anything later.
      for (const d of (bySteps.get('21-objects') ?? []).filter((o) => o.kind === 'Deployment'))
        lines.push(
          `kubectl -n ${quote(meta(d).namespace ?? 'default')} rollout status ${quote(`deployment/${meta(d).name ?? ''}`)} --timeout=10m`,
        );
      for (const f of file(s, '30-post-install')) lines.push(`apply -f ${quote(f)}`);
      for (const f of file(s, '31-post-install-jobs')) lines.push(`run_jobs ${quote(f)}`);
    }
    const rest = own.filter((f) => !ownFirst.includes(f));
    if (rest.length) lines.push(`apply ${files(rest)}`);
  }
  lines.push('', `echo "installed ${input.id}"`, '');
  return {
    script: lines.join('\n'),
    files: new Map([...out].sort(([a], [b]) => a.localeCompare(b))),
    withheld: withheld.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    skippedHooks,
  };
}
