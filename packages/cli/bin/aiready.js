#!/usr/bin/env node
'use strict';
// Node 22+: compiled modules are cached between runs (Node's compile cache, in its default folder).
const { enableCompileCache } = require('module');
if (typeof enableCompileCache === 'function') enableCompileCache();
require('../lib/main')
  .main(process.argv.slice(2))
  // Exit once stdout is flushed: a long diff piped to a file or a PR comment must not be cut.
  .then((code) => process.stdout.write('', () => process.exit(code)))
  .catch((err) => {
    process.stderr.write(`aiready: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  });
