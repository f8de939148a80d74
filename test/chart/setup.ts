// vitest globalSetup for `npm test`: the chart tests need the real helm, built once from its Go
// module into the e2e cache (test/e2e/cluster/helm.ts). Built here, before any test file runs,
// so parallel test files never build it twice; they find it with `inject('helm')`.
import type { TestProject } from 'vitest/node';
import { ensureHelm } from '../e2e/cluster/helm.js';

export default async function setup(project: TestProject): Promise<void> {
  const progress = (m: string): void => void process.stderr.write(`[helm] ${m}\n`);
  project.provide('helm', await ensureHelm(progress));
}

declare module 'vitest' {
  export interface ProvidedContext {
    helm: string;
  }
}
