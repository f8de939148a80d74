// Where the validator's CRDs come from, for the CLI and the server: the bundle shipped in
// crds/ (Istio, and the Gateway API's experimental channel, the superset), or CRD files and
// directories the user names (--crds), or — in cluster mode — the cluster itself
// (cluster/watch/crd-watch.ts). Building the validator from them is one call; compiledValidators
// also compiles it completely (in the background) before handing it over.
import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';
import { readManifests } from './documents/documents.js';
import { InputError } from './documents/io.js';
import { listFiles } from './documents/paths.js';
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

/**
 * Every CustomResourceDefinition in the named files and directories (other objects are
 * skipped). A path that cannot be read, a broken document or no CRD at all is an InputError
 * (one line, exit 2) naming --crds.
 */
export async function crdsFromPaths(paths: readonly string[], cwd: string): Promise<unknown[]> {
  const fail = (message: string): InputError => new InputError(`--crds: ${message}`);
  const { files } = await listFiles(paths, cwd, []).catch((e: unknown) => {
    throw fail(e instanceof Error ? e.message : String(e));
  });
  const out: unknown[] = [];
  for (const { path } of files) {
    const docs = await readManifests(path, cwd).catch((e: unknown) => {
      throw fail(e instanceof Error ? e.message : String(e));
    });
    for (const doc of docs) {
      if (doc.error !== undefined) throw fail(`${path}:${(doc.errorAt ?? doc.position).line}: ${doc.error}`);
      if (isCrdObject(doc.object)) out.push(doc.object);
    }
  }
  if (out.length === 0) throw fail(`no CustomResourceDefinition found in ${paths.join(', ')}`);
  return out;
}

/** The validator over `crds` (the bundle when undefined). */
export function validatorsFor(settings: ValidationSettings, crds?: readonly unknown[]): Validators {
  return createValidators(crdSet(crds ?? bundledCrds()), settings);
}

/**
 * The validator over `crds`, every served version compiled, one per event-loop turn so a
 * server keeps answering meanwhile; rejects at the first CRD that cannot be read or compiled,
 * so a caller can keep the validator it has (a hot reload never installs a half-usable one).
 */
export async function compiledValidators(settings: ValidationSettings, crds: readonly unknown[]): Promise<Validators> {
  const validators = validatorsFor(settings, crds);
  await compileInBackground(validators);
  return validators;
}

/** Compiles every served version not compiled yet, one per event-loop turn; rejects at the first that fails. */
export function compileInBackground(validators: Validators): Promise<void> {
  const steps = validators.pending();
  return new Promise((resolve, reject) => {
    const next = (): void => {
      const step = steps.shift();
      if (!step) return resolve();
      try {
        step();
      } catch (e) {
        return reject(e);
      }
      setImmediate(next);
    };
    setImmediate(next);
  });
}
