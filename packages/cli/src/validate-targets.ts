// Validation of synthesized targets with @aiready/validate: each target is one cluster. Used by
// `aiready synth` before anything is written and by `aiready validate` on a written tree.
import { KubeObject, manifestPath } from '@aiready/k8s';
import { ObjectToValidate, validateObjects, ValidationReport } from '@aiready/validate';
import { yamlDocuments } from './yaml-documents';

/** The objects of one YAML (or JSON) file, `List`s unwrapped; a parse error names the file. */
export function parseManifests(content: string, source: string): ObjectToValidate[] {
  const out: ObjectToValidate[] = [];
  for (const doc of yamlDocuments(content)) {
    if (doc.error !== undefined) throw new Error(`${source}: not valid YAML: ${doc.error}`);
    if ('thrown' in doc) throw doc.thrown;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const object = doc.value as any;
    if (object === null || object === undefined) continue;
    const items = object?.kind?.endsWith?.('List') && Array.isArray(object.items) ? object.items : [object];
    for (const item of items) out.push({ object: item, source });
  }
  return out;
}

/** A validated target. */
export interface TargetValidation {
  readonly id: string;
  readonly report: ValidationReport;
}

/** Validates the objects of one target (its manifests and rendered charts together: one cluster). */
export function validateTarget(
  id: string,
  items: readonly ObjectToValidate[],
  options: { skipUnknownKinds?: boolean; cel?: boolean } = {},
): TargetValidation {
  return {
    id,
    report: validateObjects(items, { unknownKinds: options.skipUnknownKinds ? 'skip' : 'error', cel: options.cel }),
  };
}

/** One line per problem: `<source> <Kind ns/name> <path>: <message>`. */
export function problemLines(v: TargetValidation): string[] {
  return v.report.problems.map(
    (p) => `${v.id}/${p.source ?? '?'}: ${p.object}: ${p.path === '<object>' ? '' : `${p.path}: `}${p.message}`,
  );
}

/** `<id>: N objects valid, N problems, N skipped; CEL rules: ...`. */
export function summaryLine(v: TargetValidation): string {
  const r = v.report;
  const cel = r.cel;
  return (
    `${v.id}: ${r.checked} objects checked, ${r.problems.length} problems, ${r.skipped.length} skipped; ` +
    `CEL rules: ${cel.evaluated} evaluated, ${cel.failed} failed, ${cel.unchecked.size} unchecked, ${cel.updateOnly} update-only`
  );
}

/** What could not be checked (Go-only regexes, CEL outside the library), once per rule. */
export function uncheckedLines(validations: readonly TargetValidation[]): string[] {
  const rules = new Map<string, string>();
  const patterns = new Map<string, string>();
  for (const v of validations) {
    for (const [rule, why] of v.report.cel.unchecked) rules.set(rule, why);
    for (const [pattern, why] of v.report.uncheckedPatterns) patterns.set(pattern, why);
  }
  return [
    ...[...patterns].sort().map(([p, why]) => `unchecked pattern ${p}: ${why}`),
    ...[...rules].sort().map(([r, why]) => `unchecked CEL rule ${r}: ${why}`),
  ];
}

/** A synthesized target, still in memory: its objects, and its files (rendered charts among them). */
export interface TargetObjects {
  readonly id: string;
  readonly manifestObjects: readonly KubeObject[];
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Validates every target before anything is written: its manifests (as synthesized) and whatever was
 * rendered into rendered/, as one cluster. A target with problems becomes an error listing them all.
 */
export function validateOutputs<T extends TargetObjects>(
  targets: readonly T[],
): { valid: T[]; errors: { id: string; message: string }[] } {
  const valid: T[] = [];
  const errors: { id: string; message: string }[] = [];
  for (const t of targets) {
    const items = [
      ...t.manifestObjects.map((object) => ({ object, source: `manifests/${manifestPath(object)}` })),
      ...[...t.files]
        .filter(([file]) => file.startsWith('rendered/') && /\.ya?ml$/.test(file))
        .flatMap(([file, content]) => parseManifests(content, file)),
    ];
    const v = validateTarget(t.id, items);
    if (v.report.problems.length === 0) valid.push(t);
    else {
      const lines = problemLines(v).map((l) => `  - ${l}`);
      errors.push({ id: t.id, message: `${lines.length} problems against the upstream schemas:\n${lines.join('\n')}` });
    }
  }
  return { valid, errors };
}
