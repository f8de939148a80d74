// vitest globalSetup for `npm run test:differential`: builds the Istio harness when the cache
// lacks it (minutes, with a progress line) and hands its path to the test files.
import type { TestProject } from 'vitest/node';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { ensureHarness } from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    istioHarness: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('istioHarness', await ensureHarness(stderrProgress(Date.now(), 'differential')));
}
