import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { relevantChange, runLine, watchedFolders } from '../src/synth-watch';
import type { WorkerReport } from '../src/synth-worker';
import { BIN, EXAMPLE, tinyRepo } from '../../../test/support/tiny-repo';
import { removedAfter, tempDir } from '../../../test/support/temp-files';

const tmp = () => tempDir('aiready-watch-test');

describe('relevantChange', () => {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'stacks/new/lib'), { recursive: true });
  fs.writeFileSync(path.join(root, 'stacks/new/Pulumi.yaml'), 'name: new\n');
  const inputs = [path.join(root, 'packages/k8s'), path.join(root, 'stacks/s'), path.join(root, 'data/x.json')];

  it.each<[string, boolean, readonly string[] | undefined]>([
    ['packages/k8s/lib/pool.js', true, inputs],
    ['packages/k8s/lib/pool.d.ts', true, inputs],
    ['stacks/s/Pulumi.prod.yaml', true, inputs],
    ['data/x.json', true, inputs],
    ['examples/new/lib/main.js', true, inputs], // an example being built
    ['stacks/new/lib/index.js', true, inputs], // a Pulumi project being built
    ['other/Pulumi.yaml', true, inputs], // a project appears
    ['cdk8s.yaml', true, inputs],
    ['docs/usage.md', false, inputs],
    ['packages/k8s/src/pool.ts', false, inputs], // counts once compiled
    ['examples/a/main.ts', false, inputs],
    ['packages/k8s/tsconfig.tsbuildinfo', false, inputs],
    ['stacks/s/.Pulumi.dev.yaml.swp', false, inputs],
    ['stacks/s/Pulumi.dev.yaml~', false, inputs],
    ['stacks/s/4913', false, inputs],
    ['docs/usage.md', true, undefined], // before any run said what it read
  ])('%s: %s', (file, expected, given) => {
    expect(relevantChange(path.join(root, file), root, given)).toBe(expected);
  });
});

describe('watchedFolders', () => {
  it("lists the root's folders and the inputs' outside it, never node_modules, dot folders or the output", () => {
    // GIVEN a repository and a package outside it
    const root = tmp();
    const outside = tmp();
    for (const d of ['a/b', 'node_modules/x', '.git/refs', 'dist/t', 'cache'])
      fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.mkdirSync(path.join(outside, 'pkg/lib'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'loose.json'), '{}');
    // WHEN
    const folders = watchedFolders(
      root,
      [path.join(outside, 'pkg'), path.join(outside, 'loose.json')],
      [path.join(root, 'dist'), path.join(root, 'cache')],
    );
    // THEN
    expect(folders).toEqual(
      [
        root,
        path.join(root, 'a'),
        path.join(root, 'a/b'),
        outside,
        path.join(outside, 'pkg'),
        path.join(outside, 'pkg/lib'),
      ].sort(),
    );
  });
});

describe('runLine', () => {
  const report = (r: Partial<WorkerReport>): WorkerReport => ({
    code: 0,
    changed: [],
    reused: [],
    errors: [],
    warnings: {},
    ...r,
  });
  it.each<[string, readonly string[], WorkerReport | undefined, string]>([
    [
      'names the change, the targets synthesized with why, and the time',
      ['stacks/s/Pulumi.prod.yaml'],
      report({ changed: [{ id: 's-prod', why: ['stacks/s/Pulumi.prod.yaml'] }], reused: ['s-dev', 'examples/a'] }),
      'aiready synth --watch: stacks/s/Pulumi.prod.yaml changed: re-synthesized s-prod (stacks/s/Pulumi.prod.yaml) in 1.5 s; 2 unchanged',
    ],
    [
      'shortens long lists',
      ['a', 'b', 'c', 'd', 'e'],
      report({ changed: [{ id: 'x', why: ['1', '2', '3'] }] }),
      'aiready synth --watch: a, b, c and 2 more changed: re-synthesized x (1, 2 and 1 more) in 1.5 s; 0 unchanged',
    ],
    [
      'says when nothing was to synthesize',
      ['README.md'],
      report({ reused: ['a'] }),
      'aiready synth --watch: README.md changed: nothing to re-synthesize (1 unchanged), in 1.5 s',
    ],
    [
      'says what failed and that nothing was written',
      ['x'],
      report({ code: 1, errors: [{ id: 's-dev', message: 'bad' }] }),
      'aiready synth --watch: x changed: FAILED (s-dev), nothing written, in 1.5 s',
    ],
    [
      'says when synth did not report',
      ['x'],
      undefined,
      'aiready synth --watch: x changed: synth did not report (crashed?), in 1.5 s',
    ],
  ])('%s', (_, files, given, expected) => {
    expect(runLine(files, given, 1.5)).toBe(expected);
  });
});

describe('aiready synth --watch', () => {
  test('synthesizes, re-synthesizes the example whose compiled program changed (not on its TypeScript source), stops on Ctrl-C', async () => {
    // GIVEN a repository with one example, watched
    const root = removedAfter(tinyRepo({ stack: false }));
    const child = spawn(process.execPath, [BIN, 'synth', '--watch', '--synth-cache', path.join(root, 'cache')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const waiters: (() => void)[] = [];
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      waiters.forEach((w) => w());
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // No timer here: the test's own timeout bounds the wait.
    const waitFor = (re: RegExp) =>
      new Promise<RegExpMatchArray>((resolve) => {
        const check = () => {
          const m = log.match(re);
          if (m) resolve(m);
        };
        waiters.push(check);
        check();
      });
    await waitFor(/--watch: watching \d+ folders/);
    expect(log).toMatch(/^aiready synth: examples\/tiny done in/m);

    // WHEN its TypeScript source is saved, then compiled into lib/main.js
    fs.writeFileSync(path.join(root, 'examples/tiny/main.ts'), '// edited\n');
    fs.writeFileSync(path.join(root, 'examples/tiny/lib/main.js'), EXAMPLE.replace('label: label()', "label: 'edited'"));

    // THEN one line says the compiled program changed (the source is not a change of its own) and the example
    // was synthesized again, and the output has the change
    const [line] = await waitFor(/^aiready synth --watch: .* changed: .*$/m);
    expect(line).toMatch(
      /^aiready synth --watch: examples\/tiny\/lib\/main.js changed: re-synthesized examples\/tiny \(examples\/tiny\/lib\/main.js, examples\/tiny\/main.ts\) in \d+\.\d s; 0 unchanged$/,
    );
    expect(fs.readFileSync(path.join(root, 'dist/examples/tiny/manifests/platform/configmap.yaml'), 'utf8')).toContain(
      'label: edited',
    );

    // WHEN Ctrl-C
    child.kill('SIGINT');
    // THEN it stops cleanly
    expect(await exited).toBe(0);
    expect(log).toMatch(/--watch: stopped\n$/);
  }, 120_000);
});
