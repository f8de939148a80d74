// What the leader writes into webhook configurations, and when the dry-run probe proves one.
import { describe, expect, it } from 'vitest';
import { installedShape } from '../../../src/cluster/duties/webhook-keeper.js';
import { carriesBundle, failsOpen, probeObject, probeVerdict, webhookNames, withBundle, withFailClosed, type WebhookConfigLike } from '../../../src/cluster/decide/webhooks.js';

const config = (bundles: (string | undefined)[], policy = 'Ignore'): WebhookConfigLike => ({
  metadata: { name: 'meshgate-validator', resourceVersion: '5' },
  webhooks: bundles.map((caBundle, i) => ({
    name: `w${i}.meshgate.io`,
    clientConfig: { url: `https://127.0.0.1:9443/x${i}`, ...(caBundle ? { caBundle } : {}) } as { caBundle?: string },
    failurePolicy: policy,
  })),
});

describe('CA bundle', () => {
  it('is set in every webhook, keeping the client config and the resourceVersion', () => {
    const updated = withBundle(config([undefined, 'old']), 'NEW');
    expect(updated?.metadata?.resourceVersion).toBe('5');
    expect(updated?.webhooks?.map((w) => w.clientConfig)).toEqual([
      { url: 'https://127.0.0.1:9443/x0', caBundle: 'NEW' },
      { url: 'https://127.0.0.1:9443/x1', caBundle: 'NEW' },
    ]);
    expect(carriesBundle(updated as WebhookConfigLike, 'NEW')).toBe(true);
  });

  it('changes nothing when every webhook already carries it', () => {
    expect(withBundle(config(['B', 'B']), 'B')).toBeUndefined();
  });
});

describe('failure policy', () => {
  it('fails open until switched, then fails closed everywhere', () => {
    const open = config(['B'], 'Ignore');
    expect(failsOpen(open)).toBe(true);
    const closed = withFailClosed(open) as WebhookConfigLike;
    expect(closed.webhooks?.map((w) => w.failurePolicy)).toEqual(['Fail']);
    expect(failsOpen(closed)).toBe(false);
    expect(withFailClosed(closed)).toBeUndefined();
  });
});

describe('probe', () => {
  it('is a Gateway carrying the always-reject annotation', () => {
    expect(probeObject('default', 'p')).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { namespace: 'default', name: 'p', annotations: { 'internal.istio.io/webhook-always-reject': 'true' } },
    });
  });

  const names = webhookNames(config(['B']));

  it.each([
    ['a denial by our webhook proves it', { kind: 'refused', status: 400, message: 'admission webhook "w0.meshgate.io" denied the request: Gateway default/p is invalid' }, true],
    ['an admitted probe does not', { kind: 'admitted' }, false],
    [
      'a call failure does not',
      { kind: 'refused', status: 500, message: 'Internal error occurred: failed calling webhook "w0.meshgate.io": x509: certificate signed by unknown authority' },
      false,
    ],
    ["another webhook's denial does not", { kind: 'refused', status: 400, message: 'admission webhook "other.example.com" denied the request: no' }, false],
    ['a missing CRD does not', { kind: 'refused', status: 404, message: 'the server could not find the requested resource' }, false],
    ['RBAC does not', { kind: 'refused', status: 403, message: 'gateways.networking.istio.io is forbidden' }, false],
  ] as const)('%s', (_, result, proven) => {
    expect(probeVerdict(result, names).proven).toBe(proven);
  });
});

describe('installedShape', () => {
  it('ignores what the leader writes, and sees what the installer changes', () => {
    const base = config(['A'], 'Ignore');
    const ours = withFailClosed(withBundle(base, 'B') as WebhookConfigLike) as WebhookConfigLike;
    expect(installedShape(ours)).toBe(installedShape(base));
    const moved = {
      ...base,
      webhooks: base.webhooks?.map((w) => ({ ...w, clientConfig: { ...w.clientConfig, url: 'https://elsewhere:9443/validate' } as { caBundle?: string } })),
    };
    expect(installedShape(moved)).not.toBe(installedShape(base));
  });
});
