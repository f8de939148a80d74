// The layers of src/ (docs/architecture.md): every relative import, static or dynamic, type-only
// or not, must point at the same layer or a lower one. A module that needs something from above
// gets it passed in (a callback, an interface it defines), so the core never reaches for I/O.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Lowest first. A module belongs to the layer of the longest prefix that matches its path. */
const LAYERS: readonly (readonly string[])[] = [
  // Pure helpers with no project imports: JSON, durations, identity; package paths and version.
  ['lib/', 'paths.ts', 'version.ts'],
  // The core: decisions over plain data, no I/O (inject, validate, analyze, certificates, AdmissionReview envelopes).
  ['admission/', 'inject/', 'validate/', 'analyze/', 'certs/', 'workloads.ts'],
  // Readers at the edge: manifests from files, and the Kubernetes API client.
  ['documents/', 'cluster/api/'],
  // Where configuration comes from: meshgate's settings, Istio's documents (files or ConfigMaps), the CRDs.
  ['config.ts', 'config-source/', 'crds.ts'],
  // What server and cluster share: readiness, TLS files, the engines' runtime settings.
  ['runtime/'],
  // Cluster mode: leader election, certificates, webhook configurations, watches, Events.
  ['cluster/'],
  // The HTTPS server and `meshgate check`, which both drive the cluster code.
  ['server/', 'check/'],
  ['cli/'],
  ['main.ts'],
];

function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((prefixes, i) => {
    for (const p of prefixes) if (file.startsWith(p) && p.length > bestLength) [best, bestLength] = [i, p.length];
  });
  return best;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(join(SRC, file)), m[1] ?? '')).replace(/\.js$/, '.ts'));
}

describe('layers', () => {
  const files = sources(SRC);

  it('places every source file in a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('finds the imports it checks', () => {
    expect(importsOf('main.ts').length).toBeGreaterThan(0);
    expect(layerOf('cluster/api/kube.ts')).toBeLessThan(layerOf('config-source/configmaps.ts'));
    expect(layerOf('cluster/duties/leader.ts')).toBeGreaterThan(layerOf('runtime/readiness.ts'));
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = files.flatMap((f) =>
      importsOf(f)
        .filter((target) => layerOf(target) > layerOf(f))
        .map((target) => `${f} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
