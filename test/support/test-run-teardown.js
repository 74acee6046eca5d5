// Jest's globalTeardown: see test-run.js.
'use strict';
module.exports = require('./test-run').teardown;
