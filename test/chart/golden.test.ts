// `helm template` golden files: each values file of test/chart/values/ renders exactly
// test/chart/golden/<name>.yaml, and `helm lint --strict` accepts the chart with it.
// MESHGATE_WRITE=1 (`npm run manifests`) rewrites the golden files instead of comparing; a
// changed golden file is then reviewed in the diff like any other change.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, helm, renderText } from './helm.js';

const VALUES_DIR = join(import.meta.dirname, 'values');
const GOLDEN_DIR = join(import.meta.dirname, 'golden');
const WRITE = process.env['MESHGATE_WRITE'] === '1';
const sets = readdirSync(VALUES_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

describe('helm template golden files', () => {
  it('covers at least five value sets', () => {
    expect(sets.length).toBeGreaterThanOrEqual(5);
    expect(readdirSync(GOLDEN_DIR).sort()).toEqual(sets.map((s) => `${s}.yaml`));
  });

  it.each(sets)('%s renders its golden file', async (name) => {
    const text = await renderText([join(VALUES_DIR, `${name}.yaml`)]);
    // Every document is YAML a cluster would take (no template left half-rendered).
    for (const doc of parseAllDocuments(text)) expect(doc.errors, `${name}: ${doc.errors.join('; ')}`).toEqual([]);
    const file = join(GOLDEN_DIR, `${name}.yaml`);
    if (WRITE) writeFileSync(file, text);
    expect(text, `${name} differs from test/chart/golden/${name}.yaml (run \`npm run manifests\` and review the diff)`).toBe(readFileSync(file, 'utf8'));
  });

  it.each(sets)('helm lint --strict accepts %s', async (name) => {
    const res = await helm(['lint', '--strict', CHART_DIR, '--namespace', 'meshgate-system', '--values', join(VALUES_DIR, `${name}.yaml`)]);
    expect(res.stdout + res.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(res.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(res.code).toBe(0);
  });
});
