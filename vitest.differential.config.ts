// `npm run test:differential`: meshgate against Istio's own injector and validator (the Go
// harness of test/differential/istio, built once into a cache by the globalSetup; the first
// build takes 5-15 minutes on 2 cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/differential/**/*.differential.test.ts'],
    globalSetup: ['test/differential/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
