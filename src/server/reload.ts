// Configuration reload without a restart: a new engine is built completely first and only
// then swapped in; a build that fails keeps the last good engine, logs why and sets the
// reload metric. Nothing is ever half-applied.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { EngineRef } from './engines.js';
import type { Metrics } from './metrics.js';

export interface SwapOptions {
  readonly log: FastifyBaseLogger;
  readonly metrics: Metrics;
  /** Metrics label and log field: which configuration this is ('injector-files', 'injector-configmaps'). */
  readonly component: string;
}

export async function swapEngine<T>(ref: EngineRef<T>, build: () => Promise<T>, opts: SwapOptions): Promise<boolean> {
  let next: T;
  try {
    next = await build();
  } catch (err) {
    opts.log.error({ component: opts.component, err: { message: (err as Error).message } }, 'configuration update rejected; keeping the last good configuration');
    opts.metrics.configReload(opts.component, false);
    return false;
  }
  ref.set(next);
  opts.metrics.configReload(opts.component, true);
  opts.log.info({ component: opts.component }, 'configuration reloaded');
  return true;
}

export interface FileWatcher {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when any of the files (or, for directories, anything inside
 * them) changes. Directories holding the files are watched too, because editors and
 * Kubernetes volume updates replace files rather than writing them in place.
 */
export function watchPaths(paths: readonly string[], onChange: () => void, log: FastifyBaseLogger, pollMs = 5000): FileWatcher {
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, 200);
    timer.unref();
  };
  const targets = [...new Set(paths.flatMap((p) => [p, dirname(p)]))];
  const watchers: FSWatcher[] = [];
  for (const t of targets) {
    try {
      const w = watch(t, { persistent: false }, fire);
      w.on('error', (err) => log.warn({ err: { message: err.message }, path: t }, 'watch failed; relying on polling'));
      watchers.push(w);
    } catch (err) {
      log.warn({ err: { message: (err as Error).message }, path: t }, 'cannot watch; relying on polling');
    }
  }
  let last = '';
  const poll = setInterval(() => {
    void Promise.all(paths.map((p) => stat(p).then((s) => `${s.mtimeMs}:${s.size}`, () => 'missing'))).then((sig) => {
      const now = sig.join('|');
      if (last !== '' && now !== last) fire();
      last = now;
    });
  }, pollMs);
  poll.unref();
  return {
    close: () => {
      watchers.forEach((w) => w.close());
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}
