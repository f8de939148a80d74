// `meshgate manifests`: renders the webhook configurations of manifests/ for a URL or a
// Service, with a CA bundle, and for another revision.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { writeCerts } from '../../src/certs/files.js';
import { manifests } from '../../src/cli/manifests.js';
import { capture } from '../helpers/cli.js';

let certDir = '';
beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'meshgate-manifests-'));
  await writeCerts(certDir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
});

type Obj = Record<string, any>;

async function render(args: string[]): Promise<{ code: number; docs: Obj[]; stderr: string }> {
  const io = capture();
  const code = await manifests(args, io);
  return { code, docs: parseAllDocuments(io.out()).map((d) => d.toJS() as Obj), stderr: io.err() };
}

describe('meshgate manifests', () => {
  it('points every webhook at the URL with the CA bundle', async () => {
    const { code, docs } = await render(['--url', 'https://127.0.0.1:9443/', '--ca-bundle', join(certDir, 'ca.crt')]);
    expect(code).toBe(0);
    expect(docs.map((d) => d.kind)).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    const [mwc, vwc] = docs as [Obj, Obj];
    for (const w of mwc.webhooks) expect(w.clientConfig).toEqual({ url: 'https://127.0.0.1:9443/inject', caBundle: expect.any(String) });
    expect(vwc.webhooks[0].clientConfig.url).toBe('https://127.0.0.1:9443/validate');
    expect(vwc.webhooks[0].failurePolicy).toBe('Ignore');
  });

  it('renders only the revision entries for a revision, selecting it', async () => {
    const { docs } = await render(['--service', 'istio-system/meshgate-canary', '--revision', 'canary']);
    expect(docs).toHaveLength(1);
    const mwc = docs[0] as Obj;
    expect(mwc.metadata.name).toBe('meshgate-sidecar-injector-canary');
    expect(mwc.webhooks.map((w: Obj) => w.name)).toEqual(['rev.namespace.sidecar-injector.meshgate.io', 'rev.object.sidecar-injector.meshgate.io']);
    expect(JSON.stringify(mwc.webhooks)).toContain('"values":["canary"]');
    expect(JSON.stringify(mwc.webhooks)).not.toContain('"default"');
    expect(mwc.webhooks[0].clientConfig.service).toEqual({ namespace: 'istio-system', name: 'meshgate-canary', path: '/inject', port: 443 });
  });

  it("renders a revision tag as istioctl tag set does: the revision's entries selecting the tag, calling the revision", async () => {
    const { code, docs } = await render(['--service', 'istio-system/meshgate-canary', '--revision', 'canary', '--tag', 'prod-stable']);
    expect(code).toBe(0);
    expect(docs).toHaveLength(1);
    const mwc = docs[0] as Obj;
    expect(mwc.kind).toBe('MutatingWebhookConfiguration');
    expect(mwc.metadata.name).toBe('meshgate-revision-tag-prod-stable');
    expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod-stable', 'istio.io/rev': 'canary' });
    expect(mwc.webhooks.map((w: Obj) => w.name)).toEqual(['rev.namespace.sidecar-injector.meshgate.io', 'rev.object.sidecar-injector.meshgate.io']);
    const revValues = (w: Obj, which: 'namespaceSelector' | 'objectSelector'): unknown => w[which].matchExpressions.find((e: Obj) => e.key === 'istio.io/rev')?.values;
    expect(revValues(mwc.webhooks[0], 'namespaceSelector')).toEqual(['prod-stable']);
    expect(revValues(mwc.webhooks[1], 'objectSelector')).toEqual(['prod-stable']);
    for (const w of mwc.webhooks) expect(w.clientConfig.service).toEqual({ namespace: 'istio-system', name: 'meshgate-canary', path: '/inject', port: 443 });
  });

  it('the tag "default" also takes over the istio-injection=enabled and inject=true entries', async () => {
    const { docs } = await render(['--url', 'https://10.0.0.5:9443', '--revision', '1-31', '--tag', 'default']);
    const mwc = docs[0] as Obj;
    expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': 'default', 'istio.io/rev': '1-31' });
    expect(mwc.webhooks.map((w: Obj) => w.name.split('.')[0])).toEqual(['rev', 'rev', 'namespace', 'object']);
    for (const w of mwc.webhooks) expect(w.clientConfig.url).toBe('https://10.0.0.5:9443/inject');
  });

  it('can switch the validating failure policy', async () => {
    const { docs } = await render(['--url', 'https://x:1', '--only', 'validating', '--validating-failure-policy', 'Fail']);
    expect(docs).toHaveLength(1);
    expect((docs[0] as Obj).webhooks[0].failurePolicy).toBe('Fail');
  });

  it.each([
    [[], 'give exactly one of --url or --service'],
    [['--url', 'http://x'], '--url must be an https:// URL'],
    [['--service', 'nope'], '--service must be NAMESPACE/NAME'],
    [['--url', 'https://x', '--revision', 'Bad_Rev'], '--revision must be a DNS label'],
    [['--url', 'https://x', '--only', 'both'], '--only must be mutating or validating'],
    [['--url', 'https://x', '--tag', 'Prod'], '--tag must be a DNS label'],
    [['--url', 'https://x', '--revision', 'canary', '--tag', 'canary'], '--tag canary names the revision itself'],
  ])('usage error %j → exit 2', async (args, message) => {
    const { code, stderr } = await render(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
