// `meshgate check` from a snapshot of a cluster: a healthy install passes, and each fault is
// named — wrong caBundle, meshgate down, an expired certificate, a second injector — as are the
// per-namespace and per-Pod injection answers, a tag resolved to its revision, and the leader.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { issueCA, issueServing, type KeyPair } from '../../src/certs/pki.js';
import { entriesOf, type Entry, type PodState, type Snapshot } from '../../src/check/model.js';
import { analyze, renderText } from '../../src/check/report.js';
import { satisfiable } from '../../src/check/selectors.js';
import { parseSelector, type LabelSelector } from '../../src/inject/decide/selectors.js';
import { manifests } from '../../src/cli/manifests.js';
import { capture } from '../helpers/cli.js';

const ISTIOD = parse(readFileSync(fileURLToPath(new URL('../data/istiod/istio-sidecar-injector.yaml', import.meta.url)), 'utf8')) as unknown;
const URL_BASE = 'https://127.0.0.1:9443';
const DAY = 86_400_000;

let ca: KeyPair;
let serving: KeyPair;
let otherCa: KeyPair;
let expired: KeyPair;

async function rendered(args: string[]): Promise<Entry[]> {
  const io = capture();
  expect(await manifests(args, io)).toBe(0);
  return io
    .out()
    .split(/^---$/m)
    .map((d) => parse(d) as { kind: string })
    .flatMap((d) => entriesOf(d.kind === 'MutatingWebhookConfiguration' ? 'mutating' : 'validating', d));
}

function snapshot(entries: Entry[], over: Partial<Snapshot> = {}): Snapshot {
  return {
    now: new Date(),
    meshgateNamespace: 'meshgate-system',
    names: { mutating: 'meshgate-sidecar-injector', validating: 'meshgate-validator', secret: 'meshgate-certs', lease: 'meshgate-leader' },
    entries,
    services: {},
    probes: { [URL_BASE]: { chain: [serving.cert], readyz: 200 } },
    secret: {},
    heartbeats: [],
    namespaces: [
      { name: 'default', labels: {} },
      { name: 'shop', labels: { 'istio-injection': 'enabled' } },
      { name: 'web', labels: { 'istio.io/rev': 'meshgate' } },
    ],
    pods: [],
    problems: [],
    ...over,
  };
}

const pod = (namespace: string, name: string, extra: Partial<PodState> = {}): PodState => ({
  namespace,
  name,
  labels: {},
  annotations: {},
  hostNetwork: false,
  phase: 'Running',
  ...extra,
});
const errors = (s: Snapshot): string[] =>
  analyze(s)
    .findings.filter((f) => f.status === 'error')
    .map((f) => `${f.subject}: ${f.message}`);

beforeAll(async () => {
  const now = new Date();
  ca = await issueCA({ validityMs: 365 * DAY, now });
  serving = await issueServing(ca, { sans: ['127.0.0.1', 'localhost'], validityMs: 90 * DAY, now });
  otherCa = await issueCA({ validityMs: 365 * DAY, now });
  expired = await issueServing(ca, { sans: ['127.0.0.1'], validityMs: DAY, now: new Date(now.getTime() - 30 * DAY) });
});

async function install(extra: string[] = []): Promise<Entry[]> {
  const entries = await rendered(['--url', URL_BASE, ...extra]);
  const bundle = (e: Entry): Entry => ({ ...e, clientConfig: { ...e.clientConfig, caBundle: ca.cert } });
  return entries.map(bundle);
}

