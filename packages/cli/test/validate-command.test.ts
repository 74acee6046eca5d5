import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findTargets, validateCommand } from '../src';

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-validate-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

function run(args: string[]) {
  const lines: string[] = [];
  const code = validateCommand(args, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

describe('aiready validate', () => {
  test('checks each target folder as its own cluster: the same object in two targets is no duplicate', () => {
    // GIVEN a dist tree with two targets holding the same Namespace
    const root = tree({ 'a/manifests/team/namespace.yaml': NS, 'examples/b/manifests/team/namespace.yaml': NS });
    // WHEN validated THEN both pass
    expect(findTargets(root)).toEqual([path.join(root, 'a'), path.join(root, 'examples/b')]);
    const { code, out } = run([root]);
    expect(out).toMatch(/aiready validate: 2 targets, 2 objects checked, 0 problems$/);
    expect(code).toBe(0);
  });

  it.each([
    [
      'an unknown field',
      { 'manifests/ns.yaml': `${NS}  labelz: {}\n` },
      /FAIL .*manifests\/ns.yaml: Namespace team-a: metadata.labelz: unknown field "metadata.labelz"/,
    ],
    [
      'a duplicate',
      { 'manifests/a.yaml': NS, 'rendered/b.yaml': NS },
      /FAIL .*rendered\/b.yaml: Namespace team-a: duplicate object: also defined in manifests\/a.yaml/,
    ],
    [
      'a kind with no schema',
      { 'manifests/c.yaml': 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n' },
      /no schema for cert-manager.io\/v1\/Certificate/,
    ],
    ['a file that is not YAML', { 'manifests/x.yaml': 'a: [b' }, /aiready validate: manifests\/x.yaml: not valid YAML/],
  ])('throws when a target has %s (exit 1)', (_what, files, expected) => {
    const { code, out } = run([tree(files)]);
    expect(out).toMatch(expected);
    expect(code).toBe(1);
  });

  test('a single file is its own target', () => {
    // GIVEN a folder with a bad file next to a good one WHEN only the good file is validated THEN it passes
    const root = tree({ 'good.yaml': NS, 'bad.yaml': `${NS}  labelz: {}\n` });
    expect(run([path.join(root, 'good.yaml')])).toEqual({
      code: 0,
      out: expect.stringMatching(/1 targets, 1 objects checked, 0 problems$/),
    });
    expect(run([path.join(root, 'bad.yaml')]).code).toBe(1);
  });

  test('--skip-unknown-kinds lists what it skips and passes', () => {
    const root = tree({ 'cert.yaml': 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n', 'ns.yaml': NS });
    const { code, out } = run([root, '--skip-unknown-kinds']);
    expect(out).toMatch(/SKIP .*cert.yaml: Certificate c: no schema for cert-manager.io\/v1/);
    expect(code).toBe(0);
  });

  it.each([
    [['--help'], 0, /^usage: aiready validate/],
    [['--bogus'], 2, /unknown argument '--bogus'/],
    [['/nonexistent/dist'], 2, /\/nonexistent\/dist not found; run `aiready synth` first/],
  ])('%j exits %i', (args, code, expected) => {
    const r = run(args);
    expect(r.out).toMatch(expected);
    expect(r.code).toBe(code);
  });

  test('throws when a folder holds no Kubernetes objects', () => {
    expect(run([tree({ 'README.md': '# nothing' })])).toEqual({
      code: 1,
      out: expect.stringMatching(/no Kubernetes objects found/),
    });
  });
});
