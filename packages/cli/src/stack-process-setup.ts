// Imported first by run-stack.ts, for its effects, before anything heavy loads: the CLI's @pulumi/pulumi
// loads without the modules only closure serialization needs (see pulumi-runtime-tuning.ts), and on
// Node 22+ compiled modules are cached between runs (Node's compile cache, in its default folder). With
// --record-inputs (incremental synth), what the process reads is traced from here on.
import * as nodeModule from 'module';
import { InputTrace, startInputTrace } from './input-trace';
import { deferPulumiClosureDeps } from './pulumi-runtime-tuning';

/** The trace of what this stack's process reads, when the CLI asked for it. */
export const inputTrace: InputTrace | undefined = process.argv.includes('--record-inputs') ? startInputTrace() : undefined;

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
deferPulumiClosureDeps(__dirname);
