// Where the validator's CRDs come from, for the CLI and the server: the bundle shipped in
// crds/ (Istio, and the Gateway API's experimental channel, the superset), or CRD files and
// directories the user names (--crds), or — in cluster mode — the cluster itself
// (cluster/crd-watch.ts). Building the validator from them is one call.
import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';
import { expandPaths, readManifests } from './cli/documents.js';
import { createValidators, crdSet, isCrdObject, type Validators, type ValidationSettings } from './validate/index.js';

/** The bundles of crds/index.json meshgate validates against by default. */
export const DEFAULT_BUNDLES = ['istio', 'gateway-api/experimental'] as const;

interface BundleIndex {
  readonly bundles: Readonly<Record<string, readonly unknown[]>>;
}

/** The shipped CRDs (crds/index.json, written by scripts/fetch-crds.mjs). */
export function bundledCrds(bundles: readonly string[] = DEFAULT_BUNDLES): unknown[] {
  const index = JSON.parse(readFileSync(packagePath('crds', 'index.json'), 'utf8')) as BundleIndex;
  return bundles.flatMap((b) => {
    const crds = index.bundles[b];
    if (!crds) throw new Error(`crds/index.json has no bundle "${b}"`);
    return [...crds];
  });
}

/** Every CustomResourceDefinition in the named files and directories (other objects are skipped). */
export async function crdsFromPaths(paths: readonly string[], cwd: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const file of await expandPaths([...paths], cwd)) {
    for (const doc of await readManifests(file, cwd)) {
      if (doc.error !== undefined) throw new Error(`${file}: ${doc.error}`);
      if (isCrdObject(doc.object)) out.push(doc.object);
    }
  }
  if (out.length === 0) throw new Error(`no CustomResourceDefinition found in ${paths.join(', ')}`);
  return out;
}

/** The validator over `crds` (the bundle when undefined). */
export function validatorsFor(settings: ValidationSettings, crds?: readonly unknown[]): Validators {
  return createValidators(crdSet(crds ?? bundledCrds()), settings);
}
