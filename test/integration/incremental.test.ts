// End to end: `aiready synth --incremental` synthesizes again only the targets whose inputs changed, and
// writes the same bytes a full synth writes. A small repository (test/support/tiny-repo.ts): a stack with
// configs dev and prod, an example loading a linked package and reading $TINY_LABEL.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileContents } from '../support/repo-files';
import { BIN, tinyRepo } from '../support/tiny-repo';

const root = tinyRepo();
const cache = path.join(root, 'cache');
let env: NodeJS.ProcessEnv = { TINY_LABEL: 'green' };

function synth(out: string, ...flags: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'synth', '--out', out, ...flags], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (run.status !== 0) throw new Error(`synth ${flags.join(' ')} failed:\n${run.stderr}`);
  return run.stderr;
}

/** Synthesizes incrementally into dist/; the targets synthesized and those reused. */
function incremental(): { synthesized: string[]; reused: string[] } {
  const log = synth('dist', '--incremental', '--synth-cache', cache);
  const ids = (re: RegExp) => [...log.matchAll(re)].map((m) => m[1]).sort();
  return { synthesized: ids(/^aiready synth: (\S+) done in/gm), reused: ids(/^aiready synth: (\S+) unchanged/gm) };
}

/** A full synth into full/ gives exactly the files incremental synth wrote into dist/. */
function expectSameAsFullSynth(): void {
  fs.rmSync(path.join(root, 'full'), { recursive: true, force: true });
  synth('full');
  expect(fileContents(path.join(root, 'dist'))).toEqual(fileContents(path.join(root, 'full')));
}

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// The tests run in order, each from the state the one before left.
describe('aiready synth --incremental', () => {
  // (test/integration/synth.test.ts compares a synth reusing every reference target with a full synth.)
  test('synthesizes every target first; then reuses every one', () => {
    // GIVEN no synth cache WHEN synthesized twice
    const first = incremental();
    const second = incremental();
    // THEN
    expect(first).toEqual({ synthesized: ['examples/tiny', 'tiny-dev', 'tiny-prod'], reused: [] });
    expect(second).toEqual({ synthesized: [], reused: ['examples/tiny', 'tiny-dev', 'tiny-prod'] });
  });

  test('a changed stack config synthesizes that stack only', () => {
    // GIVEN prod's config changed
    fs.writeFileSync(path.join(root, 'stacks/tiny/Pulumi.prod.yaml'), 'config:\n  tiny:size: huge\n');
    // WHEN
    const run = incremental();
    // THEN
    expect(run).toEqual({ synthesized: ['tiny-prod'], reused: ['examples/tiny', 'tiny-dev'] });
    expect(fs.readFileSync(path.join(root, 'dist/tiny-prod/plan.json'), 'utf8')).toContain('"size": "huge"');
  });

  test('a changed package the example loads (a workspace package, outside node_modules) synthesizes the example only', () => {
    // GIVEN tinylib changed
    fs.writeFileSync(path.join(root, 'tinylib/index.js'), "exports.label = () => 'second';\n");
    // WHEN
    const run = incremental();
    // THEN
    expect(run).toEqual({ synthesized: ['examples/tiny'], reused: ['tiny-dev', 'tiny-prod'] });
    expect(fs.readFileSync(path.join(root, 'dist/examples/tiny/manifests/platform/configmap.yaml'), 'utf8')).toContain(
      'label: second',
    );
  });

  test('a changed environment variable the example reads synthesizes the example only', () => {
    // GIVEN $TINY_LABEL changed
    env = { TINY_LABEL: 'blue' };
    // WHEN
    const run = incremental();
    // THEN
    expect(run).toEqual({ synthesized: ['examples/tiny'], reused: ['tiny-dev', 'tiny-prod'] });
    expect(fs.readFileSync(path.join(root, 'dist/examples/tiny/manifests/platform/configmap.yaml'), 'utf8')).toContain(
      'env: blue',
    );
  });

  test('a damaged or missing cache entry: that target is synthesized again; the output is a full synth', () => {
    // GIVEN the example's entry damaged and dev's gone
    fs.writeFileSync(path.join(cache, `${encodeURIComponent('examples/tiny')}.json`), '{"layout": 1, "id": ');
    fs.rmSync(path.join(cache, 'tiny-dev.json'));
    // WHEN
    const run = incremental();
    // THEN
    expect(run).toEqual({ synthesized: ['examples/tiny', 'tiny-dev'], reused: ['tiny-prod'] });
    expectSameAsFullSynth();
  });

  test('a removed example is removed from the output and from the cache', () => {
    // GIVEN the example removed
    fs.rmSync(path.join(root, 'examples/tiny'), { recursive: true });
    // WHEN
    const run = incremental();
    // THEN
    expect(run).toEqual({ synthesized: [], reused: ['tiny-dev', 'tiny-prod'] });
    expect(fs.existsSync(path.join(root, 'dist/examples/tiny'))).toBe(false);
    expect(fs.readdirSync(cache).sort()).toEqual(['tiny-dev.json', 'tiny-prod.json']);
  });

  test('refuses --synth-cache without --incremental or --watch', () => {
    const run = spawnSync(process.execPath, [BIN, 'synth', '--synth-cache', cache], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--synth-cache is an option of --incremental and --watch');
  });
});
