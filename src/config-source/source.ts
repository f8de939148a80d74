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

export interface Lifecycle<T> {
  /** The first build; throws when the configuration cannot be used. */
  start(): Promise<T>;
  stop(): void;
}

export interface LifecycleOptions<T> {
  readonly source: ConfigSource;
  /** Builds an engine from documents; throws InjectorConfigError when they are not usable. */
  readonly build: (docs: InjectionDocuments) => T;
  /** Installs a newly built engine. */
  readonly swap: (next: T) => void;
  /** Reports every attempt after the first: ok, or the reason it was rejected. */
  readonly onResult: (ok: boolean, detail: { reason?: string; notes: readonly string[] }) => void;
}

/** Runs the lifecycle: reads and builds once, then follows the source; a failed update keeps the last good engine. */
export function configLifecycle<T>(opts: LifecycleOptions<T>): Lifecycle<T> {
  let watching: Watching | undefined;
  let lastKey: string | undefined;
  const attempt = async (): Promise<void> => {
    let docs: InjectionDocuments;
    let next: T;
    try {
      docs = await opts.source.read();
      const key = JSON.stringify(docs);
      if (key === lastKey) return;
      next = opts.build(docs);
      lastKey = key;
    } catch (e) {
      opts.onResult(false, { reason: (e as Error).message, notes: [] });
      return;
    }
    opts.swap(next);
    opts.onResult(true, { notes: docs.notes });
  };
  return {
    start: async () => {
      const docs = await opts.source.read();
      const engine = opts.build(docs);
      lastKey = JSON.stringify(docs);
      watching = opts.source.watch(() => void attempt());
      return engine;
    },
    stop: () => watching?.close(),
  };
}
