// Validation through the real API server: what `kubectl apply` prints for routing resources.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { E2E_DIR } from './cluster/versions.js';
import { E2E_NAMESPACE_MESHGATE } from './context.js';
import { counter, createNamespace, e2e, kubectl } from './support.js';

const DATA = join(E2E_DIR, 'data');

interface DataFile {
  readonly file: string;
  readonly path: string;
  readonly kind: string;
  readonly name: string;
  /** The field path the denial must name (`# expect-path:` header of invalid files). */
  readonly expectPath: string;
}

function dataFiles(dir: string): DataFile[] {
  return readdirSync(join(DATA, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const path = join(DATA, dir, file);
      const text = readFileSync(path, 'utf8');
      const doc = parse(text) as { kind: string; metadata: { name: string } };
      const expectPath = /^# expect-path:\s*(\S+)/m.exec(text)?.[1] ?? '';
      return { file, path, kind: doc.kind, name: doc.metadata.name, expectPath };
    });
}

const VALID = dataFiles('valid');
const INVALID = dataFiles('invalid');
const WARN = dataFiles('warn');

describe('valid routing resources apply cleanly (scenario 7)', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await createNamespace('e2e-valid');
  });

  it.each(VALID)('$file', async ({ path, kind }) => {
    const before = await counter(e2e().meshgate, 'galley_validation_passed');
    const res = await kubectl().run(['apply', '-n', ns, '-f', path]);
    expect(res.code, `kubectl apply of a valid ${kind} failed:\n${res.stderr}`).toBe(0);
    expect(res.stderr).not.toContain('denied the request');
    expect(await counter(e2e().meshgate, 'galley_validation_passed'), 'meshgate validated it').toBeGreaterThan(before);
  });
});

describe('invalid routing resources are denied with the field path (scenario 8)', () => {
  let ns = '';
  beforeAll(async () => {
    ns = await createNamespace('e2e-invalid');
  });

  // meshgate's own namespace is outside the webhook, so this shows what the CRD alone says:
  // the denial below must come from meshgate, not from the CRD schema or its CEL rules.
  it.each(INVALID)('$file passes the CRD schema', async ({ path }) => {
    const res = await kubectl().run(['apply', '--dry-run=server', '-n', E2E_NAMESPACE_MESHGATE, '-f', path]);
    expect(res.code, `the installed CRD itself rejects it (pick data only the webhook rejects):\n${res.stderr}`).toBe(0);
  });

  it.each(INVALID)('$file is denied ($expectPath)', async ({ path, kind, name, expectPath }) => {
    expect(expectPath, 'the data file needs a "# expect-path:" header').not.toBe('');
    const res = await kubectl().run(['apply', '-n', ns, '-f', path]);
    expect(res.code, `kubectl apply was expected to fail:\n${res.stdout}${res.stderr}`).not.toBe(0);
    expect(res.stderr).toContain('denied the request');
    expect(res.stderr).toContain(`${kind} ${ns}/${name}`);
    expect(res.stderr).toContain(expectPath);
    const stored = await kubectl().run(['get', kind, name, '-n', ns]);
    expect(stored.code, `${kind} ${name} was stored`).not.toBe(0);
  });

  it.each(INVALID)('$file gets the same verdict with --dry-run=server', async ({ path, expectPath }) => {
    const res = await kubectl().run(['apply', '--dry-run=server', '-n', ns, '-f', path]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('denied the request');
    expect(res.stderr).toContain(expectPath);
  });
});

describe('warnings reach kubectl (scenario 8)', () => {
  it.each(WARN)('$file is admitted with a Warning: line', async ({ path, kind }) => {
    const ns = await createNamespace('e2e-warn');
    const res = await kubectl().run(['apply', '-n', ns, '-f', path]);
    expect(res.code, `kubectl apply of ${kind} failed:\n${res.stderr}`).toBe(0);
    expect(res.stderr).toMatch(/^Warning: /m);
  });
});
