// The validation differential: real documents and seeded mutants of them, judged by a real
// kube-apiserver (dry run, strict field validation, the shipped CRDs), by istiod's webhook
// (Istio kinds) and by meshgate's CLI and webhook; see judge.ts for what must agree.
import { bundledCrds } from '../../../src/crds.js';
import { startCluster } from '../../e2e/cluster/index.js';
import type { Progress } from '../../e2e/cluster/progress.js';
import { istioPin } from '../harness.js';
import { dryRunClient, mapLimit, type ApiVerdict, type Resource } from './apiserver.js';
import { loadCorpus, type Document } from './corpus.js';
import { harnessBinary, startIstiod, type IstiodVerdict } from './istiod.js';
import { judge, type Failure, type Verdicts } from './judge.js';
import { runCli, startWebhook, type MeshgateVerdict } from './meshgate.js';
import { mutate, rng } from './mutate.js';

export interface SuiteOptions {
  readonly seed: number;
  /** Documents in all: the real ones first, then mutants up to this number. */
  readonly count: number;
  readonly progress: Progress;
}

interface Case {
  readonly source: string;
  readonly edits: readonly string[];
  readonly object: Record<string, unknown>;
  readonly resource: Resource;
  readonly groupKind: string;
}

const ISTIO_MODULE = 'istio.io/istio';

function resources(): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const c of bundledCrds() as { spec: { group: string; scope: string; names: { kind: string; plural: string } } }[]) {
    out.set(`${c.spec.group}/${c.spec.names.kind}`, { plural: c.spec.names.plural, namespaced: c.spec.scope !== 'Cluster' });
  }
  return out;
}

function groupKindOf(o: Record<string, unknown>): string {
  const apiVersion = String(o['apiVersion'] ?? '');
  return `${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''}/${String(o['kind'] ?? '')}`;
}

/** Namespaced objects go to `default` (which exists); status never reaches validation. */
function normalise(o: Record<string, unknown>, r: Resource): Record<string, unknown> {
  const copy = structuredClone(o);
  const md = { ...((copy['metadata'] as Record<string, unknown> | undefined) ?? {}) };
  if (r.namespaced) md['namespace'] = 'default';
  else delete md['namespace'];
  copy['metadata'] = md;
  delete copy['status'];
  return copy;
}

function cases(corpus: readonly Document[], res: Map<string, Resource>, opts: SuiteOptions): Case[] {
  const make = (source: string, edits: readonly string[], object: Record<string, unknown>): Case | undefined => {
    const groupKind = groupKindOf(object);
    const resource = res.get(groupKind);
    return resource ? { source, edits, object: normalise(object, resource), resource, groupKind } : undefined;
  };
  const out = corpus
    .map((d) => make(d.source, [], d.object))
    .filter((c): c is Case => c !== undefined)
    .slice(0, opts.count);
  const r = rng(opts.seed);
  while (out.length < opts.count && corpus.length > 0) {
    const d = corpus[Math.floor(r() * corpus.length)] as Document;
    const m = mutate(r, d.object);
    const c = make(d.source, m.edits, m.object);
    if (c) out.push(c);
  }
  return out;
}

async function istiodVerdicts(all: readonly Case[], api: readonly ApiVerdict[], progress: Progress): Promise<(IstiodVerdict | undefined)[]> {
  const istiod = startIstiod(await harnessBinary(progress));
  try {
    return await mapLimit(all, 16, async (c, i) => (c.groupKind.includes('istio.io/') ? istiod.validate(api[i]?.stored ?? c.object) : undefined));
  } finally {
    await istiod.close();
  }
}

async function webhookVerdicts(all: readonly Case[], api: readonly ApiVerdict[]): Promise<(MeshgateVerdict | undefined)[]> {
  const webhook = startWebhook();
  try {
    return await mapLimit(all, 4, async (c, i) => {
      const stored = api[i]?.stored;
      return stored ? webhook.validate(stored, c.resource.plural) : undefined;
    });
  } finally {
    await webhook.close();
  }
}

export async function runValidationSuite(opts: SuiteOptions): Promise<{ all: Verdicts[]; failures: Failure[] }> {
  const res = resources();
  const version = istioPin();
  opts.progress(`reading documents: ${ISTIO_MODULE}@${version} samples, the Gateway API examples, the repository's test data`);
  const corpus = await loadCorpus({ istioModule: { module: ISTIO_MODULE, version }, kinds: new Set(res.keys()) });
  const all = cases(corpus, res, opts);
  opts.progress(`${corpus.length} real documents; ${all.length} cases with seed ${opts.seed}`);
  const cluster = await startCluster({ progress: opts.progress });
  let api: ApiVerdict[];
  try {
    const client = dryRunClient(cluster);
    api = await mapLimit(
      all,
      8,
      (c) => client.create(c.object, c.resource),
      (n) => n % 500 === 0 && opts.progress(`API server: ${n}/${all.length}`),
    );
    client.close();
  } finally {
    await cluster.stop();
  }
  opts.progress('istiod (the Istio harness)');
  const istiod = await istiodVerdicts(all, api, opts.progress);
  opts.progress('meshgate validate (CLI)');
  const cli = runCli(all.map((c) => c.object));
  opts.progress('meshgate /validate (webhook)');
  const webhook = await webhookVerdicts(all, api);
  const verdicts: Verdicts[] = all.map((c, i) => ({
    index: i,
    source: c.source,
    edits: c.edits,
    kind: c.groupKind,
    object: c.object,
    family: c.groupKind.includes('istio.io/') ? 'istio' : 'gateway-api',
    api: api[i] as ApiVerdict,
    cli: cli[i] as MeshgateVerdict,
    ...(istiod[i] ? { istiod: istiod[i] } : {}),
    ...(webhook[i] ? { webhook: webhook[i] } : {}),
  }));
  return { all: verdicts, failures: judge(verdicts) };
}
