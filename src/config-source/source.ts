// One configuration lifecycle for the injector, whatever holds the configuration:
//   source.read() → documents → build (pure, all or nothing) → swap in;
//   source.watch(onChange) → read and build again → swap in, or keep the last good one.
// Two sources implement it: files (files.ts: CLI, `serve` outside a cluster) and ConfigMaps
// (configmaps.ts: cluster mode, where Istio keeps them).
import type { InjectionDocuments } from './documents.js';

export interface ConfigSource {
  /** What the configuration is read from, for logs ("files", "ConfigMaps istio-system/…"). */
  readonly description: string;
  /** Reads the current documents; throws InjectorConfigError naming what is wrong. */
  read(): Promise<InjectionDocuments>;
  /** Calls onChange (debounced) whenever the configuration may have changed. */
  watch(onChange: () => void): Watching;
}

export interface Watching {
  close(): void;
}

export interface Lifecycle {
  /** Reads and builds once (swapping in on success), then follows the source. */
  start(): Promise<boolean>;
  stop(): void;
}

export interface LifecycleOptions<T> {
  readonly source: ConfigSource;
  /** Builds an engine from documents; throws InjectorConfigError when they are not usable. */
  readonly build: (docs: InjectionDocuments) => T;
  /** Installs a newly built engine. */
  readonly swap: (next: T) => void;
  /** Reports every attempt: ok, or the reason it was rejected (the engine in use stays). */
  readonly onResult: (ok: boolean, detail: { reason?: string; notes: readonly string[] }) => void;
  /** The documents the engine in use was built from: reading them again changes nothing. */
  readonly initial?: InjectionDocuments;
}

/**
 * Follows a source: each change is read and built completely before it is swapped in; a change
 * that cannot be read or built keeps the engine in use. An unchanged configuration is not rebuilt.
 */
export function configLifecycle<T>(opts: LifecycleOptions<T>): Lifecycle {
  let watching: Watching | undefined;
  let lastKey: string | undefined = opts.initial ? JSON.stringify(opts.initial) : undefined;
  let failing = false;
  const attempt = async (): Promise<boolean> => {
    let docs: InjectionDocuments;
    let next: T;
    try {
      docs = await opts.source.read();
      const key = JSON.stringify(docs);
      if (key === lastKey) {
        if (failing) opts.onResult(true, { notes: ['the configuration is back to the one in use'] });
        failing = false;
        return true;
      }
      next = opts.build(docs);
      lastKey = key;
    } catch (e) {
      failing = true;
      opts.onResult(false, { reason: (e as Error).message, notes: [] });
      return false;
    }
    failing = false;
    opts.swap(next);
    opts.onResult(true, { notes: docs.notes });
    return true;
  };
  return {
    start: async () => {
      watching = opts.source.watch(() => void attempt());
      return attempt();
    },
    stop: () => watching?.close(),
  };
}
