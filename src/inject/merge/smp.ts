// Kubernetes strategic merge patch for Pods, as apimachinery applies it: lists with a merge key
// are merged item by item (patch items in patch order, items only on the Pod interleaved by
// their original position, new items before the remaining Pod-only items), other lists are
// replaced, maps merge key by key, null deletes, and `$patch: replace|delete` directives work.
// The target object is changed in place, but nothing below it: a nested map or list item the
// patch changes is replaced by a changed copy (copy-on-write), so the Pod may share subtrees
// with the request. The patch is never changed (values are copied in).
import { copyOf, isObject, own, setOwn, type Json, type JsonObject } from '../../lib/json.js';

export interface Schema {
  readonly fields?: Readonly<Record<string, Schema>>;
  /** For lists merged item by item: the key that identifies an item. */
  readonly mergeKey?: string;
  /** For lists of scalars merged as a set (metadata.finalizers). */
  readonly setMerge?: boolean;
  /** Schema of the items of a merged list. */
  readonly item?: Schema;
}

const CONTAINER: Schema = {
  fields: {
    ports: { mergeKey: 'containerPort' },
    env: { mergeKey: 'name' },
    volumeMounts: { mergeKey: 'mountPath' },
    volumeDevices: { mergeKey: 'devicePath' },
  },
};

/** The patch strategies of corev1.Pod that matter when overlaying templates. */
export const POD_SCHEMA: Schema = {
  fields: {
    metadata: { fields: { ownerReferences: { mergeKey: 'uid' }, finalizers: { setMerge: true } } },
    spec: {
      fields: {
        containers: { mergeKey: 'name', item: CONTAINER },
        initContainers: { mergeKey: 'name', item: CONTAINER },
        ephemeralContainers: { mergeKey: 'name', item: CONTAINER },
        volumes: { mergeKey: 'name' },
        imagePullSecrets: { mergeKey: 'name' },
        hostAliases: { mergeKey: 'ip' },
        topologySpreadConstraints: { mergeKey: 'topologyKey' },
        resourceClaims: { mergeKey: 'name' },
        schedulingGates: { mergeKey: 'name' },
      },
    },
  },
};

export const CONTAINER_SCHEMA = CONTAINER;

const isDirective = (k: string): boolean => k.charCodeAt(0) === 36; /* '$' */

/** The landed form of each template constant, made once and shared, frozen, by every Pod. */
const landedConstants = new WeakMap<object, Json>();

/**
 * A patch value as it lands on the Pod: no nulls, no directives, no empty lists. Fresh values
 * are cleaned in place. Frozen ones (template constants) land as a frozen cleaned copy made
 * once, which the Pod then shares: the pipeline gives the Pod its own copies of the objects it
 * writes into after the merge (pipeline.ts), and merges copy before they change anything.
 */
export function landed(v: Json): Json {
  if (typeof v !== 'object' || v === null) return v;
  if (!Object.isFrozen(v)) return Array.isArray(v) ? cleanList(v, v) : cleanMap(v, v);
  let found = landedConstants.get(v);
  if (found === undefined) {
    found = Array.isArray(v) ? cleanList(v, [...v]) : cleanMap(v, {});
    landedConstants.set(v, Object.freeze(found) as Json);
  }
  return found;
}

const isDirectiveItem = (x: Json | undefined): boolean => isObject(x) && '$patch' in x;

/** Lands the items of `v` into `out` (v itself, or a copy of it). */
function cleanList(v: readonly Json[], out: Json[]): Json[] {
  const items = v.some(isDirectiveItem) ? v.filter((x) => !isDirectiveItem(x)) : out;
  for (let i = 0; i < items.length; i++) items[i] = landed(items[i] as Json);
  return items;
}

/** Lands the entries of `v` into `out` (v itself, cleaned in place, or an empty object). */
function cleanMap(v: JsonObject, out: JsonObject): JsonObject {
  for (const k of Object.keys(v)) {
    const x = v[k] as Json;
    if (x === null || isDirective(k) || (Array.isArray(x) && x.length === 0)) {
      if (out === v) delete out[k];
      continue;
    }
    setOwn(out, k, landed(x));
  }
  return out;
}

