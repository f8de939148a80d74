// Every replica: follow the CustomResourceDefinitions the cluster serves, so that validation
// uses exactly the schemas and rules the API server uses. The list is read, then watched from
// its resourceVersion; a watch the server ends is resumed from the last event or bookmark, and
// an error or an expired version lists again (with backoff). A change is applied after a short
// quiet period (a CRD upgrade touches many objects at once). Only CRDs of the groups meshgate
// validates count. A set that cannot be used (a CRD meshgate cannot read or compile) leaves
// the last good validator in place (the bundled one at first) until the CRDs change again.
import type { Logger } from 'pino';
import type { RawCrd } from '../api/kube-api.js';
import { messageOf, statusOf, type Kube } from '../api/kube.js';
import { nameOf } from '../../lib/identity.js';

export interface CrdWatchOptions {
  readonly kube: Kube;
  readonly log: Logger;
  /** Builds, compiles and installs a validator over these CRDs; rejects when they are not usable. */
  readonly apply: (crds: RawCrd[]) => Promise<void>;
  readonly onResult: (ok: boolean) => void;
  /** Only CRDs of these API groups are followed (those the webhook receives); every CRD when absent. */
  readonly groups?: ReadonlySet<string>;
  /** Quiet period before a change is applied (default 500 ms). */
  readonly quietMs?: number;
  /** Longest wait between attempts after a failure (default 30 s). */
  readonly maxBackoffMs?: number;
  /** The server ends each watch after this long (default 240 s); it is then resumed. */
  readonly watchSeconds?: number;
}

export interface CrdWatch {
  /** Lists once (resolves after the first attempt; applying continues in the background), then watches until stop(). */
  start(): Promise<void>;
  stop(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** List items come without apiVersion and kind (the list has them); the validator wants whole objects. */
const typed = (c: RawCrd): RawCrd => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', ...c });

/** How a watch ended: where to resume, or `undefined` to list again (410 Gone). */
type WatchEnd = { readonly resume: string | undefined };

export function watchCrds(opts: CrdWatchOptions): CrdWatch {
  const log = opts.log.child({ component: 'crd-watch' });
  const crds = new Map<string, RawCrd>();
  const wanted = (c: RawCrd): boolean => !opts.groups || opts.groups.has(c.spec?.group ?? '');
  let settled = '';
  let applying = false;
  let again = false;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let abort: AbortController | undefined;

  const keyOf = (): string =>
    [...crds.values()]
      .map((c) => `${nameOf(c)}@${c.metadata?.resourceVersion ?? ''}`)
      .sort()
      .join(',');

  /** Applies the current set unless it is the one last applied (or last refused); one at a time. */
  const applyNow = async (): Promise<void> => {
    if (applying) {
      again = true;
      return;
    }
    const key = keyOf();
    if (stopped || key === settled) return;
    applying = true;
    try {
      await opts.apply([...crds.values()]);
      opts.onResult(true);
      log.info({ crds: crds.size }, "validating against the cluster's CustomResourceDefinitions");
    } catch (e) {
      opts.onResult(false);
      log.error({ err: messageOf(e) }, "the cluster's CustomResourceDefinitions cannot be used; keeping the last good validator");
    } finally {
      settled = key;
      applying = false;
    }
    if (again) {
      again = false;
      await applyNow();
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void applyNow(), opts.quietMs ?? 500);
    timer.unref();
  };

  const list = async (): Promise<string> => {
    const body = await opts.kube.apiextensions.listCustomResourceDefinition();
    crds.clear();
    for (const c of body.items ?? []) if (wanted(c)) crds.set(nameOf(c), typed(c));
    void applyNow();
    return body.metadata?.resourceVersion ?? '';
  };

  const watchFrom = (resourceVersion: string): Promise<WatchEnd> =>
    new Promise((resolve, reject) => {
      let last: string | undefined = resourceVersion;
      let controller: AbortController | undefined;
      let finished = false;
      const finish = (err: unknown): void => {
        if (finished) return;
        finished = true;
        controller?.abort();
        if (err) reject(err);
        else resolve({ resume: last });
      };
      const onEvent = (type: string, obj: RawCrd): void => {
        if (finished) return;
        if (type === 'ERROR') {
          // A Status: 410 Gone means the version expired and the list must be read again.
          const code = (obj as { code?: unknown }).code;
          last = undefined;
          return finish(code === 410 ? null : new Error(`watch error: ${String((obj as { message?: unknown }).message ?? code)}`));
        }
        last = obj.metadata?.resourceVersion ?? last;
        if (type === 'ADDED' || type === 'MODIFIED') {
          if (!wanted(obj)) return;
          crds.set(nameOf(obj), obj);
        } else if (type === 'DELETED') {
          if (!crds.delete(nameOf(obj))) return;
        } else return;
        later();
      };
      const params = { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: opts.watchSeconds ?? 240 };
      opts.kube.apiextensions
        .watchCustomResourceDefinition(params, onEvent, (err) => finish(err))
        .then((c) => {
          controller = c;
          abort = c;
          if (stopped) finish(null);
        }, finish);
    });

  const follow = async (first: string | undefined): Promise<void> => {
    let backoff = 0;
    let from = first;
    if (from === undefined) await sleep(1_000);
    while (!stopped) {
      try {
        if (from === undefined) from = await list();
        const began = Date.now();
        from = (await watchFrom(from)).resume;
        backoff = 0;
        // A watch the server ends at once (no events, no bookmark) is not retried in a tight loop.
        if (Date.now() - began < 1_000) await sleep(1_000);
      } catch (e) {
        from = undefined;
        backoff = Math.min(backoff === 0 ? 1_000 : backoff * 2, opts.maxBackoffMs ?? 30_000);
        const forbidden = statusOf(e) === 403;
        log.warn(
          { err: messageOf(e), retryMs: backoff },
          forbidden
            ? 'not allowed to list or watch CustomResourceDefinitions (RBAC: list/watch customresourcedefinitions); validating with the bundled CRDs'
            : 'cannot read CustomResourceDefinitions; retrying',
        );
        await sleep(backoff);
      }
    }
  };

  return {
    start: async () => {
      stopped = false;
      let rv: string | undefined;
      try {
        rv = await list();
      } catch (e) {
        log.warn({ err: messageOf(e) }, 'cannot read CustomResourceDefinitions yet; validating with the bundled CRDs meanwhile');
      }
      void follow(rv);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      abort?.abort();
    },
  };
}
