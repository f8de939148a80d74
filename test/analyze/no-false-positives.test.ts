// No false positives: the user's seed examples, Istio's samples and Gateway API's published
// examples are correct setups, so `meshgate analyze` must find nothing in each of them. The
// published examples are read from their Go modules at test time (never committed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyze/index.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { goModDownload } from '../helpers/gomod.js';

/** The published examples, pinned: the Istio snapshot the differential harness uses, and Gateway API v1.6.3. */
const ISTIO = { module: 'istio.io/istio', version: 'v0.0.0-20260827124520-eed52ebb66ad' };
const GATEWAY_API = { module: 'sigs.k8s.io/gateway-api', version: 'v1.6.3' };

async function findings(paths: string[]): Promise<{ code: number; findings: Finding[]; stderr: string }> {
  const io = capture();
  const code = await main(['analyze', '-o', 'json', '--failure-threshold', 'info', ...paths.flatMap((p) => ['-f', p])], io);
  return { code, findings: JSON.parse(io.out() || '[]') as Finding[], stderr: io.err() };
}

const brief = (f: Finding): string => `${f.code} ${f.objects[0]?.kind} ${f.objects[0]?.namespace}/${f.objects[0]?.name}: ${f.message}`;

const SEEDS = 'test/data/analyze/seeds';
const valid = (...files: string[]): string[] => files.map((f) => join(SEEDS, 'valid', `${f}.yaml`));

describe('the seed examples', () => {
  const each = readdirSync(join(SEEDS, 'valid')).map((f) => join(SEEDS, 'valid', f));

  it.each(each)('%s alone: no findings', async (file) => {
    const r = await findings([file]);
    expect(r.findings.map(brief)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it.each<[string, string[]]>([
    ['the workloads and their Namespace', [join(SEEDS, 'inject')]],
    ['the egress gateway, its ServiceEntry and VirtualService', valid('gateway-egress-my-server', 'serviceentry-my-server', 'virtualservice-egress-tcp')],
    ['the subsets and the route that uses them', valid('destinationrule-subsets', 'virtualservice-test-route')],
    ['the subsets and the fault/mirror route', valid('destinationrule-subsets', 'destinationrule-circuit-breaker', 'virtualservice-fault-mirror')],
    ['the subsets and the weighted route', valid('destinationrule-subsets', 'virtualservice-weights-retries')],
    ['the apps Gateway (HTTP) and its HTTPRoute', valid('gateway-apps-http', 'httproute-httpbin-rewrite')],
    ['the apps Gateway (HTTPS) and its HTTPRoute', valid('gateway-apps-https', 'httproute-httpbin-rewrite')],
    ['the dedicated Gateway and its HTTPRoute', valid('gateway-dedicated', 'httproute-httpbin-dedicated')],
    [
      'the Istio test gateway, the ServiceEntry and the mesh policies',
      valid('gateway-istio-test-gateway', 'serviceentry-mongodb', 'peerauthentication-strict', 'sidecar-default', 'envoyproxy-data-plane-sidecars'),
    ],
  ])('%s: no findings', async (_name, paths) => {
    const r = await findings(paths);
    expect(r.findings.map(brief)).toEqual([]);
  });

  it('the whole valid/ directory: only the real conflict of its alternative routes for nginx', async () => {
    const r = await findings([join(SEEDS, 'valid')]);
    expect(r.findings.map((f) => `${f.code} ${f.objects[0]?.name} ${f.objects[1]?.name}`)).toEqual(['MG301 test-route fault-and-mirror', 'MG301 weighted-route fault-and-mirror']);
  });
});

/** Each directory directly under `root` is one setup; files directly in `root` are setups of their own. */
function setups(root: string): string[] {
  return readdirSync(root)
    .map((e) => join(root, e))
    .filter((p) => statSync(p).isDirectory() || /\.ya?ml$/.test(p))
    .sort();
}

describe("Istio's samples and Gateway API's examples (from their Go modules)", () => {
  let istioSamples: string[] = [];
  let gatewayExamples: string[] = [];

  beforeAll(async () => {
    const istio = await goModDownload(ISTIO.module, ISTIO.version);
    const gw = await goModDownload(GATEWAY_API.module, GATEWAY_API.version);
    istioSamples = setups(join(istio, 'samples'));
    const examples = join(gw, 'examples');
    gatewayExamples = [
      ...setups(join(examples, 'standard')),
      ...setups(join(examples, 'experimental')).flatMap((p) => (statSync(p).isDirectory() && /v1alpha\d$/.test(p) ? setups(p) : [p])),
    ];
  }, 20 * 60_000);

  it('finds the examples', () => {
    expect(istioSamples.length).toBeGreaterThan(20);
    expect(gatewayExamples.length).toBeGreaterThan(20);
  });

  it('Istio samples: no findings in any sample (each analysed as a whole)', async () => {
    const dirty: string[] = [];
    for (const s of istioSamples) dirty.push(...(await findings([s])).findings.map((f) => `${s}: ${brief(f)}`));
    expect(dirty).toEqual([]);
  }, 120_000);

  it('Gateway API examples: no findings in any example directory or file', async () => {
    const dirty: string[] = [];
    for (const s of gatewayExamples) dirty.push(...(await findings([s])).findings.map((f) => `${s}: ${brief(f)}`));
    expect(dirty).toEqual([]);
  }, 120_000);

  it('the analyzer does look at them: Bookinfo with one planted subset typo has exactly that finding', async () => {
    const bookinfo = istioSamples.find((s) => s.endsWith('/bookinfo')) as string;
    const dir = join(bookinfo, 'networking');
    const text = [join(bookinfo, 'platform', 'kube', 'bookinfo.yaml'), ...readdirSync(dir).map((f) => join(dir, f))].map((f) => readFileSync(f, 'utf8')).join('\n---\n');
    const io = capture({ stdin: text.replace('subset: v3', 'subset: v33') });
    expect(await main(['analyze', '-f', '-', '-o', 'json'], io)).toBe(1);
    expect((JSON.parse(io.out()) as Finding[]).map((f) => `${f.code} ${f.objects[0]?.path}`)).toEqual(['MG103 spec.http[0].route[0].destination.subset']);
  }, 60_000);
});
