// The analyzer at admission: the object being applied is checked against the informer cache
// of the objects it refers to (src/analyze, the same rules as `meshgate analyze`), and what it
// finds becomes admission warnings — never a denial. The model is rebuilt from the cache at
// most once a second, and only after the cache changed.
import { analyzeIncoming, buildModel, modelOptions, type Finding, type Model } from '../analyze/index.js';
import type { ObjectCache } from './watch/object-cache.js';

export interface AdmissionAnalysis {
  /** Warnings about the object under review; empty until the cache has listed its kinds. */
  warningsFor(object: unknown, namespace: string): string[];
}

/** Warnings longer than this are cut by the API server; the fix is dropped first. */
const MAX_WARNING = 512;

export function warningText(f: Finding): string {
  const full = `meshgate ${f.code} (${f.severity}): ${f.message}. Fix: ${f.fix}`;
  return full.length <= MAX_WARNING ? full : `meshgate ${f.code} (${f.severity}): ${f.message}`.slice(0, MAX_WARNING);
}

export interface AnalysisOptions {
  readonly cache: Pick<ObjectCache, 'snapshot' | 'generation'>;
  readonly rootNamespace?: string;
  /** Shortest time between two model rebuilds (default 1000 ms). */
  readonly rebuildMs?: number;
  readonly now?: () => number;
}

export function admissionAnalysis(opts: AnalysisOptions): AdmissionAnalysis {
  const now = opts.now ?? Date.now;
  let model: Model | undefined;
  let builtGeneration = -1;
  let builtAt = -Infinity;
  const current = (): Model | undefined => {
    const gen = opts.cache.generation();
    if (gen !== builtGeneration && now() - builtAt >= (opts.rebuildMs ?? 1000)) {
      const { objects, complete } = opts.cache.snapshot();
      model = complete.size === 0 ? undefined : buildModel(objects, modelOptions({ complete, ...(opts.rootNamespace ? { rootNamespace: opts.rootNamespace } : {}) }));
      builtGeneration = gen;
      builtAt = now();
    }
    return model;
  };
  return {
    warningsFor: (object, namespace) => {
      const m = current();
      return m ? analyzeIncoming(m, object, namespace).map(warningText) : [];
    },
  };
}
