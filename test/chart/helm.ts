// The chart as the tests see it: `helm template` and `helm lint` of charts/meshgate with the
// helm that globalSetup built, values given as files or objects, output parsed into objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { helmRunner } from '../e2e/cluster/helm.js';
import type { RunResult } from '../e2e/cluster/proc.js';
import { REPO_ROOT } from '../e2e/cluster/versions.js';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'meshgate');
export const RELEASE = { name: 'meshgate', namespace: 'meshgate-system' } as const;

export type Obj = Record<string, any>;

/** Runs helm with its own empty config/cache/data directories. */
export async function helm(args: readonly string[]): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'meshgate-helm-'));
  try {
    return await helmRunner(inject('helm'), home)(args, { cwd: REPO_ROOT });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `--values` arguments for value objects (written to temporary files) and value files. */
function valuesArgs(values: readonly (Obj | string)[], dir: string): string[] {
  return values.flatMap((v, i) => {
    if (typeof v === 'string') return ['--values', v];
    const file = join(dir, `values-${i}.yaml`);
    writeFileSync(file, stringify(v));
    return ['--values', file];
  });
}

/** `helm template` of the chart; the raw result, for tests that expect it to fail. */
export async function template(values: readonly (Obj | string)[] = [], extra: readonly string[] = []): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-values-'));
  try {
    return await helm(['template', RELEASE.name, CHART_DIR, '--namespace', RELEASE.namespace, ...valuesArgs(values, dir), ...extra]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` output as YAML text; throws with helm's message when it fails. */
export async function renderText(values: readonly (Obj | string)[] = [], extra: readonly string[] = []): Promise<string> {
  const res = await template(values, extra);
  if (res.code !== 0) throw new Error(`helm template failed (exit ${res.code}):\n${res.stderr}`);
  return res.stdout;
}

export async function render(values: readonly (Obj | string)[] = []): Promise<Obj[]> {
  return parseAllDocuments(await renderText(values))
    .map((d) => d.toJS() as Obj)
    .filter((d) => d !== null);
}

export function byKind(docs: readonly Obj[], kind: string): Obj[] {
  return docs.filter((d) => d.kind === kind);
}

export function one(docs: readonly Obj[], kind: string, name?: string): Obj {
  const found = byKind(docs, kind).filter((d) => name === undefined || d.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as Obj;
}
