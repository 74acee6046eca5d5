// A small repository for end-to-end tests of incremental synth and --watch: a Pulumi stack with two
// configs (plain JavaScript: one resource, sized by its config) and a cdk8s example that loads a local
// package (tinylib, linked into node_modules like a workspace package) and reads an environment
// variable. Both cheap to synthesize; this checkout's @pulumi/pulumi, cdk8s and @aiready/k8s are linked.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { write } from './temp-files';

const ROOT = path.resolve(__dirname, '../..');
/** The aiready command of this checkout. */
export const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');

/** The example's program: one ConfigMap, its data from tinylib and $TINY_LABEL. */
export const EXAMPLE = `'use strict';
const { App, Chart, ApiObject } = require('cdk8s');
const { label } = require('tinylib');
exports.buildApp = () => {
  const app = new App();
  const chart = new Chart(app, 'tiny');
  new ApiObject(chart, 'settings', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default' },
    data: { label: label(), env: process.env.TINY_LABEL ?? 'unset' },
  });
  return app;
};
`;

const STACK = `'use strict';
const pulumi = require('@pulumi/pulumi');
const config = new pulumi.Config('tiny');
class Bucket extends pulumi.CustomResource {
  constructor(name, args) {
    super('aws:s3/bucket:Bucket', name, args);
  }
}
new Bucket('data', { bucket: 'tiny-data', tags: { size: config.require('size') } });
exports.size = config.require('size');
`;

function link(from: string, to: string): void {
  fs.mkdirSync(path.dirname(from), { recursive: true });
  fs.symlinkSync(fs.realpathSync(to), from);
}

/**
 * A fresh tiny repository: `stacks/tiny` (configs dev and prod, with `tiny:size`), `examples/tiny`,
 * `tinylib/` (linked as node_modules/tinylib). With `stack: false`, the example only.
 */
export function tinyRepo(options: { readonly stack?: boolean } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-tiny-'));
  if (options.stack !== false) {
    write(path.join(root, 'stacks/tiny/Pulumi.yaml'), 'name: tiny\nruntime: nodejs\n');
    write(path.join(root, 'stacks/tiny/Pulumi.dev.yaml'), 'config:\n  tiny:size: small\n');
    write(path.join(root, 'stacks/tiny/Pulumi.prod.yaml'), 'config:\n  tiny:size: large\n');
    write(path.join(root, 'stacks/tiny/lib/index.js'), STACK);
    link(path.join(root, 'node_modules/@pulumi/pulumi'), path.join(ROOT, 'packages/cli/node_modules/@pulumi/pulumi'));
  }
  write(path.join(root, 'examples/tiny/main.ts'), '// compiled into lib/main.js\n');
  write(path.join(root, 'examples/tiny/lib/main.js'), EXAMPLE);
  write(path.join(root, 'tinylib/package.json'), '{ "name": "tinylib", "version": "1.0.0", "main": "index.js" }\n');
  write(path.join(root, 'tinylib/index.js'), "exports.label = () => 'first';\n");
  link(path.join(root, 'node_modules/tinylib'), path.join(root, 'tinylib'));
  link(path.join(root, 'node_modules/cdk8s'), path.join(ROOT, 'packages/k8s/node_modules/cdk8s'));
  link(path.join(root, 'node_modules/@aiready/k8s'), path.join(ROOT, 'packages/k8s'));
  // main.ts is older than lib/main.js, as after a build.
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(root, 'examples/tiny/main.ts'), past, past);
  return root;
}
