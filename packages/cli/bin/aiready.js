#!/usr/bin/env node
'use strict';
// V8's tiering for a short-lived process, before anything else compiles (v8-tiering.ts).
require('../lib/v8-tiering').tuneTiering();
// Node 22+: compiled modules are cached between runs (Node's compile cache, in its default folder).
const { enableCompileCache } = require('module');
if (typeof enableCompileCache === 'function') enableCompileCache();
// The packages that build, validate and admit a target load at first use (lazy-modules.ts).
const { deferModule, TARGET_PACKAGES } = require('../lib/lazy-modules');
for (const pkg of TARGET_PACKAGES) deferModule(require.resolve(pkg));
// So do the commands and options a synth seldom takes: synth starts its stack processes sooner.
for (const own of ['charts-pull', 'render-kustomize', 'synth-watch', 'validate-command', 'diff', 'diff-report', 'incremental'])
  deferModule(require.resolve(`../lib/${own}`));
require('../lib/main')
  .main(process.argv.slice(2))
  // Exit once stdout is flushed: a long diff piped to a file or a PR comment must not be cut.
  .then((code) => process.stdout.write('', () => process.exit(code)))
  .catch((err) => {
    process.stderr.write(`aiready: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  });
