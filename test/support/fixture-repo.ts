// A team's IaC repository in miniature, for end-to-end tests of `aiready diff --base` and the CI
// example: one cdk8s app (prebuilt JavaScript) using this checkout's @aiready/k8s, in a git repository
// with an `origin` remote and a pull-request branch. No network: "installing" a checkout links the
// fixture's node_modules.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/** The app, with its one GPU pool's maxNodes. */
function app(maxNodes: number): string {
  return `'use strict';
const { App } = require('cdk8s');
const { AiPlatform } = require('@aiready/k8s');
// Argo CD applies the output: it runs in the cluster already.
exports.prerequisites = [
  { kind: 'Namespace', name: 'argocd', reason: 'Argo CD runs there' },
  { kind: 'CustomResourceDefinition', name: 'argoproj.io/Application', reason: 'Argo CD applies this output' },
];
exports.buildApp = () => {
  const app = new App();
  new AiPlatform(app, 'platform', {
    clusterName: 'fixture',
    pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'], capacityType: 'spot', maxNodes: ${maxNodes} }],
  });
  return app;
};
`;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'ci',
      GIT_AUTHOR_EMAIL: 'ci@example.com',
      GIT_COMMITTER_NAME: 'ci',
      GIT_COMMITTER_EMAIL: 'ci@example.com',
    },
  });
}

/** Links the packages the app and the CLI need from this checkout into `dir`/node_modules. */
export function linkNodeModules(dir: string): void {
  const nm = path.join(dir, 'node_modules');
  const link = (name: string, target: string) => {
    fs.mkdirSync(path.dirname(path.join(nm, name)), { recursive: true });
    fs.symlinkSync(fs.realpathSync(target), path.join(nm, name));
  };
  link('@aiready/k8s', path.join(ROOT, 'packages/k8s'));
  link('@aiready/cli', path.join(ROOT, 'packages/cli'));
  link('cdk8s', path.join(ROOT, 'packages/k8s/node_modules/cdk8s'));
  link('.bin/aiready', path.join(ROOT, 'packages/cli/bin/aiready.js'));
}

/**
 * A repository whose `origin/main` has the pool at `baseNodes` and whose checked-out branch `pr` has
 * it at `prNodes`. Returns the working copy.
 */
export function fixtureRepo(baseNodes: number, prNodes: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-fixture-'));
  const work = path.join(root, 'work');
  const example = path.join(work, 'examples/platform');
  fs.mkdirSync(path.join(example, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(work, '.gitignore'), 'node_modules/\ndist/\n');
  fs.writeFileSync(path.join(example, 'main.ts'), '// built into lib/main.js\n');
  fs.writeFileSync(path.join(example, 'lib/main.js'), app(baseNodes));
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'platform');
  git(root, 'clone', '--quiet', '--bare', work, path.join(root, 'origin.git'));
  git(work, 'remote', 'add', 'origin', path.join(root, 'origin.git'));
  git(work, 'fetch', '--quiet', 'origin');
  git(work, 'checkout', '--quiet', '-b', 'pr');
  fs.writeFileSync(path.join(example, 'lib/main.js'), app(prNodes));
  git(work, 'commit', '--quiet', '-am', 'more GPUs');
  linkNodeModules(work);
  return work;
}

/** The command that "installs" a checkout of the fixture (the base's worktree): the same node_modules. */
export function fixtureSetup(work: string): string {
  // The checkout writes lib/main.js before main.ts: "build" it (touch), as a real setup's build would,
  // or synth may find main.ts newer than what it runs.
  return `ln -s ${JSON.stringify(path.join(work, 'node_modules'))} node_modules && find examples -path '*/lib/*.js' -exec touch {} +`;
}
