#!/usr/bin/env node
'use strict';
require('../lib/main')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(`aiready: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
