// The Helm install on the e2e cluster (test/e2e/helm-setup.ts): the injection and validation
// scenarios of the kustomize install, run unchanged against meshgate installed with
// `helm install`, then the chart's own lifecycle and cert-manager files. One cluster, one file
// at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/inject.e2e.test.ts', 'test/e2e/validate.e2e.test.ts', 'test/e2e/helm-*.e2e.test.ts'],
    sequence: { shuffle: false },
    globalSetup: ['test/e2e/helm-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
