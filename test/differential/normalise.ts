// The documented normalisation of the differential suite (test/differential/README.md): only
// forms the API server treats as the same object are made equal. Key order never matters;
// null and {} mean absent (Go prints empty structs and nil timestamps that JSON omits), except
// a volume source such as `emptyDir: {}`, which says what the volume is; an object's `status`
// is dropped (the API server ignores it on create; Go prints `status: {replicas: 0}`); resource quantities
// compare by value ("2000m" is "2"); JSON inside annotations and env values compares parsed;
// fieldRef.apiVersion "v1" is the default the API server writes anyway.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource quantity as a canonical number string; anything unparseable is kept as written. */
export function quantity(v: string | number): string | number {
  if (typeof v === 'number') return String(v);
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(v.trim());
  if (!m?.[1]) return v;
  const n = Number(m[1]) * (m[2] ? 10 ** Number(m[2].slice(1)) : (SUFFIX[m[3] ?? ''] ?? 1));
  return Number.isFinite(n) ? String(Number(n.toPrecision(15))) : v;
}

/** JSON text parsed (so key order and spacing do not count), other strings as they are. */
function maybeJSON(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    return normalise(JSON.parse(v) as unknown, ['<json>']);
  } catch {
    return v;
  }
}

/** An object at the top (a document, or an item of a List or of the documents' array). */
function isTopLevel(path: readonly string[]): boolean {
  return path.every((seg, i) => /^\d+$/.test(seg) || (seg === 'items' && i % 2 === 1));
}

/** Keys whose `{}` is meaningful: a volume's source. */
const VOLUME_SOURCES = new Set(['emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected', 'csi', 'hostPath', 'persistentVolumeClaim', 'ephemeral']);

function normaliseEntry(key: string, value: unknown, path: readonly string[]): unknown {
  const parent = path[path.length - 1];
  if (key === 'status' && isTopLevel(path)) return undefined;
  if ((parent === 'limits' || parent === 'requests') && (typeof value === 'string' || typeof value === 'number')) return quantity(value);
  if (parent === 'annotations') return maybeJSON(value);
  if (key === 'value' && path.includes('env')) return maybeJSON(value);
  if (parent === 'fieldRef' && key === 'apiVersion' && value === 'v1') return undefined;
  return normalise(value, [...path, key]);
}

/** The normal form of a Kubernetes object (or any JSON value below one). */
export function normalise(v: unknown, path: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x, i) => normalise(x, [...path, String(i)]));
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) {
    const x = normaliseEntry(key, v[key], path);
    if (x === null || x === undefined) continue;
    if (isPlain(x) && Object.keys(x).length === 0 && !VOLUME_SOURCES.has(key)) continue;
    out[key] = x;
  }
  return out;
}

export interface Difference {
  /** Field path with list indexes generalised (`spec.containers[*].env`), for grouping. */
  readonly group: string;
  /** The exact path. */
  readonly path: string;
  readonly meshgate: unknown;
  readonly istio: unknown;
}

const ident = /^[A-Za-z_][\w-]*$/;

/** The `name`s of a list whose items all have distinct ones, else undefined. */
function namesOf(list: readonly unknown[]): string[] | undefined {
  const names = list.map((x) => (isPlain(x) && typeof x['name'] === 'string' ? x['name'] : undefined));
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/** Lists of named items (containers, env, volumes…) compare by name, then by order. */
function namedDifferences(got: unknown[], want: unknown[], where: { path: string; group: string }, out: Difference[]): boolean {
  const g = namesOf(got);
  const w = namesOf(want);
  if (!g || !w) return false;
  for (const name of w.filter((n) => !g.includes(n)))
    out.push({ group: `${where.group}[${name}] (missing)`, path: `${where.path}[${name}]`, meshgate: undefined, istio: want[w.indexOf(name)] });
  for (const name of g.filter((n) => !w.includes(n)))
    out.push({ group: `${where.group}[${name}] (extra)`, path: `${where.path}[${name}]`, meshgate: got[g.indexOf(name)], istio: undefined });
  const common = w.filter((n) => g.includes(n));
  const gotOrder = g.filter((n) => w.includes(n));
  if (common.join('\0') !== gotOrder.join('\0')) out.push({ group: `${where.group} (order)`, path: where.path, meshgate: gotOrder, istio: common });
  for (const name of common) differences(got[g.indexOf(name)], want[w.indexOf(name)], `${where.path}[${name}]`, `${where.group}[${name}]`, out);
  return true;
}

/** Every difference between two normalised values, meshgate's first. */
export function differences(got: unknown, want: unknown, path = '', group = '', out: Difference[] = []): Difference[] {
  if (Array.isArray(got) && Array.isArray(want)) {
    if (namedDifferences(got, want, { path, group }, out)) return out;
    if (got.length !== want.length) out.push({ group: `${group || '.'} (length)`, path: path || '.', meshgate: got.length, istio: want.length });
    for (let i = 0; i < Math.min(got.length, want.length); i++) differences(got[i], want[i], `${path}[${i}]`, `${group}[*]`, out);
    return out;
  }
  if (isPlain(got) && isPlain(want)) {
    for (const k of [...new Set([...Object.keys(got), ...Object.keys(want)])].sort()) {
      const seg = ident.test(k) ? `.${k}` : `["${k}"]`;
      if (!(k in got)) out.push({ group: `${group}${seg} (missing)`, path: `${path}${seg}`, meshgate: undefined, istio: want[k] });
      else if (!(k in want)) out.push({ group: `${group}${seg} (extra)`, path: `${path}${seg}`, meshgate: got[k], istio: undefined });
      else differences(got[k], want[k], `${path}${seg}`, `${group}${seg}`, out);
    }
    return out;
  }
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push({ group: group || '.', path: path || '.', meshgate: got, istio: want });
  return out;
}

export type { Json };
