// `npm run bench:apiserver` (bench/apiserver.bench.ts): one long run against the e2e harness's cluster.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/apiserver.bench.ts'], pool: 'forks', testTimeout: 3_600_000, hookTimeout: 600_000 },
});
