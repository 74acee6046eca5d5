import * as fs from 'fs';
import * as path from 'path';
import {
  ABSENT,
  CHILD_PROCESS,
  digestOf,
  fileDigest,
  envDigests,
  findLockfile,
  installedPackageRoot,
  InputHasher,
  packageClosure,
  packageCovers,
  packageDigest,
  packageRootOf,
  resolvePackage,
  treeDigests,
} from '../src/input-hash';
import { tempDir, write } from '../../../test/support/temp-files';

/** A folder with a workspace package `ws` (publishing lib/) and an installed package `dep` 1.0.0 it depends on. */
function project(): string {
  const dir = tempDir('aiready-hash');
  write(
    path.join(dir, 'ws/package.json'),
    JSON.stringify({ name: 'ws', files: ['lib'], dependencies: { dep: '1.0.0' }, optionalDependencies: { gone: '1' } }),
  );
  write(path.join(dir, 'ws/lib/index.js'), 'module.exports = 1;\n');
  write(path.join(dir, 'ws/test/index.test.js'), 'test\n');
  write(path.join(dir, 'node_modules/dep/package.json'), JSON.stringify({ name: 'dep', version: '1.0.0' }));
  write(path.join(dir, 'node_modules/dep/index.js'), 'module.exports = 2;\n');
  write(path.join(dir, 'pnpm-lock.yaml'), 'lockfileVersion: 9\n');
  return dir;
}

describe('treeDigests', () => {
  const dir = tempDir('aiready-tree');
  beforeEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    write(path.join(dir, 'a.txt'), 'a');
    write(path.join(dir, 'sub/b.txt'), 'b');
    write(path.join(dir, 'node_modules/x/index.js'), 'x');
    write(path.join(dir, '.git/HEAD'), 'ref');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each<[string, boolean, (d: string) => void]>([
    ['a file changes', true, (d) => fs.writeFileSync(path.join(d, 'sub/b.txt'), 'B')],
    ['a file is added', true, (d) => fs.writeFileSync(path.join(d, 'c.txt'), '')],
    ['a file is removed', true, (d) => fs.rmSync(path.join(d, 'a.txt'))],
    ['a file is renamed', true, (d) => fs.renameSync(path.join(d, 'a.txt'), path.join(d, 'z.txt'))],
    ['a file is only touched', false, (d) => fs.utimesSync(path.join(d, 'a.txt'), new Date(0), new Date(0))],
    ['node_modules changes', false, (d) => fs.writeFileSync(path.join(d, 'node_modules/x/index.js'), 'y')],
    ['.git changes', false, (d) => fs.writeFileSync(path.join(d, '.git/HEAD'), 'other')],
  ])('when %s, the digest changes: %s', (_, changes, change) => {
    // GIVEN the digests of a folder
    const before = digestOf(treeDigests(dir));
    // WHEN it changes
    change(dir);
    // THEN
    expect(digestOf(treeDigests(dir)) !== before).toBe(changes);
  });

  it('leaves out what skip names', () => {
    // GIVEN a folder whose sub/ is skipped
    const skip = (_: string, rel: string) => rel === 'sub';
    // WHEN
    const digests = treeDigests(dir, skip);
    // THEN
    expect(Object.keys(digests)).toEqual(['a.txt']);
  });
});

describe('package roots', () => {
  it.each<[string, string | undefined]>([
    ['/r/node_modules/yaml/dist/index.js', '/r/node_modules/yaml'],
    ['/r/node_modules/@pulumi/pulumi/index.js', '/r/node_modules/@pulumi/pulumi'],
    [
      '/r/node_modules/.pnpm/cdk8s@2.70.106/node_modules/cdk8s/node_modules/yaml/index.js',
      '/r/node_modules/.pnpm/cdk8s@2.70.106/node_modules/cdk8s/node_modules/yaml',
    ],
    ['/r/packages/k8s/lib/index.js', undefined],
    ['/r/node_modules', undefined],
  ])('installedPackageRoot(%s) is %s', (file, root) => {
    expect(installedPackageRoot(file)).toBe(root);
  });

  it('packageRootOf names the nearest folder with a package.json outside node_modules', () => {
    // GIVEN a workspace package
    const dir = project();
    // WHEN THEN
    expect(packageRootOf(path.join(dir, 'ws/lib/index.js'))).toBe(path.join(dir, 'ws'));
    expect(packageRootOf(path.join(dir, 'node_modules/dep/index.js'))).toBe(path.join(dir, 'node_modules/dep'));
  });
});

describe('fileDigest', () => {
  it('digests a file by content, a folder by its listing, a missing path as absent, a child process never the same', () => {
    // GIVEN a folder with a file
    const dir = project();
    const file = path.join(dir, 'ws/data/a.txt');
    write(file, 'a');
    const [f0, d0] = [fileDigest(file), fileDigest(path.dirname(file))];
    // WHEN the file changes, and the folder gains a file
    write(file, 'b');
    const f1 = fileDigest(file);
    write(path.join(dir, 'ws/data/b.txt'), '');
    // THEN each digest changes; a path that is not there is absent; what a child process read is unknown
    expect([f1 !== f0, fileDigest(path.dirname(file)) !== d0, d0.startsWith('dir:')]).toEqual([true, true, true]);
    expect(fileDigest(path.join(dir, 'nothing'))).toBe(ABSENT);
    expect(fileDigest(CHILD_PROCESS)).not.toBe(fileDigest(CHILD_PROCESS));
  });
});