describe('meshgate check', () => {
  it("passes on a healthy install, and says how each Namespace's Pods are injected", async () => {
    const s = snapshot(await install(), { pods: [pod('shop', 'cart-1', { annotations: { 'sidecar.istio.io/status': '{}', 'istio.io/rev': 'default' } })] });
    const r = analyze(s);
    expect(r.summary).toEqual({ errors: 0, warnings: 0, passed: true });
    expect(r.namespaces.map((n) => [n.name, n.message])).toEqual([
      ['shop', 'a Pod without injection labels is injected by meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io (meshgate, revision default)'],
    ]);
    const text = renderText(r, false);
    expect(text).toContain('meshgate check passed: 0 error(s), 0 warning(s)');
    expect(text).toContain('OK     webhooks        MutatingWebhookConfiguration meshgate-sidecar-injector: installed, 4 entries');
  });

  it('names a caBundle that does not verify the served certificate', async () => {
    const entries = (await install()).map((e) => (e.name === 'namespace.sidecar-injector.meshgate.io' ? { ...e, clientConfig: { ...e.clientConfig, caBundle: otherCa.cert } } : e));
    expect(errors(snapshot(entries))).toEqual([
      expect.stringMatching(
        /^meshgate-sidecar-injector\/namespace\.sidecar-injector\.meshgate\.io caBundle: does not verify the certificate served at https:\/\/127\.0\.0\.1:9443/,
      ),
    ]);
  });

  it('names meshgate down', async () => {
    const s = snapshot(await install(), { probes: { [URL_BASE]: { chain: [], error: 'connecting to 127.0.0.1:9443: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9443' } } });
    const e = errors(s);
    expect(e).toHaveLength(5);
    expect(e[0]).toContain('no answer: connecting to 127.0.0.1:9443: ECONNREFUSED');
    expect(e[0]).toContain('meshgate is down or cannot be reached there');
  });

  it('names an expired certificate', async () => {
    const s = snapshot(await install(), { probes: { [URL_BASE]: { chain: [expired.cert], readyz: 200 } } });
    expect(errors(s)).toEqual([expect.stringMatching(/^https:\/\/127\.0\.0\.1:9443: the serving certificate expired on /)]);
  });

  it('names a second injector selecting the same Pods, with the namespaces', async () => {
    const s = snapshot([...(await install()), ...entriesOf('mutating', ISTIOD)]);
    const e = errors(s);
    expect(e).toContain(
      "meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io: and istio-sidecar-injector/namespace.sidecar-injector.istio.io, istiod's injector (revision default) both select Pods in namespace(s) shop: such a Pod is injected twice. Move those namespaces to one injector (docs/migrating-from-istiod.md)",
    );
    expect(e).toContain(
      'namespace shop: a Pod without injection labels is injected twice, by meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io (meshgate, revision default) and istio-sidecar-injector/namespace.sidecar-injector.istio.io (istiod, revision default)',
    );
  });

  it('the migration layout (meshgate behind a tag) overlaps with nothing, and a tag resolves to its revision', async () => {
    const tagged = await install(['--tag', 'meshgate', '--only', 'mutating']);
    const validating = await install(['--only', 'validating']);
    const s = snapshot([...tagged, ...validating, ...entriesOf('mutating', ISTIOD)], {
      names: { mutating: 'meshgate-revision-tag-meshgate', validating: 'meshgate-validator', secret: 'meshgate-certs', lease: 'meshgate-leader' },
      pods: [pod('web', 'api-1', { owner: 'ReplicaSet api-7d9f' })],
    });
    const r = analyze(s);
    expect(r.summary.errors).toBe(0);
    expect(r.findings.find((f) => f.check === 'overlap')?.status).toBe('ok');
    expect(r.namespaces.map((n) => [n.name, n.message])).toEqual([
      ['shop', 'a Pod without injection labels is injected by istio-sidecar-injector/namespace.sidecar-injector.istio.io (istiod, revision default)'],
      [
        'web',
        'a Pod without injection labels is injected by meshgate-revision-tag-meshgate/rev.namespace.sidecar-injector.meshgate.io (meshgate, revision default through tag meshgate)',
      ],
    ]);
    expect(r.pods[0]).toMatchObject({ status: 'missing', message: expect.stringContaining('it has no sidecar') });
    expect(r.summary.warnings).toBe(2);
  });

  it('--pod reports one Pod: opted out, or carrying another revision than would inject it now', async () => {
    const s = snapshot(await install(), {
      pods: [pod('shop', 'a', { hostNetwork: true }), pod('shop', 'b', { annotations: { 'sidecar.istio.io/status': '{}', 'istio.io/rev': 'canary' } })],
    });
    expect(
      analyze(s, { pod: { namespace: 'shop', name: 'a' } })
        .findings.filter((f) => f.check === 'pods')
        .map((f) => f.message),
    ).toEqual([expect.stringContaining('it uses the host network, so the injector skips it')]);
    expect(analyze(s, { pod: { namespace: 'shop', name: 'b' } }).pods[0]).toMatchObject({
      status: 'other-revision',
      message: expect.stringContaining('carries a sidecar of revision canary'),
    });
    expect(analyze(s, { pod: { namespace: 'shop', name: 'zzz' } }).summary.errors).toBe(1);
  });

  it("checks Service entries through their endpoints and the Secret's certificate", async () => {
    const entries = (await rendered(['--service', 'meshgate-system/meshgate'])).map((e) => ({ ...e, clientConfig: { ...e.clientConfig, caBundle: ca.cert } }));
    const down = snapshot(entries, { probes: {}, services: { 'meshgate-system/meshgate': { exists: true, ready: 0, notReady: 2 } }, secret: { cert: serving.cert } });
    expect(errors(down)[0]).toContain('Service meshgate-system/meshgate: no ready endpoints (2 not ready)');
    const up = snapshot(entries, { probes: {}, services: { 'meshgate-system/meshgate': { exists: true, ready: 2, notReady: 0 } }, secret: { cert: serving.cert } });
    expect(analyze(up).summary.passed).toBe(true);
  });

  it('reports the leader, a stale one, and none in file mode', async () => {
    const now = new Date();
    const entries = await install();
    expect(analyze(snapshot(entries)).findings.find((f) => f.check === 'leader')?.message).toContain('meshgate does not run in cluster mode here');
    const fresh = snapshot(entries, { leader: { name: 'meshgate-leader', holder: 'replica-a', renewTime: new Date(now.getTime() - 2000), durationSeconds: 15 } });
    expect(analyze(fresh).findings.find((f) => f.check === 'leader')).toMatchObject({ status: 'ok', message: expect.stringContaining('held by replica-a') });
    const stale = snapshot(entries, { leader: { name: 'meshgate-leader', holder: 'replica-a', renewTime: new Date(now.getTime() - 60_000), durationSeconds: 15 } });
    expect(analyze(stale).findings.find((f) => f.check === 'leader')).toMatchObject({ status: 'warning', message: expect.stringContaining('stopped renewing') });
  });
});

