/** Jest runs TypeScript sources directly through swc (transpile only); `tsc -b` type-checks separately. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'off' },
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@aiready/(core|admission|k8s|pulumi|cli)$': '<rootDir>/packages/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/lib/', '<rootDir>/dist/'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
};
