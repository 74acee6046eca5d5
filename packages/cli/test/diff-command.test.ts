import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultSetup, diffCommand } from '../src/diff-command';
import { tinyRepo } from '../../../test/support/tiny-repo';

function dist(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-dist-'));
  for (const [f, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), c);
  }
  return dir;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await diffCommand(
    args,
    (s) => (err += `${s}\n`),
    (s) => (out += s),
  );
  return { code, out, err };
}

describe('aiready diff', () => {
  const a = dist({
    't/SUMMARY.md': '# t\n',
    't/manifests/c/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: a\n',
  });
  const b = dist({
    't/SUMMARY.md': '# t\n',
    't/manifests/c/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: b\n',
  });

  it.each([
    ['identical trees exit 0', [a, a], 0, 'no differences'],
    ['different trees exit 1', [a, b], 1, 'data.k: "a" → "b"'],
    ['markdown on request', [a, b, '--format', 'markdown'], 1, '| manifests/c | `ConfigMap x` | changed (1 field) |'],
  ])('%s', async (_why, args, code, text) => {
    const r = await run(args);
    expect(r.code).toBe(code);
    expect(r.out).toContain(text);
  });

  it.each([
    ['a missing folder', [a, '/nonexistent/dist'], 'synthesize it first'],
    ['one folder', [a], 'give two dist folders, or --base GIT_REF'],
    ['--base with folders', ['--base', 'main', a], 'give --base or two folders, not both'],
    ['an unknown format', [a, b, '--format', 'html'], 'usage: aiready diff'],
    ['an unknown flag', [a, b, '--bogus'], "unknown argument '--bogus'"],
    [
      'a --stack-timeout for the base that is no number of seconds',
      ['--base', 'main', '--stack-timeout', '0'],
      '--stack-timeout is "0"',
    ],
    ['--base outside a git repository', ['--base', 'main', '--new', a], 'aiready diff:'],
  ])('exits 2 on %s', async (_why, args, message) => {
    const cwd = process.cwd();
    if (_why.includes('outside')) process.chdir(os.tmpdir());
    try {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('defaultSetup', () => {
  it.each([
    [
      { packageManager: 'pnpm@10.34.8', scripts: { build: 'tsc -b' } },
      'npx -y pnpm@10.34.8 install --frozen-lockfile --prefer-offline && npx -y pnpm@10.34.8 run build',
    ],
    [{ scripts: {} }, 'npm ci --prefer-offline'],
  ])('%j: %s', (pkg, expected) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-setup-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    expect(defaultSetup(dir)).toBe(expected);
  });

  it('needs nothing without a package.json', () => {
    expect(defaultSetup(fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-setup-')))).toBeUndefined();
  });
});

describe('aiready diff --base', () => {
  test("passes --stack-timeout on to the base's synth", async () => {
    // GIVEN a repository whose committed stack program keeps a timer and never settles an output it exports
    const root = tinyRepo();
    fs.appendFileSync(
      path.join(root, 'stacks/tiny/lib/index.js'),
      'setInterval(() => undefined, 60000);\nexports.stuck = new Promise(() => undefined);\n',
    );
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
    // WHEN diffed against it with a second as the limit (its build is committed: nothing to set up)
    const cwd = process.cwd();
    process.chdir(root);
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(['--base', 'HEAD', '--setup', 'true', '--stack-timeout', '1', '--new', root]);
    } finally {
      process.chdir(cwd);
    }
    // THEN the base's synth fails after that second (not the default 300), saying why
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/aiready synth of HEAD failed:[^]*the program did not finish within 1 s \(--stack-timeout\)/);
  });
});