describe('packageCovers', () => {
  it.each([
    ['a published file of a workspace package', 'ws/lib/index.js', true],
    ['a file beside what it publishes (a data folder)', 'ws/data/probe.txt', false],
    ['a file of an installed package', 'node_modules/dep/index.js', true],
  ])('%s: %s', (_what, rel, covered) => {
    // GIVEN a workspace package publishing lib/ and an installed package WHEN asked THEN
    const dir = project();
    const root = path.join(dir, rel.startsWith('ws/') ? 'ws' : 'node_modules/dep');
    expect(packageCovers(root, path.join(dir, rel))).toBe(covered);
  });
});

describe('packageDigest', () => {
  it.each<[string, boolean, (d: string) => void]>([
    ['a published file of a workspace package changes', true, (d) => write(path.join(d, 'ws/lib/index.js'), '// new\n')],
    ['its package.json changes', true, (d) => write(path.join(d, 'ws/package.json'), '{"name":"ws"}')],
    ['an unpublished file (a test) changes', false, (d) => write(path.join(d, 'ws/test/index.test.js'), 'other')],
  ])('of a workspace package: when %s, changes: %s', (_, changes, change) => {
    // GIVEN a workspace package publishing lib/
    const dir = project();
    const before = packageDigest(path.join(dir, 'ws'));
    // WHEN
    change(dir);
    // THEN
    expect(packageDigest(path.join(dir, 'ws')) !== before).toBe(changes);
  });

  it.each<[string, boolean, (d: string) => void]>([
    [
      'its version changes',
      true,
      (d) => write(path.join(d, 'node_modules/dep/package.json'), '{"name":"dep","version":"1.0.1"}'),
    ],
    [
      'it is installed from elsewhere (another real path)',
      true,
      (d) => {
        fs.renameSync(path.join(d, 'node_modules/dep'), path.join(d, 'store-dep'));
        fs.symlinkSync(path.join(d, 'store-dep'), path.join(d, 'node_modules/dep'));
      },
    ],
    // Installed packages are identified, not read: a package manager never edits one in place.
    ['a file inside it is edited in place', false, (d) => write(path.join(d, 'node_modules/dep/index.js'), '3')],
  ])('of an installed package: when %s, changes: %s', (_, changes, change) => {
    // GIVEN an installed package
    const dir = project();
    const before = packageDigest(path.join(dir, 'node_modules/dep'));
    // WHEN
    change(dir);
    // THEN
    expect(packageDigest(path.join(dir, 'node_modules/dep')) !== before).toBe(changes);
  });

  it('is absent for a folder without package.json', () => {
    expect(packageDigest(tempDir('aiready-none'))).toBe(ABSENT);
  });
});

describe('packageClosure', () => {
  it('resolves dependencies transitively from where each package is, and lists what is not installed', () => {
    // GIVEN ws → dep (installed) and an optional dependency that is not installed
    const dir = project();
    // WHEN
    const closure = packageClosure(path.join(dir, 'ws'));
    // THEN
    const real = fs.realpathSync(dir);
    expect(closure.packages).toEqual([path.join(real, 'node_modules/dep'), path.join(real, 'ws')]);
    expect(closure.missing).toEqual([`gone from ${path.join(real, 'ws')}`]);
    expect(resolvePackage('dep', path.join(dir, 'ws/lib'))).toBe(path.join(real, 'node_modules/dep'));
  });
});

describe('findLockfile', () => {
  it('finds the lockfile of the folder or a folder above', () => {
    const dir = project();
    expect(findLockfile(path.join(dir, 'ws/lib'))).toBe(path.join(dir, 'pnpm-lock.yaml'));
  });
});

describe('envDigests', () => {
  it.each<[string, boolean, NodeJS.ProcessEnv]>([
    ['a variable read changes', true, { READ: '2', OTHER: 'x' }],
    ['a variable of the prefixes appears', true, { READ: '1', OTHER: 'x', CDK8S_DISABLE_SORT: 'true' }],
    ['a variable read disappears', true, { OTHER: 'x' }],
    ['another variable changes', false, { READ: '1', OTHER: 'y' }],
  ])('when %s, changes: %s', (_, changes, env) => {
    // GIVEN the digests of the variables a program read
    const before = digestOf(envDigests({ READ: '1', OTHER: 'x' }, ['READ']));
    // WHEN THEN
    expect(digestOf(envDigests(env, ['READ'])) !== before).toBe(changes);
  });

  it('covers every variable when the program listed them all', () => {
    expect(Object.keys(envDigests({ A: '1', B: '2' }, '*'))).toEqual(['env A', 'env B']);
  });
});

describe('InputHasher', () => {
  it('hashes a file or package once per synth, and never hashes what it skips', () => {
    // GIVEN a hasher that skips the output folder
    const dir = project();
    const out = path.join(dir, 'ws/dist');
    write(path.join(dir, 'ws/package.json'), '{"name":"ws"}');
    write(path.join(out, 'x.yaml'), 'a');
    const hasher = new InputHasher((abs) => abs === out);
    const first = hasher.package(path.join(dir, 'ws'));
    // WHEN the package's output and then its code change within the same synth
    write(path.join(out, 'x.yaml'), 'b');
    write(path.join(dir, 'ws/lib/index.js'), 'changed');
    // THEN the same synth still sees the first digest; a new one sees the code change, not the output
    expect(hasher.package(path.join(dir, 'ws'))).toBe(first);
    const next = new InputHasher((abs) => abs === out);
    const second = next.package(path.join(dir, 'ws'));
    expect(second).not.toBe(first);
    write(path.join(out, 'x.yaml'), 'c');
    expect(new InputHasher((abs) => abs === out).package(path.join(dir, 'ws'))).toBe(second);
  });
});
