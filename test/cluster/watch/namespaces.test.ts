// The Namespace lookup of cluster mode: one API read per Namespace while cached, again after
// the time to live, and no Namespace (not a failure) when the read fails.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Kube } from '../../../src/cluster/api/kube.js';
import { namespaceLookup } from '../../../src/cluster/watch/namespaces.js';

function fakeKube(reads: string[], fail = false): Kube {
  const core = {
    readNamespace: async ({ name }: { name: string }) => {
      reads.push(name);
      if (fail) throw new Error('forbidden');
      return { metadata: { name, labels: { team: 'a' }, annotations: { 'openshift.io/sa.scc.uid-range': '1000/10' } } };
    },
  };
  return { core } as unknown as Kube;
}

describe('namespaceLookup', () => {
  it('reads a Namespace once while cached, and again after the time to live', async () => {
    const reads: string[] = [];
    let t = 0;
    const lookup = namespaceLookup(fakeKube(reads), pino({ level: 'silent' }), 1000, () => t);
    expect(await lookup('shop')).toEqual({ labels: { team: 'a' }, annotations: { 'openshift.io/sa.scc.uid-range': '1000/10' } });
    await lookup('shop');
    expect(reads).toEqual(['shop']);
    t = 1500;
    await lookup('shop');
    expect(reads).toEqual(['shop', 'shop']);
  });

  it('answers undefined when the read fails, and tries again next time', async () => {
    const reads: string[] = [];
    const lookup = namespaceLookup(fakeKube(reads, true), pino({ level: 'silent' }));
    expect(await lookup('x')).toBeUndefined();
    expect(await lookup('x')).toBeUndefined();
    expect(reads).toEqual(['x', 'x']);
  });
});
