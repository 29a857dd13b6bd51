import base from './jest.config.js';

/**
 * `npm run test:unit`: every suite but those that need Redis, a browser, a loaded machine or a
 * packed build, which `npm test` (CI) runs too. A new suite is a unit suite unless it lives under
 * test/queue/ (the queue's suites talk to Redis) or its name says otherwise: `*.redis.spec.ts`,
 * `*.browser.spec.ts`, `*.load.spec.ts`.
 */
export default {
  ...base,
  // Most suites wait on sockets and timers: one worker per core, not Jest's cores − 1.
  maxWorkers: '100%',
  testPathIgnorePatterns: [
    ...(base.testPathIgnorePatterns ?? ['/node_modules/']),
    // Redis: the queue's suites (job planning excepted) and the sample's queued sending.
    '<rootDir>/test/queue/(?!job-planning\\.spec\\.ts$)',
    '<rootDir>/test/sample/queued-sending\\.e2e\\.spec\\.ts$',
    '<rootDir>/test/verification/redis-store\\.spec\\.ts$',
    // A browser: the sample's /docs page.
    '<rootDir>/test/sample/docs-page\\.e2e\\.spec\\.ts$',
    // Load: 2,000 concurrent sends.
    '<rootDir>/test/transport/load\\.spec\\.ts$',
    // A packed build: compiles the package in a copy and runs `npm pack`.
    '<rootDir>/test/package-contents\\.spec\\.ts$',
    '\\.(redis|browser|load)\\.spec\\.ts$',
  ],
};
