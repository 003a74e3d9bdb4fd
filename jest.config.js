/**
 * Tests run from TypeScript sources, transpiled file by file (`npm run build` type-checks the
 * whole tree first). ts-jest is pure JavaScript, so `npm ci` needs no platform-specific binary.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { module: 'commonjs' } }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
