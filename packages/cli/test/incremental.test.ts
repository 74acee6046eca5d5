import * as fs from 'fs';
import * as path from 'path';
import { IncrementalSynth } from '../src/incremental';
import type { RenderSetup } from '../src/render-target';
import { tempDir, write } from '../../../test/support/temp-files';

/**
 * A repository: an example that reads a package (stacklib is the stack's), a loose data file and
 * $TEST_EXAMPLE_VAR; a stack (configs dev and prod) whose process read stacklib and $TEST_STACK_VAR.
 */
function repo(): string {
  const root = tempDir('aiready-incr');
  write(path.join(root, 'examples/a/main.ts'), '// source\n');
  write(path.join(root, 'examples/a/lib/main.js'), 'exports.app = 1;\n');
  write(path.join(root, 'tinylib/package.json'), '{"name":"tinylib","files":["index.js"]}');
  write(path.join(root, 'tinylib/index.js'), 'exports.x = 1;\n');
  write(path.join(root, 'stacklib/package.json'), '{"name":"stacklib"}');
  write(path.join(root, 'stacklib/index.js'), 'exports.y = 1;\n');
  write(path.join(root, 'data/loose.json'), '{}');
  write(path.join(root, 'stacks/s/Pulumi.yaml'), 'name: s\nruntime: nodejs\n');
  write(path.join(root, 'stacks/s/Pulumi.dev.yaml'), 'config: {}\n');
  write(path.join(root, 'stacks/s/Pulumi.prod.yaml'), 'config: {}\n');
  write(path.join(root, 'stacks/s/lib/index.js'), 'exports.z = 1;\n');
  write(path.join(root, 'pnpm-lock.yaml'), 'lockfileVersion: 9\n');
  write(path.join(root, 'README.md'), '# repo\n');
  write(path.join(root, 'charts/chart-1.0.0.tgz'), 'archive');
  // Stands for the CLI: its packages are part of every output's key.
  write(path.join(root, 'cli/package.json'), '{"name":"cli","files":["lib"]}');
  write(path.join(root, 'cli/lib/main.js'), '// the CLI\n');
  return root;
}

const EXAMPLE = 'examples/a';
const STACK = 's-dev';

function renderSetup(root: string, helmVersion = '3.17.2'): RenderSetup {
  return {
    helm: { path: '/nowhere/helm', version: helmVersion, source: 'bundled' },
    kubectl: () => 'kubectl',
    chartCache: path.join(root, 'charts'),
    kustomizeCache: path.join(root, 'charts/kustomize'),
    renderCache: path.join(root, 'render'),
  };
}

/** One incremental synth of both targets, as synthAll drives it; what was synthesized, and the synth. */
function synth(root: string, render?: RenderSetup) {
  const inc = new IncrementalSynth(
    root,
    path.join(root, 'dist'),
    { cacheDir: path.join(root, 'cache') },
    render,
    path.join(root, 'cli'),
  );
  const example = inc.example(EXAMPLE, path.join(root, EXAMPLE));
  const stack = inc.stack(STACK, {
    dir: path.join(root, 'stacks/s'),
    project: 's',
    stack: 'dev',
    configFile: path.join(root, 'stacks/s/Pulumi.dev.yaml'),
  });
  const cachedRun = inc.stackRun(STACK);
  if (!example)
    inc.traceApp(EXAMPLE, path.join(root, EXAMPLE, 'lib/main.js'), () => {
      // The fs module itself, as a program has it (jest's `import * as` gives a copy the trace cannot see).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const nodeFs = require('fs') as typeof fs;
      nodeFs.readFileSync(path.join(root, 'tinylib/index.js'));
      nodeFs.readFileSync(path.join(root, 'data/loose.json'));
      return process.env.TEST_EXAMPLE_VAR;
    });
  if (!stack && !cachedRun)
    inc.stackRan(STACK, {
      project: 's',
      stack: 'dev',
      outputs: {},
      inputs: {
        files: [path.join(root, 'stacklib/index.js'), path.join(root, 'stacks/s/lib/index.js')],
        env: ['TEST_STACK_VAR'],
      },
    });
  const output = (id: string) => ({
    id,
    files: new Map([
      ['manifests/a.yaml', `${id}: a\n`],
      ['SUMMARY.md', `# ${id}\n`],
    ]),
    objects: 1,
    warnings: [`${id}: a warning`],
    releases: [],
    kustomizations: [],
    ...(render ? { render: { objects: 0, unrendered: [] } } : {}),
  });
  const report = inc.finish([...(example ? [] : [output(EXAMPLE)]), ...(stack ? [] : [output(STACK)])], [EXAMPLE, STACK]);
  const why = Object.fromEntries(report.changed.map((c) => [c.id, c.why]));
  return { synthesized: report.changed.map((c) => c.id).sort(), why, report, ranStack: !stack && !cachedRun };
}

