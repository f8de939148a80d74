// `npm run test:e2e`: scenarios against a real kube-apiserver (test/e2e/README.md). The
// globalSetup builds Kubernetes on the first run (minutes) and starts the cluster and meshgate
// once; the files share that cluster's webhook configurations, so they run one at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    // The Helm install's own files run in vitest.e2e-helm.config.ts, against a Helm install.
    exclude: ['test/e2e/helm-*.e2e.test.ts', 'node_modules/**'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
