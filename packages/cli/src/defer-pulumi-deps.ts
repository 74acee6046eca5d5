// Imported first by run-stack.ts, for its effect: the CLI's @pulumi/pulumi loads without the modules
// only closure serialization needs (see lazy-modules.ts).
import { deferPulumiClosureDeps } from './lazy-modules';

deferPulumiClosureDeps(__dirname);
