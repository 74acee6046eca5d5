// Imported first by run-stack.ts, for its effects, before anything heavy loads: the CLI's @pulumi/pulumi
// loads without the modules only closure serialization needs (see pulumi-runtime-tuning.ts), and on
// Node 22+ compiled modules are cached between runs (Node's compile cache, in its default folder). With
// --record-inputs (incremental synth), what the process reads is traced from here on.
import * as nodeModule from 'module';
import type { InputTrace } from './input-trace';
import { deferPulumiClosureDeps } from './pulumi-runtime-tuning';

/** The trace of what this stack's process reads, when the CLI asked for it (loaded only then). */
export const inputTrace: InputTrace | undefined = process.argv.includes('--record-inputs')
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('./input-trace') as typeof import('./input-trace')).startInputTrace()
  : undefined;

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
deferPulumiClosureDeps(__dirname);
