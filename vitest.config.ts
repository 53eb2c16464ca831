import { defineConfig } from 'vitest/config';

/**
 * How long expect.poll waits for a page or a service to get there (1 s by default: too short for
 * a loaded two-core machine). A budget, never a measurement.
 */
const expectations = { poll: { timeout: 10_000 } };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Build once, before any project runs: the integration and e2e tests use out/.
    globalSetup: ['test/support/global-build.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          expect: expectations,
          // A budget, not a measurement: some unit tests start the built CLI, and a loaded
          // two-core machine (the integration tests run beside them) can take seconds for that.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          expect: expectations,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          expect: expectations,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One Chromium at a time on a two-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
