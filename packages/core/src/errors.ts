import { hideCredentials } from './util/credentials';

/**
 * One problem found while validating user input.
 *
 * `path` locates the field in the user's input (`pools[1].instanceTypes[0]`), `value` is what the
 * user gave, `problem` says what is wrong with it and `fix` says what to do instead.
 */
export interface ValidationProblem {
  readonly path: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/**
 * The single error class aiready raises for bad input.
 *
 * It carries every problem found in one spec (validation never stops at the first one), and its
 * message lists them all with the field, the bad value and the fix.
 */
export class AireadyValidationError extends Error {
  public readonly problems: readonly ValidationProblem[];
  /** The construct path, resource name or spec name the problems belong to. */
  public readonly scope: string;

  constructor(scope: string, problems: readonly ValidationProblem[]) {
    // A credential given where a reference belongs is never repeated, in the message or the problems.
    const safe = problems.map((p) => ({ ...p, value: hideCredentials(p.path, p.value) }));
    super(formatProblems(scope, safe));
    this.name = 'AireadyValidationError';
    this.scope = scope;
    this.problems = safe;
  }
}

/**
 * A soft issue: the input is valid but probably not what the user wants. Warnings never stop
 * synthesis; they are printed and listed in SUMMARY.md.
 */
export interface ValidationWarning {
  readonly path: string;
  readonly message: string;
}

function formatProblems(scope: string, problems: readonly ValidationProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path} = ${show(p.value)}: ${p.problem}. Fix: ${p.fix}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `${scope}: ${problems.length} ${noun}\n${lines.join('\n')}`;
}

/** Renders a bad value for an error message, short enough to read. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Collects problems while a spec is checked, then throws them together.
 *
 * Plan functions create one, call `check`/`add` for every rule and finish with `throwIfAny`.
 */
export class ProblemCollector {
  private readonly found: ValidationProblem[] = [];

  constructor(private readonly scope: string) {}

  /** Records a problem; nothing is thrown until `throwIfAny`. */
  add(problem: ValidationProblem): void {
    this.found.push(problem);
  }

  /** Records a problem unless `ok` holds. */
  check(ok: boolean, problem: ValidationProblem): void {
    if (!ok) this.found.push(problem);
  }

  /** The problems recorded so far, in the order they were added. */
  get problems(): readonly ValidationProblem[] {
    return this.found;
  }

  /** Throws one `AireadyValidationError` listing every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.found.length > 0) throw new AireadyValidationError(this.scope, this.found);
  }
}
