/** Nest 12 is ESM-only, so tests run as ES modules through ts-jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The sample imports the package by name: test it against the sources, not a stale dist/.
    '^nestjs-webcom$': '<rootDir>/lib/index.ts',
    '^nestjs-webcom/(health|testing|queue|verification)$': '<rootDir>/lib/$1/index.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-logs.ts'],
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
};
