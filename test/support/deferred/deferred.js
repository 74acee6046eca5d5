// Jest loads every module again for each test file, and @pulumi/pulumi requires TypeScript's compiler
// (9 MB) and npm's arborist when it loads, for closure serialization only, which no test uses: about a
// second of each test file that loads @pulumi/pulumi; @aiready/k8s requires cdk8s-plus-28 (2.7 MB of
// generated bindings), which most of its test files never use. jest.config.js maps those to the stand-ins
// here, which load the real module at its first use (any property read, `in`, or key listing), as
// `aiready synth`'s stack processes do (packages/cli/src/lazy-modules.ts).
'use strict';

/** The stand-in maker of `aiready synth` (lazyExports), for jest's module registry. */
exports.deferred = require('../../../packages/cli/src/lazy-modules').lazyExports;
