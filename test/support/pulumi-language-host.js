// Loads a Pulumi TypeScript program the way Pulumi's Node.js language host does with
// `runtime.options.typescript: true` (@pulumi/pulumi cmd/run/run.js): the TypeScript and ts-node that
// @pulumi/pulumi resolves (its vendored ts-node when the project has none), registered with the same
// options (type checking on, the project's tsconfig, nodenext modules), the stack's config set, under
// the same recording mocks `aiready synth` uses. Exits 0 when the program compiled and ran.
// Usage: node pulumi-language-host.js <stackDir> <stack>
const path = require('path');

async function main() {
  const [stackDir, stack] = process.argv.slice(2);
  process.chdir(stackDir);
  const resolveHere = (id) => require.resolve(id, { paths: [process.cwd()] });
  const pulumiDir = path.dirname(resolveHere('@pulumi/pulumi/package.json'));
  const pulumi = require(resolveHere('@pulumi/pulumi'));
  const cli = path.resolve(__dirname, '../../packages/cli/lib');
  const { installRecordingMocks } = require(path.join(cli, 'mocks.js'));
  const { projectName, readStackConfig } = require(path.join(cli, 'pulumi-project.js'));

  const tsutils = require(path.join(pulumiDir, 'tsutils.js'));
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const tsn = require(tsnodeRequire);
  tsn.register({
    compiler: typescriptRequire,
    transpileOnly: undefined,
    // Pulumi keeps ts-node's on-disk cache; a test must type-check every time.
    cache: false,
    project: 'tsconfig.json',
    skipProject: false,
    compilerOptions: {
      target: 'ES2020',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      sourceMap: 'true',
      ...tsutils.loadTypeScriptCompilerOptions('tsconfig.json'),
    },
  });

  const { values: config, secrets } = readStackConfig(path.join(stackDir, `Pulumi.${stack}.yaml`));
  pulumi.runtime.setAllConfig(config, [...secrets]);
  await installRecordingMocks(projectName(stackDir), stack, config['aws:region'] || 'us-east-1');
  const main = require(path.join(stackDir, 'package.json')).main || 'index.ts';
  require(path.resolve(stackDir, main));
  await pulumi.runtime.disconnect();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(String((err && err.message) || err));
    process.exit(1);
  },
);