describe("revision tags in the chart's own configuration", () => {
  it("an entry rev.object.tag-<tag>.sidecar-injector.meshgate.io resolves to the configuration's revision through the tag", async () => {
    const { revisionOf } = await import('../../src/check/model.js');
    expect(revisionOf({ name: 'rev.object.tag-prod.sidecar-injector.meshgate.io', configLabels: { 'istio.io/rev': 'canary' } })).toEqual({ revision: 'canary', tag: 'prod' });
    expect(revisionOf({ name: 'rev.object.sidecar-injector.meshgate.io', configLabels: {} })).toEqual({ revision: 'default' });
  });
});

describe('selector satisfiability', () => {
  const sel = (raw: unknown): LabelSelector => parseSelector(raw as never) as LabelSelector;
  it.each([
    ['In and DoesNotExist on one key', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, false],
    ['two In sets that share a value', { matchLabels: { a: '1' } }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, true],
    ['In minus NotIn leaves nothing', { matchLabels: { a: '1' } }, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    ['Exists and NotIn', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, true],
    ['different keys', { matchLabels: { a: '1' } }, { matchLabels: { b: '2' } }, true],
  ])('%s', (_name, a, b, expected) => {
    expect(satisfiable(sel(a), sel(b))).toBe(expected);
  });
});
