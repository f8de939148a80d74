// The leader keeps the CA bundle of the revision's own configuration and of its tags'
// (meshgate-revision-tag-<tag>), as istiod does for its revision and tag configurations.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Store, WriteResult } from '../../../src/cluster/api/kube.js';
import type { ClusterMetrics } from '../../../src/cluster/metrics.js';
import { createWebhookKeeper } from '../../../src/cluster/duties/webhook-keeper.js';
import type { WebhookConfigLike } from '../../../src/cluster/decide/webhooks.js';

const config = (name: string): WebhookConfigLike => ({
  metadata: { name, resourceVersion: '1' },
  webhooks: [{ name: `rev.object.sidecar-injector.meshgate.io`, clientConfig: {} }],
});

const metrics: ClusterMetrics = {
  leader: () => undefined,
  event: () => undefined,
  bundleReconciled: () => undefined,
  rotationStep: () => undefined,
  probe: () => undefined,
  validatingFailClosed: () => undefined,
};

describe('the webhook keeper', () => {
  it("puts the CA bundle into the revision tags' configurations too, and skips tags not installed", async () => {
    const existing: Record<string, WebhookConfigLike> = {
      'meshgate-sidecar-injector': config('meshgate-sidecar-injector'),
      'meshgate-revision-tag-prod': config('meshgate-revision-tag-prod'),
    };
    const written: WebhookConfigLike[] = [];
    const store: Store<WebhookConfigLike> = {
      get: async (name) => existing[name],
      create: async (): Promise<WriteResult> => 'ok',
      replace: async (body): Promise<WriteResult> => {
        written.push(body);
        return 'ok';
      },
    };
    const kube = {
      admission: {
        listMutatingWebhookConfiguration: async ({ fieldSelector }: { fieldSelector: string }) => ({
          items: [existing[fieldSelector.replace('metadata.name=', '')]].filter(Boolean),
          metadata: { resourceVersion: '1' },
        }),
      },
      watch: { watch: async () => new AbortController() },
    };
    const keeper = createWebhookKeeper({
      kube: kube as never,
      mutating: { name: 'meshgate-sidecar-injector', store: store as never },
      tags: ['prod', 'canary'].map((t) => `meshgate-revision-tag-${t}`),
      metrics,
      log: pino({ level: 'silent' }),
      isLeader: () => true,
      onChange: () => undefined,
    });
    keeper.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(await keeper.publish('QlVORExF')).toBe(true);
    expect(written.map((w) => [w.metadata?.name, w.webhooks?.[0]?.clientConfig?.caBundle])).toEqual([
      ['meshgate-sidecar-injector', 'QlVORExF'],
      ['meshgate-revision-tag-prod', 'QlVORExF'],
    ]);
    keeper.stop();
  });
});
