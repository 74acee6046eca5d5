import * as path from 'path';
import {
  aireadyPackage,
  CachedModule,
  leftRunning,
  PackageInfo,
  packageLookup,
  sharedStateProblem,
  urnStack,
} from '../src/stack-sharing';

describe('aireadyPackage', () => {
  it.each([
    ['@aiready/k8s', true],
    ['@aiready/stack-ai-platform', true],
    ['@pulumi/aws', false],
    ['aiready-tools', false],
  ])('%s: %s', (name, expected) => {
    expect(aireadyPackage({ name, dependencies: [] })).toBe(expected);
  });

  it('a file in no package is not one', () => {
    expect(aireadyPackage(undefined)).toBe(false);
  });
});

describe('sharedStateProblem', () => {
  // Program files reload (stacks/app/...); everything under node_modules stays loaded.
  const reloads = (f: string) => !f.includes('node_modules');
  const packages: Record<string, PackageInfo> = {
    '@aiready/pulumi': { name: '@aiready/pulumi', dependencies: ['@pulumi/aws', 'cdk8s', 'yaml'] },
    '@pulumi/aws': { name: '@pulumi/aws', dependencies: [] },
    cdk8s: { name: 'cdk8s', dependencies: [] },
    'left-pad': { name: 'left-pad', dependencies: [] },
  };
  const packageOf = (f: string) => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f) ?? /packages\/(pulumi)\//.exec(f);
    if (!m) return undefined;
    return packages[m[1] === 'pulumi' ? '@aiready/pulumi' : m[1]];
  };
  const mod = (filename: string, ...children: string[]): CachedModule => ({
    filename,
    children: children.map((c) => ({ filename: c })),
  });
  const aireadyPulumi = mod('/repo/packages/pulumi/lib/index.js', '/repo/node_modules/@pulumi/aws/index.js');

  it.each<[string, CachedModule[], boolean]>([
    [
      'the program requires aiready and a provider',
      [
        mod('/repo/stacks/app/lib/index.js', '/repo/packages/pulumi/lib/index.js', '/repo/node_modules/@pulumi/aws/index.js'),
        aireadyPulumi,
      ],
      false,
    ],
    [
      'the program requires a dependency of an aiready package',
      [mod('/repo/stacks/app/lib/index.js', '/repo/node_modules/cdk8s/lib/index.js'), aireadyPulumi],
      false,
    ],
    [
      'an aiready package (reloaded in a workspace) requires its dependencies',
      [mod('/repo/packages/pulumi/lib/index.js', '/repo/node_modules/cdk8s/lib/index.js')],
      false,
    ],
    [
      'the program requires a package aiready does not know',
      [mod('/repo/stacks/app/lib/index.js', '/repo/node_modules/left-pad/index.js'), aireadyPulumi],
      true,
    ],
    ['the program requires a file of no package', [mod('/repo/stacks/app/lib/index.js', '/repo/node_modules/loose.js')], true],
    ['the program requires its own modules only', [mod('/repo/stacks/app/lib/index.js', '/repo/stacks/app/lib/size.js')], false],
  ])('%s: a problem? %s', (_, modules, problem) => {
    // GIVEN the modules loaded after a stack's run WHEN asked whether the next stack may share them
    const found = sharedStateProblem(modules, reloads, packageOf);
    // THEN a reason exactly when a module that stays was required by the program from an unknown package
    expect(found !== undefined).toBe(problem);
    if (problem) expect(found).toMatch(/requires \/repo\/node_modules\/(left-pad\/index|loose)\.js/);
  });

  test('packageLookup: the nearest package.json with a name, with its dependencies and peer dependencies', () => {
    const lookup = packageLookup();
    const cli = lookup(path.resolve(__dirname, '../src/stack-sharing.ts'));
    expect(cli?.name).toBe('@aiready/cli');
    expect(cli?.dependencies).toEqual(expect.arrayContaining(['@aiready/k8s', '@pulumi/pulumi']));
    expect(lookup('/no/such/place/file.js')).toBeUndefined();
  });

  test.each<[string, string[], string[], string | undefined]>([
    ['nothing new', ['PipeWrap'], ['PipeWrap'], undefined],
    ['nothing at all', [], [], undefined],
    ['a timer', [], ['Timeout'], '1 Timeout'],
    [
      'one more of a kind that was there, and another',
      ['Timeout', 'PipeWrap'],
      ['TCPSocketWrap', 'Timeout', 'Timeout', 'PipeWrap'],
      '1 TCPSocketWrap, 1 Timeout',
    ],
    ['fewer than before', ['Timeout', 'Timeout'], ['Timeout'], undefined],
  ])('leftRunning: %s', (_, before, after, left) => {
    expect(leftRunning(before, after)).toBe(left);
  });

  test('urnStack: the stack a URN names', () => {
    expect(urnStack('urn:pulumi:prod::ai-platform::aws:ec2/vpc:Vpc::network-vpc')).toBe('prod');
    expect(urnStack('urn:pulumi:dev::p::a$b:c:D::x')).toBe('dev');
  });
});
