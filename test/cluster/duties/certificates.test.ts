// The certificate Secret's content: issued with node-forge, read back and checked, and every
// way it can be unusable named.
import { beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATIONS, certSecretContent, certSecretObject, readCertSecret, type SecretObject } from '../../../src/cluster/decide/cert-state.js';
import { servingSans } from '../../../src/cluster/index.js';
import { carryOut, type NewCertSecret } from '../../../src/cluster/duties/issue.js';
import { certInfo, signedBy } from '../../../src/certs/pki.js';

const SANS = servingSans({ serviceName: 'meshgate', namespace: 'mesh', certExtraSans: ['127.0.0.1'] });
const ISSUE = { certValidityMs: 365 * 86_400_000, caValidityMs: 3650 * 86_400_000, sans: SANS };
const NOW = new Date('2030-01-01T00:00:00Z');

let first: NewCertSecret;
let second: NewCertSecret;
let secret: SecretObject;

beforeAll(async () => {
  [first, second] = (await Promise.all([carryOut({ kind: 'create' }, { kind: 'absent' }, NOW, ISSUE), carryOut({ kind: 'create' }, { kind: 'absent' }, NOW, ISSUE)])) as [
    NewCertSecret,
    NewCertSecret,
  ];
  secret = certSecretObject('meshgate-certs', 'mesh', certSecretContent(first.material, first));
}, 60_000);

const withData = (over: Record<string, string | undefined>): SecretObject => ({
  ...secret,
  data: Object.fromEntries(Object.entries({ ...secret.data, ...over }).filter(([, v]) => v !== undefined)) as Record<string, string>,
});
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('issued certificates', () => {
  it('name the Service in the namespace, and the extra names', () => {
    expect(SANS).toEqual(['meshgate.mesh.svc', 'meshgate.mesh.svc.cluster.local', '127.0.0.1']);
    expect(certInfo(first.material.serving.cert).sans).toEqual([...SANS].sort());
  });

  it('are signed by a CA that is in the bundle alone', () => {
    expect(certInfo(first.material.ca.cert).isCA).toBe(true);
    expect(signedBy(first.material.serving.cert, first.material.ca.cert)).toBe(true);
    expect(first.material.bundle).toEqual([first.material.ca.cert]);
  });

  it('have unique serials, and two creations make two different CAs', () => {
    const serials = [first, second].flatMap((m) => [m.material.ca.cert, m.material.serving.cert]).map((c) => certInfo(c).serial);
    expect(new Set(serials).size).toBe(4);
    expect(signedBy(second.material.serving.cert, first.material.ca.cert)).toBe(false);
  });

  it('are valid for the configured time', () => {
    expect(certInfo(first.material.serving.cert).notAfter.getTime() - NOW.getTime()).toBeLessThanOrEqual(ISSUE.certValidityMs);
    expect(certInfo(first.material.serving.cert).notAfter.getTime() - NOW.getTime()).toBeGreaterThan(ISSUE.certValidityMs - 1000);
  });

  it('never outlive their CA', async () => {
    const shortCa = await carryOut({ kind: 'create' }, { kind: 'absent' }, NOW, { ...ISSUE, caValidityMs: 86_400_000 });
    expect(certInfo(shortCa?.material.serving.cert ?? '').notAfter.getTime()).toBeLessThanOrEqual(certInfo(shortCa?.material.ca.cert ?? '').notAfter.getTime());
  }, 30_000);
});

describe('restoring a deleted Secret', () => {
  it('writes back the same CA, certificate, bundle and times, read from the last valid state', async () => {
    const last = readCertSecret(secret);
    if (last.kind !== 'valid') throw new Error('the test Secret must be valid');
    const later = new Date(NOW.getTime() + 86_400_000);
    const restored = await carryOut({ kind: 'restore', state: last.state }, { kind: 'absent' }, later, ISSUE);
    expect(restored?.material).toEqual({ ca: last.state.ca, serving: last.state.serving, bundle: last.state.bundle });
    if (restored === undefined) throw new Error('restore carried out nothing');
    expect(certInfo(restored.material.ca.cert).fingerprint).toBe(certInfo(first.material.ca.cert).fingerprint);
    expect(restored.material.serving).toEqual(first.material.serving);
    expect(restored?.caTrustedAt).toEqual(NOW);
    expect(restored?.servingSince).toEqual(NOW);
    const again = readCertSecret(certSecretObject('meshgate-certs', 'mesh', certSecretContent(restored.material, restored)));
    expect(again).toEqual(last);
  });
});

describe('readCertSecret', () => {
  it('reads back what was written', () => {
    const r = readCertSecret(secret);
    expect(r.kind).toBe('valid');
    if (r.kind !== 'valid') return;
    expect(r.state.serving).toEqual(first.material.serving);
    expect(r.state.servingSignedByCA).toBe(true);
    expect(r.state.caTrustedAt).toEqual(NOW);
    expect(r.state.rotateRequested).toBe(false);
  });

  it('is absent without a Secret', () => {
    expect(readCertSecret(undefined)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['a missing key', { 'tls.key': undefined }, 'key tls.key is missing'],
    ['a key of another certificate', 'swap-key', 'tls.key does not belong to tls.crt'],
    ['a serving certificate as the CA', 'serving-as-ca', 'ca.crt is not a CA certificate'],
    ['a bundle without the CA', 'other-bundle', 'ca-bundle.crt does not include ca.crt'],
    ['garbage', { 'tls.crt': b64('not a certificate') }, 'tls.crt is not a PEM certificate'],
  ] as const)('names the problem of %s, keeping the readable CAs', (_, change, problem) => {
    const over: Record<string, string | undefined> =
      change === 'swap-key'
        ? { 'tls.key': b64(second.material.serving.key) }
        : change === 'serving-as-ca'
          ? { 'ca.crt': b64(first.material.serving.cert), 'ca.key': b64(first.material.serving.key) }
          : change === 'other-bundle'
            ? { 'ca-bundle.crt': b64(second.material.ca.cert) }
            : change;
    const r = readCertSecret(withData(over));
    expect(r).toMatchObject({ kind: 'invalid', problem: expect.stringContaining(problem) });
    if (r.kind === 'invalid') expect(r.salvage.length).toBeGreaterThan(0);
  });

  it('sees a rotation request in the annotation', () => {
    const r = readCertSecret({ ...secret, metadata: { ...secret.metadata, annotations: { ...secret.metadata?.annotations, [ANNOTATIONS.rotate]: 'please' } } });
    expect(r.kind === 'valid' && r.state.rotateRequested).toBe(true);
  });
});

describe('certSecretObject', () => {
  it('creates a kubernetes.io/tls Secret', () => {
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'meshgate-certs', namespace: 'mesh' } });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['ca-bundle.crt', 'ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
  });

  it('updates a Secret keeping its other keys, labels and resourceVersion, and clears a rotation request', () => {
    const base: SecretObject = {
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: '77', labels: { team: 'mesh' }, annotations: { [ANNOTATIONS.rotate]: 'x', other: 'kept' } },
      data: { ...secret.data, extra: 'eA==' },
    };
    const out = certSecretObject('meshgate-certs', 'mesh', certSecretContent(second.material, second), base, true);
    expect(out.metadata).toMatchObject({ resourceVersion: '77', labels: { team: 'mesh' }, annotations: { other: 'kept' } });
    expect(out.metadata?.annotations?.[ANNOTATIONS.rotate]).toBeUndefined();
    expect(out.data?.['extra']).toBe('eA==');
    expect(out.data?.['tls.crt']).toBe(b64(second.material.serving.cert));
  });
});
