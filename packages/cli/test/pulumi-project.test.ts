import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findPulumiProjects, findStacks, projectStacks, readStackConfig, SECRET_PLACEHOLDER } from '../src';

describe('Pulumi project discovery', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-stacks-'));
  const dir = path.join(root, 'ai-platform');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: ai-platform\nruntime: nodejs\n');
  fs.writeFileSync(
    path.join(dir, 'Pulumi.prod.yaml'),
    'config:\n  aws:region: eu-west-1\n  ai-platform:pools:\n    - name: a\n  ai-platform:monitoring: false\n',
  );
  fs.writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  ai-platform:secret:\n    secure: AAAA\n');

  test('finds every stack config, sorted', () => {
    expect(findStacks(root).map((s) => `${s.project}/${s.stack}`)).toEqual(['ai-platform/dev', 'ai-platform/prod']);
  });

  test('finds Pulumi projects at any depth, but not in dependencies or build output', () => {
    // GIVEN projects nested in a team repository, and copies inside node_modules and dist
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-repo-'));
    for (const d of ['.', 'infra/eks/prod-env', 'node_modules/x', 'dist/y', '.git/z']) {
      fs.mkdirSync(path.join(repo, d), { recursive: true });
      fs.writeFileSync(path.join(repo, d, 'Pulumi.yaml'), `name: ${d === '.' ? 'root' : path.basename(d)}\n`);
      fs.writeFileSync(path.join(repo, d, 'Pulumi.main.yaml'), 'config: {}\n');
    }
    // WHEN searched THEN only the real projects are found
    expect(findPulumiProjects(repo)).toEqual([repo, path.join(repo, 'infra/eks/prod-env')]);
    expect(findStacks(repo).map((s) => `${s.project}/${s.stack}`)).toEqual(['root/main', 'prod-env/main']);
  });

  test('throws when a project folder has no Pulumi.yaml', () => {
    expect(() => projectStacks(os.tmpdir())).toThrow(/no Pulumi.yaml here/);
  });

  test('flattens config the way Pulumi hands it to programs', () => {
    expect(readStackConfig(path.join(dir, 'Pulumi.prod.yaml'))).toEqual({
      values: {
        'aws:region': 'eu-west-1',
        'ai-platform:pools': '[{"name":"a"}]',
        'ai-platform:monitoring': 'false',
      },
      secrets: [],
    });
  });

  test.each([
    ['a date stays the text it is', 'created: 2026-12-02', { 'ai-platform:created': '2026-12-02' }],
    ['yes/no stay words (YAML 1.2)', 'flag: yes', { 'ai-platform:flag': 'yes' }],
    ['numbers and null are typed', 'n: 0x10\n  ai-platform:z: ~', { 'ai-platform:n': '16', 'ai-platform:z': 'null' }],
    ['a merge key is an ordinary key', 'm: { <<: { a: 1 } }', { 'ai-platform:m': '{"<<":{"a":1}}' }],
  ])('reads config with the YAML 1.2 core schema: %s', (_, line, values) => {
    // GIVEN a stack config WHEN read THEN its values are typed as YAML 1.2's core schema types them
    const file = path.join(root, 'Pulumi.types.yaml');
    fs.writeFileSync(file, `config:\n  ai-platform:${line}\n`);
    expect(readStackConfig(file).values).toEqual(values);
  });

  test('throws when a stack config repeats a key', () => {
    // GIVEN a key given twice WHEN read THEN the config is refused, naming the file
    const file = path.join(root, 'Pulumi.twice.yaml');
    fs.writeFileSync(file, 'config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n');
    expect(() => readStackConfig(file)).toThrow(/duplicated mapping key[\s\S]*Pulumi\.twice\.yaml/);
  });

  test('replaces an encrypted secret by a marked placeholder and lists it, never decrypting', () => {
    // GIVEN a config with a secure: value WHEN read offline THEN the value is the placeholder and the key is listed
    expect(readStackConfig(path.join(dir, 'Pulumi.dev.yaml'))).toEqual({
      values: { 'ai-platform:secret': SECRET_PLACEHOLDER },
      secrets: ['ai-platform:secret'],
    });
    expect(SECRET_PLACEHOLDER).not.toContain('AAAA');
  });
});
