/**
 * Tests run from TypeScript sources, transpiled file by file (`npm run build` type-checks the
 * whole tree first). ts-jest is pure JavaScript, so `npm ci` needs no platform-specific binary.
 *
 * Every `*.test.ts` in the repository is found, wherever it lives (not only under test/): the
 * compiled copies in dist/ (`*.test.js`), node_modules and the local stack's .griddle/ are not.
 */
const IGNORED = ['/node_modules/', '<rootDir>/dist/', '<rootDir>/.griddle/', '<rootDir>/coverage/'];

// Every scheduler a test starts inherits this: retiring a task then takes no 10 s drain, which
// would only slow the stories down. Tests of draining set drainSeconds on the request or deploy,
// and test/unit/scheduler/scheduler-args.test.ts checks the real default.
process.env.GRIDDLE_DRAIN_SECONDS ??= '0';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: IGNORED,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.griddle/'],
  watchPathIgnorePatterns: IGNORED,
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { module: 'commonjs' } }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
