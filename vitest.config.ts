import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The differential suite has its own run (npm run test:differential: it builds Istio's harness).
    exclude: ['test/e2e/**', 'test/differential/**', 'node_modules/**'],
    // Builds helm once (cached) for the chart tests; a few minutes on the first run only.
    globalSetup: ['test/chart/setup.ts'],
    hookTimeout: 60_000,
    testTimeout: 20_000,
    pool: 'forks',
  },
});
