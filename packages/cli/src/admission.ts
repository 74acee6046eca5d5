// Offline admission at synth: every target's objects (and what its charts render, when rendered) plus
// its cloud plan go through @aiready/admission before anything is written.
import {
  Acknowledgement,
  AdmissionReport,
  assertAdmitted,
  checkAdmission,
  KubeObject,
  objectKey,
  Prerequisite,
  Release,
  RenderedRelease,
} from '@aiready/admission';
import { KNOWN_DEFECTS } from './known-defects';
import { Plan } from './plan';
import { RecordedResource, resourceKey } from './recorded-resource';
import { yamlDocuments } from './yaml-documents';

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

/** What admission needs of a target, gathered while it is synthesized. */
export interface TargetAdmission {
  readonly objects: readonly KubeObject[];
  readonly plan?: Plan;
  /** Plan resource applying each object (Pulumi targets), by `group/Kind/namespace/name`. */
  readonly appliedBy?: Readonly<Record<string, string>>;
  /** Releases that no object or plan resource installs (rendered manifests: `install.sh`). */
  readonly releases?: readonly Release[];
  /** What the program declares (an example's `prerequisites` export, a stack's output). */
  readonly prerequisites: readonly Prerequisite[];
  /** Secrets the platform's releases read and nothing in it creates (listed by SUMMARY on their own). */
  readonly platformSecrets?: readonly PlatformSecret[];
}

/** A Secret the platform summary lists as a prerequisite. */
export interface PlatformSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly purpose: string;
}

/** Which ConfigGroup of the plan applies each object. */
export function appliedByOf(recorded: readonly RecordedResource[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of recorded) {
    if (r.type !== CONFIG_GROUP || !Array.isArray(r.inputs.objs)) continue;
    for (const o of r.inputs.objs as KubeObject[]) out[objectKey(o)] = resourceKey(r.type, r.name);
  }
  return out;
}

/** The rendered objects of a target's files: `rendered/<release>/<kind>.yaml` or `rendered/<release>.yaml`. */
export function renderedReleases(files: ReadonlyMap<string, string>): RenderedRelease[] {
  const byRelease = new Map<string, KubeObject[]>();
  for (const [file, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const m = /^rendered\/([^/]+?)(?:\.yaml|\/.+\.yaml)$/.exec(file);
    if (!m) continue;
    const objects = yamlDocuments(content)
      .map((d) => {
        if ('thrown' in d) throw d.thrown;
        return d.value as KubeObject | null;
      })
      .filter((o): o is KubeObject => !!o && typeof o === 'object' && typeof o.kind === 'string');
    byRelease.set(m[1], [...(byRelease.get(m[1]) ?? []), ...objects]);
  }
  return [...byRelease].map(([release, objects]) => ({ release, objects }));
}

/** The releases and kustomize bases `install.sh` applies, as admission sees releases. */
export function scriptedReleases(
  releases: readonly {
    releaseName: string;
    chart: string;
    version: string;
    namespace: string;
    values: unknown;
    skipCrds: boolean;
    wave?: number;
  }[],
  kustomizations: readonly { name: string; url: string; namespace: string; wave: number }[],
): Release[] {
  return [
    ...releases.map((r) => ({
      name: r.releaseName,
      type: 'helm' as const,
      chart: r.chart,
      version: r.version,
      namespace: r.namespace,
      values: r.values as Release['values'],
      skipCrds: r.skipCrds,
      createsNamespace: false,
      installer: `install.sh release ${r.releaseName}`,
      ...(r.wave === undefined ? {} : { wave: r.wave }),
    })),
    ...kustomizations.map((k) => ({
      name: k.name,
      type: 'kustomize' as const,
      // `github.com/<org>/<repo>/<path>?ref=<tag>`, as the plan's kustomize directories are read.
      path: k.url.replace(/\?ref=.*$/, '').replace(/^.*?github\.com\/[^/]+\/[^/]+\//, ''),
      namespace: k.namespace,
      values: {},
      skipCrds: false,
      createsNamespace: false,
      installer: `install.sh kustomization ${k.name}`,
      wave: k.wave,
    })),
  ];
}

/** Prerequisites a program declares (an example's `prerequisites` export, a stack's output), checked for shape. */
export function declaredPrerequisites(value: unknown, where: string): Prerequisite[] {
  if (value === undefined) return [];
  const ok = (p: unknown): p is Prerequisite => {
    const o = p as Record<string, unknown>;
    return (
      typeof o === 'object' &&
      o !== null &&
      typeof o.kind === 'string' &&
      typeof o.name === 'string' &&
      typeof o.reason === 'string'
    );
  };
  if (!Array.isArray(value) || !value.every(ok))
    throw new Error(`${where}: prerequisites must be a list of { kind, name, namespace?, reason }`);
  return value;
}

/** Acknowledged problems, one line each: the reason, then the problem as synth would refuse it. */
export function acknowledgedLines(report: AdmissionReport): string[] {
  return report.acknowledged.map(({ problem: p, reason }) => `${reason}: ${p.path}: ${p.problem}`);
}

/** Runs offline admission on a target; throws its problems as one validation error. */
export function admitTarget(id: string, input: TargetAdmission, files: ReadonlyMap<string, string>): AdmissionReport {
  const acknowledged: readonly Acknowledgement[] = KNOWN_DEFECTS[id] ?? [];
  const report = checkAdmission({
    objects: input.objects,
    rendered: renderedReleases(files),
    ...(input.releases ? { releases: input.releases } : {}),
    ...(input.plan ? { plan: input.plan, appliedBy: input.appliedBy } : {}),
    prerequisites: [
      ...input.prerequisites,
      ...(input.platformSecrets ?? []).map((s) => ({ kind: 'Secret', namespace: s.namespace, name: s.name, reason: s.purpose })),
    ],
    acknowledged,
  });
  assertAdmitted(id, report);
  return report;
}

/** Warnings of a report, one line each, stale acknowledgements included. */
export function admissionWarnings(report: AdmissionReport): string[] {
  return [
    ...report.warnings.map((w) => `${w.path}: ${w.message}`),
    ...acknowledgedLines(report).map((a) => `acknowledged: ${a}`),
    ...report.staleAcknowledgements.map(
      (a) =>
        `${a.object}: acknowledged ${a.check} finding (${a.reason}) no longer occurs; remove it from packages/cli/src/known-defects.ts`,
    ),
  ];
}
