/** Tests run from TypeScript sources (swc strips types; `npm run build` type-checks). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
