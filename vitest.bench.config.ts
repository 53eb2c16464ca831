import { defineConfig } from 'vitest/config';

/** `npm run bench`: figures, printed with the machine they ran on; never pass/fail on timings. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 300_000,
    fileParallelism: false,
    silent: false,
    globalSetup: ['test/support/global-build.ts'],
  },
});
