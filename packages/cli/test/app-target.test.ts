import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appObjects, findAppSource } from '../src';

function repo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-app-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

const NS = (name: string) => `apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: ${name}\\n`;

describe('findAppSource', () => {
  it.each([
    ['nothing', {}, undefined, undefined],
    ['--app', {}, 'lib/main.js', { kind: 'module', file: 'lib/main.js' }],
    ['a cdk8s.yaml running node', { 'cdk8s.yaml': 'app: node lib/app.js\n' }, undefined, { kind: 'module', file: 'lib/app.js' }],
    [
      'a cdk8s.yaml running ts-node',
      { 'cdk8s.yaml': 'app: npx ts-node main.ts\n' },
      undefined,
      { kind: 'command', command: 'npx ts-node main.ts' },
    ],
    ['--app over cdk8s.yaml', { 'cdk8s.yaml': 'app: node lib/app.js\n' }, 'other.js', { kind: 'module', file: 'other.js' }],
  ])('finds %s', (_what, files, app, expected) => {
    const root = repo(files);
    const found = findAppSource(root, app);
    if (!expected) return expect(found).toBeUndefined();
    expect(found).toEqual(
      expected.kind === 'module'
        ? { kind: 'module', file: path.join(root, expected.file!) }
        : { kind: 'command', command: expected.command, cwd: root },
    );
  });

  test('throws when cdk8s.yaml has no app command', () => {
    expect(() => findAppSource(repo({ 'cdk8s.yaml': 'language: typescript\n' }))).toThrow(/no app: command to run/);
  });
});

describe('appObjects', () => {
  test('runs a cdk8s.yaml command with CDK8S_OUTDIR and reads what it wrote', () => {
    // GIVEN a command that writes two objects where cdk8s apps write
    const script = `require('fs').writeFileSync(process.env.CDK8S_OUTDIR + '/app.k8s.yaml', '${NS('a')}---\\n${NS('b')}')`;
    const root = repo({ 'synth.js': script });
    // WHEN run THEN its objects come back
    const { objects } = appObjects({ kind: 'command', command: `node synth.js`, cwd: root });
    expect(objects.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['a missing module', 'nope.js', /nope.js not found/],
    ['a TypeScript module', 'main.ts', /is TypeScript: compile it and give the .js/],
    ['a module exporting no app', 'empty.js', /must export buildApp\(\): App, or an App as `app` or default/],
  ])('throws when given %s', (_what, file, expected) => {
    // @aiready/k8s must resolve from the module: put it inside this repository's test folder
    const root = repo({ 'main.ts': '', 'empty.js': 'exports.x = 1;\n' });
    fs.mkdirSync(path.join(root, 'node_modules/@aiready'), { recursive: true });
    fs.symlinkSync(path.resolve(__dirname, '../../k8s'), path.join(root, 'node_modules/@aiready/k8s'));
    expect(() => appObjects({ kind: 'module', file: path.join(root, file) })).toThrow(expected);
  });

  test('throws when the command fails, with its error output', () => {
    expect(() =>
      appObjects({ kind: 'command', command: 'node -e "console.error(\'boom\'); process.exit(3)"', cwd: os.tmpdir() }),
    ).toThrow(/app command .* failed: [\s\S]*boom/);
  });
});
