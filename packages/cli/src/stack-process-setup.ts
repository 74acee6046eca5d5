// Imported first by run-stack.ts, for its effects, before anything heavy loads: V8's tiering is set
// (v8-tiering.ts), @pulumi/pulumi loads without the modules only closure serialization needs (see
// pulumi-runtime-tuning.ts), and on Node 22+ compiled modules are cached between runs (Node's compile
// cache, in its default folder). With --record-inputs (incremental synth), what the process reads is
// traced from here on.
import * as nodeModule from 'module';
import type { InputTrace } from './input-trace';
import { tuneTiering } from './v8-tiering';
import { deferPulumiClosureDeps } from './pulumi-runtime-tuning';

// V8's tiering for a stack process (v8-tiering.ts), before the rest loads.
tuneTiering();

/** The trace of what this stack's process reads, when the CLI asked for it (loaded only then). */
export const inputTrace: InputTrace | undefined = process.argv.includes('--record-inputs')
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('./input-trace') as typeof import('./input-trace')).startInputTrace()
  : undefined;

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
deferPulumiClosureDeps(__dirname);
