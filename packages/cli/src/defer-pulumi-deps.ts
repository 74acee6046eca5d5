// Imported first by run-stack.ts, for its effect: the CLI's @pulumi/pulumi loads without the modules
// only closure serialization needs (see pulumi-runtime-tuning.ts).
import { deferPulumiClosureDeps } from './pulumi-runtime-tuning';

deferPulumiClosureDeps(__dirname);
