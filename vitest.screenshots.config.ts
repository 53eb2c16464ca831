import { defineConfig } from 'vitest/config';

/** `npm run screenshots`: retakes the README's pictures (docs/screenshots) from the browser host. */
export default defineConfig({
  test: {
    include: ['test/screenshots/**/*.screens.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-build.ts'],
  },
});
