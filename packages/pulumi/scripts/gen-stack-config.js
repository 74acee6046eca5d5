#!/usr/bin/env node
// Writes docs/stack-config.md (the stack config reference) from the compiled runtime schema. Run by
// `pnpm docs:config` (after `tsc -b`) whenever a stack or platform config key changes; never edit the
// output by hand. packages/pulumi/test/stack-config-reference.test.ts fails when the file is stale.
'use strict';
const fs = require('fs');
const path = require('path');
const { stackConfigReference, STACK_CONFIG_REFERENCE_PATH } = require('../lib/stack/stack-config-reference');

const out = path.resolve(__dirname, '../../..', STACK_CONFIG_REFERENCE_PATH);
fs.writeFileSync(out, stackConfigReference());
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
