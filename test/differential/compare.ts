// Runs one generated case through meshgate (in-process, the same code as `meshgate inject` and
// the /inject route) and through Istio (the harness's batch mode), and compares the results
// after normalisation: identical objects, or both denied, is agreement.
import { applyPatch, type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { injectDocuments, renderDocuments } from '../../src/cli/inject.js';
import { buildInjectorSettings, createInjector, type Injector } from '../../src/inject/index.js';
import type { DiffCase } from './generate.js';
import type { HarnessRequest, HarnessResponse } from './harness.js';
import { differences, normalise, type Difference } from './normalise.js';

type Obj = Record<string, unknown>;

/** What one side made of a case: the objects it printed, or its denial. */
export type SideResult =
  | { readonly kind: 'objects'; readonly objects: unknown[] }
  | { readonly kind: 'denied'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export interface Verdict {
  readonly agree: boolean;
  readonly bothDenied: boolean;
  readonly differences: Difference[];
  readonly meshgate: SideResult;
  readonly istio: SideResult;
}

export interface MeshgateSide {
  /** requestObject: for the webhook path, the Pod as the API server sends it (from the harness). */
  run(c: DiffCase, requestObject?: unknown): SideResult;
}

/** meshgate with its built-in templates; one injector per distinct configuration. */
export function meshgateSide(templates: Readonly<Record<string, string>>): MeshgateSide {
  const injectors = new Map<string, Injector | Error>();
  const injectorFor = (c: DiffCase): Injector | Error => {
    const key = JSON.stringify([c.values, c.mesh, c.nativeSidecars, c.revision]);
    let inj = injectors.get(key);
    if (!inj) {
      try {
        inj = createInjector(buildInjectorSettings({ templates, values: c.values, mesh: c.mesh, nativeSidecars: c.nativeSidecars, revision: c.revision }));
      } catch (e) {
        inj = e as Error;
      }
      injectors.set(key, inj);
    }
    return inj;
  };
  return {
    run: (c, requestObject) => {
      const inj = injectorFor(c);
      if (inj instanceof Error) return { kind: 'error', message: `configuration refused: ${inj.message}` };
      return c.path === 'webhook' ? viaWebhook(inj, c, isObj(requestObject) ? requestObject : c.object) : viaCli(inj, c.object, c.namespace);
    },
  };
}

/**
 * `meshgate inject`: the documents as the command prints them (through the typed round trip,
 * whichever templates the injector runs), read back.
 */
export function viaCli(inj: Injector, object: Obj, namespace: string): SideResult {
  const res = injectDocuments([structuredClone(object)], inj, namespace, { stderr: () => undefined });
  if (!res.ok) return { kind: 'denied', message: res.message };
  const docs = parseAllDocuments(renderDocuments(res.docs), { version: '1.1' }).map((d) => d.toJS() as unknown);
  return { kind: 'objects', objects: docs.filter((d) => d !== null) };
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The /inject route's core: the Pod the API server stores after applying meshgate's patch. */
function viaWebhook(inj: Injector, c: DiffCase, sent: Obj): SideResult {
  const out = inj.inject({ pod: structuredClone(sent), namespace: c.namespace });
  if (out.kind === 'deny') return { kind: 'denied', message: out.message };
  if (out.kind === 'skip') return { kind: 'objects', objects: [sent] };
  const patched = applyPatch(structuredClone(sent), out.patch as Operation[], false, false).newDocument;
  return { kind: 'objects', objects: [patched] };
}

/** The harness request equivalent to a case. */
export function istioRequest(c: DiffCase): HarnessRequest {
  return {
    op: c.path === 'webhook' ? 'webhook' : 'inject',
    input: JSON.stringify(c.object),
    ...(c.values ? { values: JSON.stringify(c.values) } : {}),
    ...(c.mesh ? { mesh: JSON.stringify(c.mesh) } : {}),
    nativeSidecars: c.nativeSidecars,
    revision: c.revision,
    namespace: c.namespace,
  };
}

export function istioResult(res: HarnessResponse): SideResult {
  if (res.outcome === 'denied') return { kind: 'denied', message: res.message ?? '' };
  if (res.outcome === 'error') return { kind: 'error', message: res.message ?? '' };
  if (res.pod !== undefined) return { kind: 'objects', objects: [res.pod] };
  return { kind: 'objects', objects: res.objects ?? [] };
}

function outcomeDifference(m: SideResult, i: SideResult): Difference {
  const describe = (s: SideResult): string => (s.kind === 'objects' ? 'injected' : `${s.kind}: ${s.message.split('\n')[0]?.slice(0, 200) ?? ''}`);
  return {
    group: `(outcome) meshgate ${m.kind === 'objects' ? 'injected' : m.kind}, Istio ${i.kind === 'objects' ? 'injected' : i.kind}`,
    path: '.',
    meshgate: describe(m),
    istio: describe(i),
  };
}

export function compare(m: SideResult, i: SideResult): Verdict {
  if (m.kind === 'denied' && i.kind === 'denied') return { agree: true, bothDenied: true, differences: [], meshgate: m, istio: i };
  if (m.kind !== 'objects' || i.kind !== 'objects') return { agree: false, bothDenied: false, differences: [outcomeDifference(m, i)], meshgate: m, istio: i };
  const diffs = differences(normalise(m.objects), normalise(i.objects));
  return { agree: diffs.length === 0, bothDenied: false, differences: diffs, meshgate: m, istio: i };
}

export type { Obj };