describe('IncrementalSynth', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('synthesizes every target the first time, then reuses them byte for byte', () => {
    // GIVEN a repository synthesized once
    const root = repo();
    const first = synth(root);
    expect(first.synthesized).toEqual([EXAMPLE, STACK]);
    expect(first.why[EXAMPLE]).toEqual(['no cache entry']);
    // WHEN synthesized again, nothing changed
    const second = synth(root);
    // THEN nothing is synthesized; the outputs are the cached ones, file for file
    expect(second.synthesized).toEqual([]);
    expect(second.report.reused.map((t) => [t.id, [...t.files], t.objects, t.warnings])).toEqual([
      [
        EXAMPLE,
        [
          ['manifests/a.yaml', `${EXAMPLE}: a\n`],
          ['SUMMARY.md', `# ${EXAMPLE}\n`],
        ],
        1,
        [`${EXAMPLE}: a warning`],
      ],
      [
        STACK,
        [
          ['manifests/a.yaml', `${STACK}: a\n`],
          ['SUMMARY.md', `# ${STACK}\n`],
        ],
        1,
        [`${STACK}: a warning`],
      ],
    ]);
  });

  it.each<[string, string[], string, (root: string) => void]>([
    [
      "the example's compiled program",
      [EXAMPLE],
      'examples/a/lib/main.js',
      (r) => write(path.join(r, 'examples/a/lib/main.js'), '// new\n'),
    ],
    [
      "the example's TypeScript source",
      [EXAMPLE],
      'examples/a/main.ts',
      (r) => write(path.join(r, 'examples/a/main.ts'), '// new\n'),
    ],
    [
      'a package the example read',
      [EXAMPLE],
      'package tinylib',
      (r) => write(path.join(r, 'tinylib/index.js'), 'exports.x = 2;\n'),
    ],
    ['a file the example read', [EXAMPLE], 'file data/loose.json', (r) => write(path.join(r, 'data/loose.json'), '{"a":1}')],
    ['a variable the example read', [EXAMPLE], 'env TEST_EXAMPLE_VAR', () => (process.env.TEST_EXAMPLE_VAR = 'x')],
    [
      "the stack's config",
      [STACK],
      'stacks/s/Pulumi.dev.yaml',
      (r) => write(path.join(r, 'stacks/s/Pulumi.dev.yaml'), 'config: {a: 1}\n'),
    ],
    ["the stack's project", [STACK], 'stacks/s/Pulumi.yaml', (r) => write(path.join(r, 'stacks/s/Pulumi.yaml'), 'name: s\n')],
    [
      'a package the stack read',
      [STACK],
      'package stacklib',
      (r) => write(path.join(r, 'stacklib/index.js'), 'exports.y = 2;\n'),
    ],
    ['a variable the stack read', [STACK], 'env TEST_STACK_VAR', () => (process.env.TEST_STACK_VAR = 'x')],
    ['a variable aiready, Pulumi or cdk8s read', [EXAMPLE, STACK], 'env CDK8S_TEST', () => (process.env.CDK8S_TEST = 'x')],
    [
      'the lockfile',
      [EXAMPLE, STACK],
      'lockfile pnpm-lock.yaml',
      (r) => write(path.join(r, 'pnpm-lock.yaml'), 'lockfileVersion: 10\n'),
    ],
    ["the CLI's own code", [EXAMPLE, STACK], 'aiready cli', (r) => write(path.join(r, 'cli/lib/main.js'), '// new\n')],
  ])('when %s changes, synthesizes %j again, naming %s', (_, expected, label, change) => {
    // GIVEN a repository synthesized once
    const root = repo();
    synth(root);
    // WHEN an input changes
    change(root);
    const next = synth(root);
    // THEN exactly the targets that read it are synthesized, and the change is named
    expect(next.synthesized).toEqual(expected);
    for (const id of expected) expect(next.why[id]).toContain(label);
    // AND the one after reuses them again
    expect(synth(root).synthesized).toEqual([]);
  });

  it.each<[string, (root: string) => void]>([
    ["another stack's config", (r) => write(path.join(r, 'stacks/s/Pulumi.prod.yaml'), 'config: {a: 1}\n')],
    ['a file no target reads', (r) => write(path.join(r, 'README.md'), '# changed\n')],
    ['a program file, only touched', (r) => fs.utimesSync(path.join(r, 'examples/a/lib/main.js'), new Date(), new Date())],
    ['a file of the output folder', (r) => write(path.join(r, 'examples/a/../../dist/examples/a/SUMMARY.md'), 'x')],
    ['a variable nothing read', () => (process.env.TEST_UNREAD_VAR = 'x')],
    ['a file a package does not publish', (r) => write(path.join(r, 'tinylib/test.js'), 'test')],
  ])('when %s changes, synthesizes nothing', (_, change) => {
    // GIVEN a repository synthesized once
    const root = repo();
    synth(root);
    // WHEN something no target depends on changes
    change(root);
    // THEN
    expect(synth(root).synthesized).toEqual([]);
  });

  it("reuses a stack's run result when only the options changed, and keys the output on them", () => {
    // GIVEN a repository synthesized with --render (helm 3.17.2)
    const root = repo();
    synth(root, renderSetup(root));
    // WHEN synthesized with another helm, then with another chart cache content
    const helm = synth(root, renderSetup(root, '3.18.0'));
    write(path.join(root, 'charts/chart-1.0.0.tgz'), 'another archive');
    const charts = synth(root, renderSetup(root, '3.18.0'));
    // THEN both targets are synthesized each time, without running the stack's program again
    expect(helm.synthesized).toEqual([EXAMPLE, STACK]);
    expect(helm.why[STACK]).toEqual(['option render']);
    expect(helm.ranStack).toBe(false);
    expect(charts.why[EXAMPLE]).toEqual(['option chart cache']);
    // AND without --render, the output is another again
    expect(synth(root).why[STACK]).toEqual(['option chart cache', 'option kustomize cache', 'option render']);
  });

  it.each<[string, (file: string) => void]>([
    ['missing', (f) => fs.rmSync(f)],
    ['not JSON', (f) => fs.writeFileSync(f, '{"layout": 1, "id": "examples/a", "inp')],
    ['of another layout', (f) => fs.writeFileSync(f, JSON.stringify({ ...JSON.parse(fs.readFileSync(f, 'utf8')), layout: 0 }))],
    [
      'with malformed output files',
      (f) => {
        const entry = JSON.parse(fs.readFileSync(f, 'utf8'));
        fs.writeFileSync(f, JSON.stringify({ ...entry, output: { ...entry.output, files: [['SUMMARY.md']] } }));
      },
    ],
  ])('when the cache entry is %s, synthesizes that target again and repairs the entry', (_, damage) => {
    // GIVEN a repository synthesized once
    const root = repo();
    synth(root);
    // WHEN the example's entry is damaged
    damage(path.join(root, 'cache', `${encodeURIComponent(EXAMPLE)}.json`));
    const next = synth(root);
    // THEN the example is synthesized as if first seen, the stack reused; then both are reused
    expect(next.synthesized).toEqual([EXAMPLE]);
    expect(next.why[EXAMPLE]).toEqual(['no cache entry']);
    expect(synth(root).synthesized).toEqual([]);
  });

  it('synthesizes everything when the cache folder is gone, and lists what to watch', () => {
    // GIVEN a repository synthesized once, whose cache is then removed
    const root = repo();
    synth(root);
    fs.rmSync(path.join(root, 'cache'), { recursive: true });
    // WHEN
    const next = synth(root);
    // THEN
    expect(next.synthesized).toEqual([EXAMPLE, STACK]);
    const real = fs.realpathSync(root);
    expect(next.report.inputs).toEqual(
      expect.arrayContaining(
        [EXAMPLE, 'stacks/s', 'tinylib', 'stacklib', 'data/loose.json', 'pnpm-lock.yaml'].map((p) =>
          p.includes('/') && !p.includes('.') ? path.join(root, p) : path.join(real, p),
        ),
      ),
    );
  });
});
