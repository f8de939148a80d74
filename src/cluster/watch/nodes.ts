// Native sidecars decided per Pod from the cluster's Nodes, as Istio's injector does in `auto`
// mode: a cached list of Node names and kubelet versions (list/watch nodes), and the pure rule
// of inject/native.ts. Until the first list arrives, Pods get the default (on).
import type { V1Node } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { nativeFromNodes, type NativeDecision } from '../../inject/decide/native.js';
import type { Kube } from '../api/kube.js';
import { createListWatch, type ListWatch } from './list-watch.js';

export interface NodeVersions {
  start(): Promise<void>;
  stop(): void;
  /** The decision for a Pod (by its spec.nodeName), or undefined before the Nodes are known. */
  decide(pod: Readonly<Record<string, unknown>>): NativeDecision | undefined;
}

function nodeNameOf(pod: Readonly<Record<string, unknown>>): string {
  const name = (pod['spec'] as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof name === 'string' ? name : '';
}

export function createNodeVersions(kube: Pick<Kube, 'core' | 'watch'>, log: Logger): NodeVersions {
  let cached: { size: number; decision: NativeDecision } | undefined;
  const nodes: ListWatch<string> = createListWatch<V1Node, string>({
    kube,
    path: '/api/v1/nodes',
    what: 'Nodes',
    list: (cont) => kube.core.listNode({ limit: 500, ...(cont ? { _continue: cont } : {}) }),
    project: (n) => n.status?.nodeInfo?.kubeletVersion ?? '',
    log,
    onChange: () => {
      cached = undefined;
    },
  });
  let lastLogged = '';
  const note = (d: NativeDecision): NativeDecision => {
    if (d.why !== lastLogged) log.info({ nativeSidecars: d.enabled, why: d.why }, "native sidecars decided from the cluster's Nodes");
    lastLogged = d.why;
    return d;
  };
  return {
    start: () => nodes.start(),
    stop: () => nodes.stop(),
    decide: (pod) => {
      if (!nodes.synced()) return undefined;
      const nodeName = nodeNameOf(pod);
      // Most Pods are not scheduled yet: the all-Nodes answer is the same for each of them.
      if (nodeName === '' || !nodes.items().has(nodeName)) {
        cached ??= { size: nodes.items().size, decision: note(nativeFromNodes('', nodes.items())) };
        return cached.decision;
      }
      return nativeFromNodes(nodeName, nodes.items());
    },
  };
}
