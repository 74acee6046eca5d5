// What the checker reports: problems in aiready's one validation format (object and field, bad value,
// what is wrong, the fix) and warnings, each tagged with the check that found it.
import { ValidationProblem, ValidationWarning } from '@aiready/core';

/** The checks of offline admission. */
export type AdmissionCheck =
  'pod-security' | 'resources' | 'references' | 'scheduling' | 'crds' | 'webhooks' | 'network-policy' | 'iam' | 'queues';

/** A problem: the cluster would refuse, or never run, what the target applies. */
export interface AdmissionProblem extends ValidationProblem {
  readonly check: AdmissionCheck;
  /** The object (`Deployment serving/llm`, `release platform-kueue`, `plan aws:iam/rolePolicy:RolePolicy::karpenter`). */
  readonly object: string;
  /** The field in that object (`spec.template.spec.containers[0].securityContext`); empty for the whole object. */
  readonly field: string;
}

/** A warning: valid, but probably not what was meant, or something only a live cluster can confirm. */
export interface AdmissionWarning extends ValidationWarning {
  readonly check: AdmissionCheck;
}

/** Collects findings in the order checks report them, without duplicates. */
export class Findings {
  public readonly problems: AdmissionProblem[] = [];
  public readonly warnings: AdmissionWarning[] = [];
  private readonly seen = new Set<string>();

  /** Records a problem (once): the object and field, the bad value, what is wrong and the fix. */
  public error(check: AdmissionCheck, object: string, field: string, value: unknown, problem: string, fix: string): void {
    const key = `E\u0000${check}\u0000${object}\u0000${field}\u0000${problem}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ check, object, field, path: field ? `${object} ${field}` : object, value, problem, fix });
  }

  /** Records a warning (once). */
  public warn(check: AdmissionCheck, path: string, message: string): void {
    const key = `W\u0000${check}\u0000${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push({ check, path, message });
  }
}
