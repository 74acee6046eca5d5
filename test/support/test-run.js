// Jest's globalSetup (this module) and globalTeardown (test-run-teardown.js): each run of jest gets a
// folder for what its test files share (test/support/reference-synth.ts), made before any worker starts
// and named in AIREADY_TEST_RUN_DIR, which the workers inherit; removed when the run ends.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = () => {
  process.env.AIREADY_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-test-run-'));
};

module.exports.teardown = () => {
  const dir = process.env.AIREADY_TEST_RUN_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
