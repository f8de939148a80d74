// Inputs and checks for fuzzing meshgate over HTTP: real AdmissionReviews mutated at random
// (fields removed, retyped, replaced with odd values, annotations meshgate reads given
// hostile values) and raw garbage; and the promise every answer must keep.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function seedReviews() {
  const files = [
    ...readdirSync(join(root, 'examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'bench', 'data'))
      .filter((f) => f.endsWith('.json') && !f.includes('100kb'))
      .map((f) => join(root, 'bench', 'data', f)),
  ];
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
}

const ODD_STRINGS = [
  '',
  ' ',
  '*',
  '0',
  '-1',
  '65536',
  '99999999999',
  'bad',
  'true',
  'false',
  'null',
  '1.2.3.4/33',
  '::/129',
  '10.0.0.0/8,bad',
  '15020,abc',
  'a'.repeat(5000),
  '\u0000',
  '\u202e',
  '{"a":',
  '[1,2',
  '{{ .Values }}',
  '%VAR%',
  '$(POD_NAME)',
  'REDIRECT',
  'TPROXY',
  'NONE',
  'auto',
  '🙂',
];

const ANNOTATIONS = [
  'sidecar.istio.io/inject',
  'inject.istio.io/templates',
  'sidecar.istio.io/proxyImage',
  'sidecar.istio.io/proxyCPU',
  'sidecar.istio.io/proxyMemory',
  'sidecar.istio.io/proxyCPULimit',
  'sidecar.istio.io/proxyMemoryLimit',
  'sidecar.istio.io/interceptionMode',
  'sidecar.istio.io/logLevel',
  'sidecar.istio.io/userVolume',
  'sidecar.istio.io/userVolumeMount',
  'sidecar.istio.io/rewriteAppHTTPProbers',
  'sidecar.istio.io/nativeSidecar',
  'status.sidecar.istio.io/port',
  'readiness.status.sidecar.istio.io/periodSeconds',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
  'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/excludeOutboundPorts',
  'traffic.sidecar.istio.io/excludeInterfaces',
  'proxy.istio.io/config',
  'proxy.istio.io/overrides',
  'sidecar.istio.io/status',
  'prometheus.io/port',
  'prometheus.io/scrape',
  'prometheus.istio.io/merge-metrics',
  'istio.io/dry-run',
  'internal.istio.io/webhook-always-reject',
  'kubectl.kubernetes.io/default-container',
];

const oddValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) },
);

/** Every path (as key lists) of an object tree, breadth-limited. */
function paths(value, prefix = [], out = [], limit = 400) {
  if (out.length >= limit || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p);
    paths(v, p, out, limit);
  }
  return out;
}

function setAt(obj, path, op, value) {
  let node = obj;
  for (const k of path.slice(0, -1)) node = node?.[k];
  if (node === null || typeof node !== 'object') return;
  const last = path[path.length - 1];
  if (op === 'delete') {
    if (Array.isArray(node)) node.splice(last, 1);
    else delete node[last];
  } else if (op === 'wrap') node[last] = [node[last]];
  else node[last] = value;
}

const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'set', 'set', 'wrap'),
  value: oddValue,
});

const annotationMutation = fc.record({ key: fc.constantFrom(...ANNOTATIONS), value: oddValue });

/** A mutated real review: what the API server might send on a bad day, or an attacker. */
export function mutatedReview(seeds) {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      mutations: fc.array(mutation, { maxLength: 4 }),
      annotations: fc.array(annotationMutation, { maxLength: 4 }),
    })
    .map(({ seed, mutations, annotations }) => {
      const review = structuredClone(seeds[seed]);
      const md = review.request?.object?.metadata;
      if (md && typeof md === 'object') {
        md.annotations = md.annotations && typeof md.annotations === 'object' ? md.annotations : {};
        for (const a of annotations) md.annotations[a.key] = typeof a.value === 'string' ? a.value : JSON.stringify(a.value);
      }
      for (const m of mutations) {
        const all = paths(review);
        if (all.length > 0) setAt(review, all[m.pick % all.length], m.op, m.value);
      }
      return { body: JSON.stringify(review), contentType: 'application/json', review };
    });
}

/** Bodies that are not reviews at all: random JSON, truncated JSON, bytes, other content types. */
export function garbage() {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
    fc.string({ maxLength: 200 }).map((s) => ({ body: s, contentType: 'application/json' })),
    fc
      .tuple(fc.string({ maxLength: 200 }), fc.constantFrom('text/plain', 'application/yaml', 'application/x-www-form-urlencoded', ''))
      .map(([s, contentType]) => ({ body: s, contentType })),
  );
}

export function inputs(seeds) {
  return fc.oneof({ weight: 4, arbitrary: mutatedReview(seeds) }, { weight: 1, arbitrary: garbage() });
}

/** Why the answer breaks the promise, or undefined: an AdmissionReview with the uid echoed, or a 4xx with a message. */
export function checkAnswer(input, status, text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${status} with a body that is not JSON: ${text.slice(0, 120)}`;
  }
  if (status >= 400 && status < 500) {
    return typeof body?.message === 'string' && body.message.length > 0 ? undefined : `HTTP ${status} without a message`;
  }
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 200)}`;
  const r = body?.response;
  if (body?.kind !== 'AdmissionReview' || typeof r?.allowed !== 'boolean') return `HTTP 200 without an AdmissionReview response: ${text.slice(0, 200)}`;
  const uid = input.review?.request?.uid;
  if (r.uid !== uid) return `uid not echoed: sent ${JSON.stringify(uid)}, got ${JSON.stringify(r.uid)}`;
  if (r.allowed === false && (typeof r.status?.message !== 'string' || r.status.code === 500)) return `denied without a message, or an internal error: ${JSON.stringify(r.status)}`;
  if (r.patch !== undefined) {
    let ops;
    try {
      ops = JSON.parse(Buffer.from(r.patch, 'base64').toString('utf8'));
    } catch {
      return 'patch is not base64 JSON';
    }
    const target = structuredClone(input.review.request.object);
    const err = jsonpatch.validate(ops, target);
    if (err) return `patch does not apply to the object: ${err.name} ${err.message.split('\n')[0]}`;
  }
  return undefined;
}
