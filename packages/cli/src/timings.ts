// `aiready synth --timings`: wall time per phase and per target, printed to stderr, never written to the
// output. For finding where a synth's time goes before changing anything (issue 19).

/** The phases of a synth, in the order a target goes through them. */
export const PHASES = ['load', 'construct', 'plan', 'serialize', 'render', 'validate', 'admission', 'write'] as const;

/** One phase of a synth. */
export type Phase = (typeof PHASES)[number];

/** What each phase covers, printed under the table. */
const MEANING: Record<Phase, string> = {
  load: "a stack: its process started, Node and @pulumi/pulumi loaded (for the first stack of a process; a later one: the previous stack's result written), its result read back once the CLI is free (all but construct); the CLI's own start",
  construct:
    'a stack: its program (its modules loaded, config read, platform planned, resources created under mocks) and its outputs; an example: its module loaded and buildApp()',
  plan: 'a stack: the resources its program created, into plan.json',
  serialize: "the target's objects laid out into manifests/ (YAML)",
  render: 'helm template and kustomize (--render)',
  validate: 'schema validation against the bundled upstream schemas',
  admission: 'offline admission and SUMMARY.md',
  write: "the target's files written to the output folder",
};

/** Wall time per target and phase, in milliseconds; a phase timed twice for a target adds up. */
export class PhaseTimings {
  private readonly ms = new Map<string, Map<Phase, number>>();
  private readonly now: () => number;

  /** @param now clock in milliseconds @default - process.hrtime */
  constructor(now: () => number = () => Number(process.hrtime.bigint()) / 1e6) {
    this.now = now;
  }

  /** Adds `ms` to `phase` of `target`. */
  add(target: string, phase: Phase, ms: number): void {
    const phases = this.ms.get(target) ?? new Map<Phase, number>();
    phases.set(phase, (phases.get(phase) ?? 0) + ms);
    this.ms.set(target, phases);
  }

  /** Runs `fn`, counting its wall time to `phase` of `target`; returns what `fn` returns. */
  time<T>(target: string, phase: Phase, fn: () => T): T {
    const start = this.now();
    try {
      return fn();
    } finally {
      this.add(target, phase, this.now() - start);
    }
  }

  /** Milliseconds of `phase` of `target`, if it was timed. */
  get(target: string, phase: Phase): number | undefined {
    return this.ms.get(target)?.get(phase);
  }

  /**
   * The table `--timings` prints: one row per target (in the order first timed), one column per phase
   * timed for any target, seconds with two decimals, then the sum per phase and what each phase means.
   * Targets run concurrently (stack processes beside the examples), so the sum is CPU-ish, not wall.
   */
  lines(): string[] {
    const phases = PHASES.filter((p) => [...this.ms.values()].some((m) => m.has(p)));
    const total = new Map<Phase, number>();
    const cell = (ms: number | undefined) => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
    const rows = [...this.ms].map(([target, m]) => {
      for (const [p, v] of m) total.set(p, (total.get(p) ?? 0) + v);
      return [target, ...phases.map((p) => cell(m.get(p)))];
    });
    rows.push(['(sum)', ...phases.map((p) => cell(total.get(p)))]);
    const header = ['target', ...phases];
    const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
    return [`timings (wall seconds per phase):`, line(header), ...rows.map(line), ...phases.map((p) => `  ${p}: ${MEANING[p]}`)];
  }
}
