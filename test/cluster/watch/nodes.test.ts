// Native sidecars in cluster mode: a cached list of the Nodes' kubelet versions (list, then
// watch), and the per-Pod decision it feeds.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createNodeVersions } from '../../../src/cluster/watch/nodes.js';

type OnEvent = (type: string, obj: unknown) => void;

const node = (name: string, kubeletVersion: string): unknown => ({ metadata: { name, resourceVersion: '1' }, status: { nodeInfo: { kubeletVersion } } });

function fakeKube(items: unknown[]): { kube: never; emit: OnEvent; lists: () => number } {
  let onEvent: OnEvent = () => undefined;
  let lists = 0;
  const kube = {
    core: {
      listNode: async () => {
        lists++;
        return { items, metadata: { resourceVersion: '10' } };
      },
    },
    watch: {
      watch: async (_path: string, _params: unknown, cb: OnEvent) => {
        onEvent = cb;
        return new AbortController();
      },
    },
  };
  return { kube: kube as never, emit: (t, o) => onEvent(t, o), lists: () => lists };
}

const pod = (nodeName?: string): Record<string, unknown> => ({ metadata: { name: 'p' }, spec: { ...(nodeName ? { nodeName } : {}), containers: [] } });

describe('Node versions behind --native-sidecars=auto', () => {
  it('is undecided until the Nodes are listed, then follows the watch', async () => {
    const { kube, emit, lists } = fakeKube([node('a', 'v1.33.2'), node('b', 'v1.34.0')]);
    const nodes = createNodeVersions(kube, pino({ level: 'silent' }));
    expect(nodes.decide(pod())).toBeUndefined();
    await nodes.start();
    expect(lists()).toBe(1);
    expect(nodes.decide(pod())?.enabled).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    emit('ADDED', node('old', 'v1.31.9'));
    expect(nodes.decide(pod())).toMatchObject({ enabled: false, why: expect.stringContaining('Node old runs kubelet v1.31.9') });
    expect(nodes.decide(pod('a'))?.enabled).toBe(true);
    emit('DELETED', node('old', 'v1.31.9'));
    expect(nodes.decide(pod())?.enabled).toBe(true);
    nodes.stop();
  });
});
