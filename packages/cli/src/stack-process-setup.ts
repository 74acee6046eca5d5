// Imported first by run-stack.ts, for its effects, before anything heavy loads: the CLI's @pulumi/pulumi
// loads without the modules only closure serialization needs (see pulumi-runtime-tuning.ts), and on
// Node 22+ compiled modules are cached between runs (Node's compile cache, in its default folder).
import * as nodeModule from 'module';
import { deferPulumiClosureDeps } from './pulumi-runtime-tuning';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
deferPulumiClosureDeps(__dirname);
