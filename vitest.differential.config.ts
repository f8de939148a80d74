// `npm run test:differential` (through test/differential/run.mjs): meshgate against Istio's
// injector built from the istio.io/istio module. The first run builds the harness (minutes).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/differential/**/*.diff.test.ts'],
    pool: 'forks',
    testTimeout: 60 * 60_000,
    hookTimeout: 60 * 60_000,
  },
});
