// The decoder's fast check against its schema: plainlyValid must accept exactly the envelopes
// reviewSchema accepts, for reviews as the API server sends them and for every field replaced
// by a value of another type, removed, or set to an edge value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReview, plainlyValid, reviewSchema } from '../../src/admission/review.js';

const base = (): Record<string, unknown> => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    subResource: 'status',
    name: 'p',
    namespace: 'ns',
    operation: 'CREATE',
    userInfo: { username: 'me' },
    object: { metadata: {} },
    oldObject: null,
    dryRun: false,
    options: {},
  },
});

const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom('admission.k8s.io/v1beta1', 'AdmissionReview', 'DELETE', 'CONNECT', 'PATCH'),
  fc.record({ group: fc.string(), version: fc.string(), kind: fc.string(), resource: fc.string() }, { requiredKeys: [] }),
);
const paths = [
  'apiVersion',
  'kind',
  'request',
  'request.uid',
  'request.kind',
  'request.kind.group',
  'request.kind.kind',
  'request.resource',
  'request.resource.resource',
  'request.subResource',
  'request.name',
  'request.namespace',
  'request.operation',
  'request.dryRun',
  'request.object',
  'request.userInfo',
];

function set(o: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let cur: unknown = o;
  for (const k of keys.slice(0, -1)) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  if (cur === null || typeof cur !== 'object') return;
  const last = keys[keys.length - 1] as string;
  if (v === undefined) delete (cur as Record<string, unknown>)[last];
  else (cur as Record<string, unknown>)[last] = v;
}

describe('plainlyValid', () => {
  it('accepts a review the API server sends, and decodeReview returns its request', () => {
    const b = base();
    expect(plainlyValid(b)).toBe(true);
    expect(decodeReview(b).request).toBe(b['request']);
  });

  it('agrees with the schema whatever fields are changed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), odd), { minLength: 1, maxLength: 3 }), (changes) => {
        const b = base();
        for (const [p, v] of changes) set(b, p, v);
        expect(plainlyValid(b)).toBe(reviewSchema.safeParse(b).success);
      }),
      { numRuns: 2000 },
    );
  });
});
