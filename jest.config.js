/** Jest runs TypeScript sources directly through swc (transpile only); `tsc -b` type-checks separately. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'off' },
  // @marcbachmann/cel-js ships ES modules only; jest's CommonJS runtime needs them transpiled.
  transform: { '^.+\\.ts$': swc, '/@marcbachmann/cel-js/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/@marcbachmann\\+cel-js|@marcbachmann/cel-js))'],
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@aiready/(core|admission|k8s|pulumi|cli|validate)$': '<rootDir>/packages/$1/src',
    // Loaded by @pulumi/pulumi, used by no test: loaded at their first use (test/support/deferred).
    '^typescript$': '<rootDir>/test/support/deferred/typescript.js',
    '^@npmcli/arborist$': '<rootDir>/test/support/deferred/arborist.js',
    // Loaded by @aiready/k8s, used by fewer than half of its test files.
    '^cdk8s-plus-28$': '<rootDir>/test/support/deferred/cdk8s-plus-28.js',
  },
  // The pack-and-install test takes minutes: `pnpm test:pack` (and .ci/run) runs it on its own.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/pack/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/lib/', '<rootDir>/dist/'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
  // The end-to-end tests first, so the two workers finish together (test/support/test-sequencer.js).
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  // A folder per run for what the test files share (test/support/test-run.js).
  globalSetup: '<rootDir>/test/support/test-run.js',
  globalTeardown: '<rootDir>/test/support/test-run-teardown.js',
  // Jest's default is one worker per core but one: a single worker on a 2-core machine. Measured there
  // (issue 19), the suite took 299 s with one worker and 152 s with two; the long tests wait on child
  // processes (stacks, helm) much of the time.
  maxWorkers: '100%',
};
