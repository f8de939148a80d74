// manifests/ cannot drift from the chart: it must be exactly what `helm template` renders with
// the default values (manifests.ts). MESHGATE_WRITE=1 (`npm run manifests`) rewrites
// it instead of comparing.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/cluster/versions.js';
import { renderText } from './helm.js';
import { manifestFiles } from './manifests.js';

const DIR = join(REPO_ROOT, 'manifests');
const WRITE = process.env['MESHGATE_WRITE'] === '1';

describe('manifests/ is generated from charts/meshgate', () => {
  it(WRITE ? 'writes manifests/ from helm template' : 'equals helm template with the default values, file by file', async () => {
    const wanted = manifestFiles(await renderText());
    if (WRITE) {
      if (existsSync(DIR)) for (const f of readdirSync(DIR)) rmSync(join(DIR, f));
      mkdirSync(DIR, { recursive: true });
      for (const [name, content] of wanted) writeFileSync(join(DIR, name), content);
    }
    const present = readdirSync(DIR).sort();
    expect(present, 'files in manifests/ (run `npm run manifests` after changing the chart)').toEqual([...wanted.keys()].sort());
    for (const [name, content] of wanted) {
      expect(readFileSync(join(DIR, name), 'utf8'), `manifests/${name} differs from the chart (run \`npm run manifests\`)`).toBe(content);
    }
  });
});
