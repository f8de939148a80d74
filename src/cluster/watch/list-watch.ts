// A cached view of a whole collection (all Nodes, the webhook configurations with a label): list,
// then watch from the list's resourceVersion, and list again whenever the watch ends, fails or
// hangs. Only a projection of each object is kept (a Node's name and kubelet version, not its
// image list), so the cache stays small in large clusters.
import type { Logger } from 'pino';
import { messageOf, startRelistCycle, type Kube } from '../api/kube.js';

interface Meta {
  metadata?: { name?: string; resourceVersion?: string };
}

export interface ListPage<T> {
  readonly items: T[];
  readonly metadata?: { resourceVersion?: string; _continue?: string };
}

export interface ListWatchOptions<T extends Meta, V> {
  readonly kube: Pick<Kube, 'watch'>;
  /** The collection's API path, e.g. /api/v1/nodes. */
  readonly path: string;
  readonly what: string;
  readonly labelSelector?: string;
  /** One page of the list (limit 500), continuing from `cont`. */
  list(cont: string | undefined): Promise<ListPage<T>>;
  readonly project: (obj: T) => V;
  readonly log: Logger;
  /** Called after every list and every change. */
  readonly onChange?: () => void;
  readonly relistSeconds?: number;
}

export interface ListWatch<V> {
  /** Lists once (retrying until it works or stop()), then watches in the background. */
  start(): Promise<void>;
  stop(): void;
  items(): ReadonlyMap<string, V>;
  /** True once a list has succeeded. */
  synced(): boolean;
}

export function createListWatch<T extends Meta, V>(opts: ListWatchOptions<T, V>): ListWatch<V> {
  let items = new Map<string, V>();
  let synced = false;
  let stopped = false;
  let abort: AbortController | undefined;
  const log = opts.log.child({ watch: opts.what });
  const relist = opts.relistSeconds ?? 300;

  const listAll = async (): Promise<string> => {
    const next = new Map<string, V>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await opts.list(cont);
      for (const o of page.items) next.set(o.metadata?.name ?? '', opts.project(o));
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?._continue || undefined;
    } while (cont);
    items = next;
    synced = true;
    opts.onChange?.();
    return rv;
  };
  const watchOnce = (rv: string): Promise<void> =>
    new Promise((resolve) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(hung);
        resolve();
      };
      const hung = setTimeout(finish, (relist + 30) * 1000);
      hung.unref();
      const params = { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: relist, ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}) };
      const onEvent = (type: string, obj: T): void => {
        if (finished) return;
        const name = obj.metadata?.name ?? '';
        if (type === 'ADDED' || type === 'MODIFIED') items.set(name, opts.project(obj));
        else if (type === 'DELETED') items.delete(name);
        else if (type === 'ERROR') return finish();
        else return;
        opts.onChange?.();
      };
      opts.kube.watch
        .watch(opts.path, params, onEvent, (err: unknown) => {
          if (err && !stopped) log.debug({ err: messageOf(err) }, 'watch ended');
          finish();
        })
        .then((c) => {
          if (finished || stopped) c.abort();
          else abort = c;
        }, finish);
    });
  return {
    start: () => {
      stopped = false;
      return startRelistCycle({
        what: opts.what,
        log,
        list: listAll,
        watch: watchOnce,
        stopped: () => stopped,
        listed: () => synced,
        afterRound: () => {
          abort = undefined;
        },
      });
    },
    stop: () => {
      stopped = true;
      abort?.abort();
    },
    items: () => items,
    synced: () => synced,
  };
}
