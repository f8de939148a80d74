// A seeded mutator over real documents: each mutant is one document with one to three small,
// plausible edits of the kind users make — a field removed, nulled, emptied, duplicated,
// retyped, renamed or set to a tricky value, an unknown field added, a bad metadata name.
// The same seed always gives the same mutants.
export type Rng = () => number;

/** mulberry32: a small, fast, well-distributed 32-bit generator. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

type Json = unknown;
type Container = Record<string, Json> | Json[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
  readonly path: string;
}

const STRINGS = [
  '',
  ' ',
  '*',
  '*.example.com',
  'foo.*.com',
  'Bad_Name',
  'a'.repeat(64),
  'x'.repeat(300),
  '/',
  '//a',
  '/a/../b',
  '10.0.0.0/8',
  '1.2.3.4',
  '::1',
  '300.1.1.1',
  'unix:///var/run/x.sock',
  'unix://rel',
  '0s',
  '0.5ms',
  '1d',
  '1h30m',
  '-1s',
  '(?=x)',
  '^a(b',
  '.*',
  'HTTP',
  'http',
  'TLS',
  'TCP',
  'GRPC',
  'UDP',
  'HTTPS',
  'Exact',
  'PathPrefix',
  'RegularExpression',
  'Cookie',
  'Header',
  'STRICT',
  'DENY',
  'ALLOW',
  'CUSTOM',
  'ISTIO_MUTUAL',
  'SIMPLE',
  'DNS',
  'STATIC',
  'NONE',
  'MESH_INTERNAL',
  'example.com/controller',
  'Service',
  'Gateway',
  'ns/name',
  '~/x',
  './*',
  'mesh',
  'é',
  'https://example.com/jwks',
  'not a url',
  'oci://ghcr.io/a/b:1',
  '%HOSTNAME%',
  'X-Header',
  'x-header',
  ':authority',
  'GET',
  'get',
  '5xx,gateway-error',
  'true',
];
const NUMBERS = [0, -1, 1, 80, 443, 65535, 65536, 100, 101, 1000000, 1000001, 2147483648, 4294967296, 0.5, 1.5, -0.1];

function slots(v: Json, path: string, out: Slot[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, key: i, path: `${path}[${i}]` });
      slots(x, `${path}[${i}]`, out);
    });
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push({ parent: v as Record<string, Json>, key: k, path: path ? `${path}.${k}` : k });
      slots(x, path ? `${path}.${k}` : k, out);
    }
  }
}

function get(s: Slot): Json {
  return (s.parent as Record<string | number, Json>)[s.key];
}

function set(s: Slot, v: Json): void {
  (s.parent as Record<string | number, Json>)[s.key] = v;
}

function remove(s: Slot): void {
  if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
  else delete s.parent[s.key as string];
}

function scalarFor(r: Rng, old: Json): Json {
  if (typeof old === 'number' || (typeof old !== 'string' && r() < 0.5)) return pick(r, NUMBERS);
  return r() < 0.9 ? pick(r, STRINGS) : pick(r, [true, 42, 'yes']);
}

type Edit = (r: Rng, s: Slot) => string;

const EDITS: readonly [number, Edit][] = [
  [
    4,
    (r, s) => {
      const v = get(s);
      set(s, v !== null && typeof v === 'object' ? (Array.isArray(v) ? [] : {}) : scalarFor(r, v));
      return `change ${s.path}`;
    },
  ],
  [
    3,
    (r, s) => {
      set(s, scalarFor(r, get(s)));
      return `set ${s.path}`;
    },
  ],
  [
    2,
    (_r, s) => {
      remove(s);
      return `remove ${s.path}`;
    },
  ],
  [
    2,
    (_r, s) => {
      set(s, null);
      return `null ${s.path}`;
    },
  ],
  [
    1,
    (r, s) => {
      const v = get(s);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        (v as Record<string, Json>)[pick(r, ['bogus', 'Name', 'extra', 'port'])] = pick(r, STRINGS);
        return `add field under ${s.path}`;
      }
      set(s, [v]);
      return `wrap ${s.path} in a list`;
    },
  ],
  [
    2,
    (_r, s) => {
      const v = get(s);
      if (Array.isArray(v) && v.length > 0) {
        v.push(structuredClone(v[0]));
        return `duplicate ${s.path}[0]`;
      }
      if (Array.isArray(s.parent)) {
        s.parent.push(structuredClone(v));
        return `duplicate ${s.path}`;
      }
      set(s, String(v));
      return `stringify ${s.path}`;
    },
  ],
];

function chooseEdit(r: Rng): Edit {
  const total = EDITS.reduce((n, [w]) => n + w, 0);
  let x = r() * total;
  for (const [w, e] of EDITS) {
    x -= w;
    if (x < 0) return e;
  }
  return (EDITS[0] as [number, Edit])[1];
}

function metadataEdit(r: Rng, o: Record<string, Json>): string {
  const md = (o['metadata'] ??= {}) as Record<string, Json>;
  const which = pick(r, ['name', 'name', 'label', 'annotation']);
  if (which === 'name') md['name'] = pick(r, ['Bad_Name', 'a.b', '-a', 'a'.repeat(254), 'UPPER', '']);
  else if (which === 'label') md['labels'] = { ...(md['labels'] as object | undefined), [pick(r, ['app', 'a/b/c', 'x'])]: pick(r, ['v', 'x'.repeat(64), 'a b']) };
  else md['annotations'] = { ...(md['annotations'] as object | undefined), [pick(r, ['istio.io/dry-run', 'internal.istio.io/parents', 'note'])]: pick(r, ['true', 'maybe', 'x']) };
  return `metadata ${which}`;
}

/** One mutant of `doc`, and a description of the edits. */
export function mutate(r: Rng, doc: Record<string, Json>): { object: Record<string, Json>; edits: string[] } {
  const object = structuredClone(doc);
  const edits: string[] = [];
  const n = 1 + Math.floor(r() * r() * 3);
  for (let i = 0; i < n; i++) {
    if (r() < 0.08) {
      edits.push(metadataEdit(r, object));
      continue;
    }
    const all: Slot[] = [];
    slots(object['spec'], 'spec', all);
    if (all.length === 0) {
      object['spec'] = { bogus: true };
      edits.push('spec.bogus');
      continue;
    }
    const s = pick(r, all);
    edits.push(chooseEdit(r)(r, s));
  }
  return { object, edits };
}
