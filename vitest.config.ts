import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/**/*.diff.test.ts', 'node_modules/**'],
    // Builds helm once (cached) for the chart tests; a few minutes on the first run only.
    globalSetup: ['test/chart/setup.ts'],
    hookTimeout: 60_000,
    testTimeout: 20_000,
    pool: 'forks',
  },
});
