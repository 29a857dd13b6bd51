/** Nest 12 is ESM-only, so tests run as ES modules through ts-jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The one `.cts` source (CommonJS in both builds), imported as the `.cjs` it compiles to.
    '^\\.{1,2}/(.*/)?package-require\\.cjs$': '<rootDir>/lib/util/package-require.cts',
    // The sample imports the package by name: test it against the sources, not a stale dist/.
    '^nestjs-webcom$': '<rootDir>/lib/index.ts',
    '^nestjs-webcom/(health|testing|queue|verification)$': '<rootDir>/lib/$1/index.ts',
  },
  moduleFileExtensions: ['ts', 'cts', 'js', 'cjs', 'mjs', 'json'],
  transform: {
    '^.+\\.c?ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-logs.ts'],
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // Apps that install the packed package and run their own Jest (test/compat/run.sh).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/'],
  modulePathIgnorePatterns: ['<rootDir>/test/compat/'],
  testTimeout: 30000,
};
