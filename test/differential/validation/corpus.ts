// Real documents for the validation differential: Istio's samples (istio.io/istio, the version
// the Istio harness pins) and the Gateway API's examples (sigs.k8s.io/gateway-api, the shipped
// CRDs' version), fetched into the Go module cache at test time, plus this repository's own
// validation test data. Only objects of kinds the shipped CRDs define are kept, once each.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseManifests } from '../../../src/documents/documents.js';
import { crdSources, goModDownload } from '../../e2e/cluster/crds.js';
import { REPO_ROOT } from '../../e2e/cluster/versions.js';

export interface Document {
  /** Where it came from: `module@version:path#index` or a repository path. */
  readonly source: string;
  readonly object: Record<string, unknown>;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const full = join(dir, e);
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full));
    else if (/\.(ya?ml|json)$/.test(e)) out.push(full);
  }
  return out;
}

function documentsIn(root: string, dirs: readonly string[], label: string): Document[] {
  const out: Document[] = [];
  for (const d of dirs) {
    for (const file of yamlFiles(join(root, d))) {
      for (const doc of parseManifests(file, readFileSync(file, 'utf8'))) {
        if (doc.object) out.push({ source: `${label}:${relative(root, file)}#${doc.index}`, object: doc.object });
      }
    }
  }
  return out;
}

/** AdmissionReview examples carry their object under request.object. */
function unwrapReview(d: Document): Document {
  const req = (d.object['request'] ?? {}) as Record<string, unknown>;
  const inner = req['object'];
  return d.object['kind'] === 'AdmissionReview' && inner && typeof inner === 'object' ? { source: d.source, object: inner as Record<string, unknown> } : d;
}

export interface CorpusOptions {
  readonly istioModule: { readonly module: string; readonly version: string };
  /** group/Kind of every kind the CRDs define. */
  readonly kinds: ReadonlySet<string>;
}

export async function loadCorpus(opts: CorpusOptions): Promise<Document[]> {
  const gw = crdSources().bundles.find((b) => b.name === 'gateway-api');
  if (!gw) throw new Error('crds/SOURCES.json has no gateway-api bundle');
  const istioDir = await goModDownload(opts.istioModule.module, opts.istioModule.version);
  const gwDir = await goModDownload(gw.module, gw.version);
  const all = [
    ...documentsIn(istioDir, ['samples'], `${opts.istioModule.module}@${opts.istioModule.version}`),
    ...documentsIn(gwDir, ['examples'], `${gw.module}@${gw.version}`),
    ...documentsIn(REPO_ROOT, ['test/data/validate', 'examples', 'test/e2e/data'], 'repo').map(unwrapReview),
  ];
  const seen = new Set<string>();
  return all.filter((d) => {
    const apiVersion = String(d.object['apiVersion'] ?? '');
    const key = `${apiVersion.slice(0, Math.max(apiVersion.indexOf('/'), 0))}/${String(d.object['kind'] ?? '')}`;
    const text = JSON.stringify(d.object);
    if (!opts.kinds.has(key) || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
