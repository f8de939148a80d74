// The answer's bytes: reviewBytes must write exactly the JSON that JSON.stringify gives for the
// same answer, whatever the uid, messages, warnings and patch hold (quotes, control characters,
// non-ASCII, lone surrogates), so the API server reads the same review either way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowed, denied, errored, patched, reviewBytes, type Echo } from '../../src/admission/respond.js';

const v1: Echo = { apiVersion: 'admission.k8s.io/v1', uid: 'b3a5c0de-1' };

describe('reviewBytes', () => {
  it('writes each kind of answer as JSON.stringify does', () => {
    const answers = [
      allowed(v1),
      allowed(v1, ['meshgate: sidecar not injected: "quoted" \u00e9\n']),
      denied({ apiVersion: 'admission.k8s.io/v1beta1', uid: 'u' }, 'VirtualService shop/a is invalid: spec.http[0]: bad', { code: 422, reason: 'Invalid', warnings: ['w'] }),
      errored(v1, 'internal error'),
      patched(v1, [{ op: 'add', path: '/metadata/labels/a~1b', value: { x: ['é', 1, null] } }], ['warn']),
      patched(v1, []),
    ];
    for (const a of answers) expect(reviewBytes(a).toString('utf8')).toBe(JSON.stringify(a));
  });

  it('round-trips the patch: base64 of the JSON patch', () => {
    const ops = [{ op: 'replace' as const, path: '/spec/containers/0/image', value: 'proxyv2:1.2' }];
    const body = JSON.parse(reviewBytes(patched(v1, ops)).toString('utf8')) as { response: { patch: string; patchType: string } };
    expect(body.response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(body.response.patch, 'base64').toString('utf8'))).toEqual(ops);
  });

  it('matches JSON.stringify for any uid, message and warnings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }),
        fc.boolean(),
        (uid, message, warnings, deny) => {
          const echo: Echo = { apiVersion: 'admission.k8s.io/v1', uid };
          const a = deny ? denied(echo, message, { warnings }) : patched(echo, [{ op: 'add', path: '/a', value: message }], warnings);
          expect(reviewBytes(a).equals(Buffer.from(JSON.stringify(a), 'utf8'))).toBe(true);
        },
      ),
    );
  });
});