/** Strategic-merges `patch` into `target` (changed in place; what it holds is copied before a change). */
export function mergeInto(target: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  if (patch['$patch'] === 'replace') {
    for (const k of Object.keys(target)) delete target[k];
    Object.assign(target, landed(patch));
    return;
  }
  for (const k of Object.keys(patch)) {
    if (isDirective(k)) continue;
    const pv = patch[k] as Json;
    const child = schema?.fields ? own(schema.fields, k) : undefined;
    const ov = own(target, k);
    if (pv === null || (isObject(pv) && pv['$patch'] === 'delete')) delete target[k];
    else if (ov === undefined || ov === null) {
      if (!(Array.isArray(pv) && pv.length === 0)) setOwn(target, k, landed(pv));
    } else if (Array.isArray(pv) && Array.isArray(ov)) setOwn(target, k, mergeList(ov, pv, child));
    else if (isObject(pv) && isObject(ov) && pv['$patch'] !== 'replace') setOwn(target, k, merged(ov, pv, child));
    else setOwn(target, k, landed(pv));
  }
}

/** A copy of `target` with `patch` merged in; `target` may be shared with the request. */
function merged(target: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  const copy = copyOf(target);
  mergeInto(copy, patch, schema);
  return copy;
}

function mergeList(target: Json[], patch: Json[], schema: Schema | undefined): Json[] {
  if (schema?.setMerge) return [...new Set([...target, ...patch.map(landed)])];
  const key = schema?.mergeKey;
  if (!key) return landed(patch) as Json[];
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) return landed(patch) as Json[];
  const deleted = new Set(patch.filter((p) => isObject(p) && p['$patch'] === 'delete').map((p) => (p as JsonObject)[key]));
  const base = deleted.size > 0 ? target.filter((t) => !(isObject(t) && deleted.has(t[key] as Json))) : target;
  const items = patch.filter((p) => !(isObject(p) && '$patch' in p));
  return mergeByKey(base, items, key, schema.item);
}

interface Slot {
  item: Json;
  /** Position on the Pod before the merge, -1 for new items. */
  readonly origin: number;
  /** Position of the first patch item with this key, -1 when the patch does not name it. */
  order: number;
}

function mergeByKey(base: Json[], patch: Json[], key: string, itemSchema: Schema | undefined): Json[] {
  const slots: Slot[] = base.map((item, i) => ({ item, origin: i, order: -1 }));
  const byKey = new Map<unknown, Slot>();
  for (const s of slots) {
    const k = isObject(s.item) ? s.item[key] : undefined;
    if (k !== undefined && !byKey.has(k)) byKey.set(k, s);
  }
  patch.forEach((p, j) => {
    if (!isObject(p)) return;
    const k = p[key];
    const found = k === undefined ? undefined : byKey.get(k);
    if (found) {
      found.item = merged(found.item as JsonObject, p, itemSchema);
      if (found.order < 0) found.order = j;
    } else {
      const s: Slot = { item: landed(p), origin: -1, order: j };
      slots.push(s);
      if (k !== undefined) byKey.set(k, s);
    }
  });
  const named = slots.filter((s) => s.order >= 0).sort((a, b) => a.order - b.order);
  const podOnly = slots.filter((s) => s.order < 0);
  return interleave(podOnly, named);
}

/** apimachinery's mergeSortedSlice: Pod-only items go first only when they came earlier on the Pod. */
function interleave(podOnly: Slot[], named: Slot[]): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < podOnly.length || j < named.length) {
    const l = podOnly[i];
    const r = named[j];
    if (l && (!r || (r.origin >= 0 && l.origin < r.origin))) {
      out.push(l.item);
      i++;
    } else if (r) {
      out.push(r.item);
      j++;
    }
  }
  return out;
}
