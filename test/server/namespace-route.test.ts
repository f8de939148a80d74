// The injection route through the shared admission wrapper when the injector needs the Pod's
// Namespace (OpenShift): the lookup is awaited, its labels and annotations reach the injector,
// and the request still gets its one log line and metrics; an injector that does not need it
// never looks it up.
import { describe, expect, it } from 'vitest';
import type { NamespaceMeta } from '../../src/cluster/watch/namespaces.js';
import type { Injector } from '../../src/inject/index.js';
import type { InjectInput } from '../../src/inject/types.js';
import { review, testApp } from '../helpers/app.js';

function recordingInjector(needsNamespace: boolean, seen: InjectInput[]): Injector {
  return {
    templateNames: ['sidecar'],
    revision: '',
    needsNamespace,
    inject: (input: InjectInput) => {
      seen.push(input);
      return { kind: 'inject', pod: input.pod, patch: [], warnings: [] };
    },
  } as unknown as Injector;
}

describe('POST /inject with a Namespace lookup', () => {
  const meta: NamespaceMeta = { labels: { team: 'a' }, annotations: { 'openshift.io/sa.scc.uid-range': '2000/100' } };

  it('awaits the lookup and hands the Namespace to the injector', async () => {
    const seen: InjectInput[] = [];
    const asked: string[] = [];
    const t = testApp({
      injector: recordingInjector(true, seen),
      namespaces: async (name) => {
        asked.push(name);
        return meta;
      },
    });
    const res = await t.app.inject({ method: 'POST', url: '/inject', payload: review() });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { response: { allowed: boolean } }).response.allowed).toBe(true);
    expect(asked).toEqual(['shop']);
    expect(seen[0]?.namespaceMeta).toEqual(meta);
    expect(t.logs().find((l) => l['msg'] === 'inject')).toMatchObject({ decision: 'inject', namespace: 'shop' });
    expect(await t.metrics.registry.getSingleMetricAsString('sidecar_injection_success_total')).toMatch(/ 1$/m);
  });

  it('does not look the Namespace up when the injector does not need it', async () => {
    const seen: InjectInput[] = [];
    const asked: string[] = [];
    const t = testApp({
      injector: recordingInjector(false, seen),
      namespaces: async (name) => {
        asked.push(name);
        return meta;
      },
    });
    await t.app.inject({ method: 'POST', url: '/inject', payload: review() });
    expect(asked).toEqual([]);
    expect(seen[0]?.namespaceMeta).toBeUndefined();
  });
});
