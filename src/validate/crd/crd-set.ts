// A set of CRDs, indexed by group and kind: which kinds and versions exist (the one question
// the CLI and the webhook ask before validating), and each served version compiled on first
// use — or all at once with compileAll(), which the server does at start. Versions with
// byte-identical schemas (Istio's v1alpha3/v1beta1/v1) share one compiled validator.
import { compileVersion, type CompiledVersion } from './compile.js';
import { newAjv } from './openapi.js';
import { readCrd, type Crd } from './schema.js';

export interface ServedKind {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
  readonly namespaced: boolean;
}

export type VersionLookup =
  | { readonly found: 'version'; readonly compiled: CompiledVersion }
  | { readonly found: 'kind'; readonly served: readonly string[] }
  | { readonly found: 'nothing' };

export interface CrdSet {
  readonly crds: readonly Crd[];
  kinds(): ServedKind[];
  lookup(group: string, kind: string, version: string): VersionLookup;
  /** Compiles every served version now (fail fast); returns how many validators exist. */
  compileAll(): number;
  /** The served versions not compiled yet, as one compile step each (for warming up in the background). */
  pending(): (() => void)[];
}

const key = (group: string, kind: string): string => `${group}/${kind}`;

/** Builds a set from CustomResourceDefinition objects; a later CRD for the same kind replaces an earlier one. */
export function crdSet(objects: readonly unknown[]): CrdSet {
  const byKind = new Map<string, Crd>();
  for (const o of objects) {
    const crd = readCrd(o);
    byKind.set(key(crd.group, crd.kind), crd);
  }
  const ajv = newAjv();
  const compiled = new Map<string, CompiledVersion>();
  const bySchema = new Map<string, CompiledVersion>();

  function compiledFor(crd: Crd, version: string): CompiledVersion | undefined {
    const id = `${key(crd.group, crd.kind)}/${version}`;
    const hit = compiled.get(id);
    if (hit) return hit;
    const v = crd.versions.find((x) => x.name === version && x.served);
    if (!v) return undefined;
    const text = `${crd.group}/${crd.kind}/${crd.namespaced}/${v.hasStatus}/${JSON.stringify(v.schema)}`;
    const made = bySchema.get(text) ?? compileVersion(ajv, crd, v);
    bySchema.set(text, made);
    compiled.set(id, made);
    return made;
  }

  return {
    crds: [...byKind.values()],
    kinds: () =>
      [...byKind.values()]
        .map((c) => ({ group: c.group, kind: c.kind, versions: c.versions.filter((v) => v.served).map((v) => v.name), namespaced: c.namespaced }))
        .sort((a, b) => key(a.group, a.kind).localeCompare(key(b.group, b.kind))),
    lookup(group, kind, version) {
      const crd = byKind.get(key(group, kind));
      if (!crd) return { found: 'nothing' };
      const c = compiledFor(crd, version);
      return c ? { found: 'version', compiled: c } : { found: 'kind', served: crd.versions.filter((v) => v.served).map((v) => v.name) };
    },
    compileAll() {
      let n = 0;
      for (const crd of byKind.values()) for (const v of crd.versions) if (v.served && compiledFor(crd, v.name)) n++;
      return n;
    },
    pending() {
      const steps: (() => void)[] = [];
      for (const crd of byKind.values()) {
        for (const v of crd.versions) if (v.served && !compiled.has(`${key(crd.group, crd.kind)}/${v.name}`)) steps.push(() => void compiledFor(crd, v.name));
      }
      return steps;
    },
  };
}
