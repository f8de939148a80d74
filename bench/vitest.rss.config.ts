// `npm run bench:rss` (bench/cluster-rss.bench.ts): one file, one long run, against the e2e harness.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/cluster-rss.bench.ts'], pool: 'forks', testTimeout: 600_000, hookTimeout: 600_000 },
});
