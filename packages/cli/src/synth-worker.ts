// Child-process entry of `aiready synth --watch`: one incremental synth in a fresh process, so that code
// rebuilt since the last run is the code that runs (a long-lived process would keep the modules it
// loaded first). Writes what it did for the watcher, which prints one line per run.
// Usage: node synth-worker.js <reportFile> <verbose|quiet> <synth arguments...>
import * as fs from 'fs';
import { synthCommand } from './main';
import type { SynthReport } from './synth';
import { tuneTiering } from './v8-tiering';

/** What one run did, for the watcher. */
export interface WorkerReport {
  readonly code: number;
  /** Targets synthesized, with the inputs that changed. */
  readonly changed: readonly { readonly id: string; readonly why: readonly string[] }[];
  readonly reused: readonly string[];
  readonly errors: readonly { readonly id: string; readonly message: string }[];
  /** Warnings of each synthesized target. */
  readonly warnings: Readonly<Record<string, readonly string[]>>;
  /** What to watch (see IncrementalReport.inputs); absent when synth stopped before looking at targets. */
  readonly inputs?: readonly string[];
}

/** The report of a run. */
export function workerReport(code: number, report: SynthReport | undefined): WorkerReport {
  const failed = new Set(report?.errors.map((e) => e.id));
  return {
    code,
    changed: (report?.incremental?.changed ?? []).filter((c) => !failed.has(c.id)),
    reused: (report?.incremental?.reused ?? []).map((t) => t.id),
    errors: report?.errors ?? [],
    warnings: Object.fromEntries((report?.targets ?? []).map((t) => [t.id, t.warnings])),
    ...(report?.incremental ? { inputs: report.incremental.inputs } : {}),
  };
}

if (require.main === module) {
  // A synth process: V8's tiering as the CLI's (v8-tiering.ts), from here on.
  tuneTiering();
  // Ctrl-C reaches the whole process group: the watcher lets this run finish, so it never stops mid-write.
  process.on('SIGINT', () => {});
  const [reportFile, mode, ...args] = process.argv.slice(2);
  const log = mode === 'verbose' ? (s: string) => process.stderr.write(`${s}\n`) : () => {};
  synthCommand([...args, '--incremental'], log).then(
    ({ code, report }) => {
      fs.writeFileSync(reportFile, JSON.stringify(workerReport(code, report)));
      process.exit(code);
    },
    (err: Error) => {
      fs.writeFileSync(
        reportFile,
        JSON.stringify(workerReport(2, { targets: [], errors: [{ id: 'synth', message: err.stack ?? String(err) }] })),
      );
      process.exit(2);
    },
  );
}
