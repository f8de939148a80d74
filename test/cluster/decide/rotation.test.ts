// The rotation planner's decision table, row by row, on synthetic certificate states.
import { describe, expect, it } from 'vitest';
import type { CertState, SecretReading } from '../../../src/cluster/decide/cert-state.js';
import type { CertInfo } from '../../../src/certs/pki.js';
import { planRotation, renewalPoint, type RotationInput, type RotationPolicy } from '../../../src/cluster/decide/rotation.js';

const DAY = 86_400_000;
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);
const SANS = ['meshgate.meshgate-system.svc', 'meshgate.meshgate-system.svc.cluster.local'];

function info(fingerprint: string, fromDays: number, toDays: number, extra: Partial<CertInfo> = {}): CertInfo {
  return { fingerprint, notBefore: at(fromDays), notAfter: at(toDays), serial: fingerprint, isCA: false, sans: SANS, ...extra };
}

const CA1 = info('ca1', 0, 3650, { isCA: true, sans: [] });
const CA2 = info('ca2', 2000, 5650, { isCA: true, sans: [] });
const SERVING1 = info('s1', 0, 365);

function state(over: Partial<CertState> = {}): SecretReading {
  const bundleInfo = over.bundleInfo ?? [CA1];
  const s: CertState = {
    serving: { cert: 'pem-serving', key: 'key' },
    ca: { cert: 'pem-ca', key: 'key' },
    bundle: bundleInfo.map((b) => `pem-${b.fingerprint}`),
    servingInfo: SERVING1,
    caInfo: CA1,
    bundleInfo,
    servingSignedByCA: true,
    caTrustedAt: at(0),
    servingSince: at(0),
    rotateRequested: false,
    ...over,
  };
  return { kind: 'valid', state: s };
}

const POLICY: RotationPolicy = { rotateAt: 2 / 3, trustSettleMs: 5_000, serveSettleMs: 10_000, sans: SANS };

function plan(reading: SecretReading, now: Date, extra: Partial<RotationInput> = {}): ReturnType<typeof planRotation> {
  return planRotation({ reading, now, policy: POLICY, bundlePublished: true, replicaServing: ['s1'], ...extra });
}

describe('renewalPoint', () => {
  it('is rotateAt of the way from notBefore to notAfter', () => {
    expect(renewalPoint({ notBefore: at(0), notAfter: at(300) }, 2 / 3)).toEqual(at(200));
  });
});

describe('planRotation', () => {
  it('creates the Secret when it is absent', () => {
    expect(plan({ kind: 'absent' }, at(1))).toEqual({ kind: 'create' });
  });

  it('restores a deleted Secret from its last valid state, so the trusted CA does not change', () => {
    const last = state();
    if (last.kind !== 'valid') throw new Error('unreachable');
    expect(plan({ kind: 'absent' }, at(1), { lastValid: last.state })).toEqual({ kind: 'restore', state: last.state });
  });

  it('creates afresh instead when the last valid state has expired', () => {
    const caGone = state();
    const servingGone = state({ servingInfo: info('s1', 0, 10) });
    if (caGone.kind !== 'valid' || servingGone.kind !== 'valid') throw new Error('unreachable');
    expect(plan({ kind: 'absent' }, at(3651), { lastValid: caGone.state })).toEqual({ kind: 'create' });
    expect(plan({ kind: 'absent' }, at(11), { lastValid: servingGone.state })).toEqual({ kind: 'create' });
  });

  it('replaces an unusable Secret, keeping the CAs it could still read', () => {
    expect(plan({ kind: 'invalid', problem: 'key tls.key is missing', salvage: ['pem-ca1'] }, at(1))).toEqual({
      kind: 'replace',
      reason: 'key tls.key is missing',
      keepCAs: ['pem-ca1'],
    });
  });

  it('replaces everything once the CA has expired', () => {
    expect(plan(state(), at(3651))).toMatchObject({ kind: 'replace', reason: 'the CA expired' });
  });

  it('is idle until the earlier renewal point when nothing is due', () => {
    expect(plan(state(), at(10))).toEqual({ kind: 'idle', until: renewalPoint(SERVING1, 2 / 3) });
  });

  it.each([
    ['the serving certificate is past 2/3 of its lifetime', state(), at(244), { kind: 'renew-serving', reason: 'due' }],
    ['the serving certificate expired', state(), at(366), { kind: 'renew-serving', reason: 'due' }],
    ['the serving certificate names other hosts', state({ servingInfo: info('s1', 0, 365, { sans: ['old.svc'] }) }), at(1), { kind: 'renew-serving', reason: 'sans-changed' }],
    ['the CA is past 2/3 of its lifetime', state({ servingInfo: info('s1', 2440, 2805) }), at(2440), { kind: 'add-ca', reason: 'ca-due' }],
    ['an operator asked for a rotation', state({ rotateRequested: true }), at(1), { kind: 'add-ca', reason: 'requested' }],
  ])('when %s: %j', (_, reading, now, want) => {
    expect(plan(reading, now)).toEqual(want);
  });

  describe('in the middle of a CA rotation (tls.crt not yet signed by ca.crt)', () => {
    const mid = (over: Partial<CertState> = {}): SecretReading =>
      state({ caInfo: CA2, bundleInfo: [CA1, CA2], servingInfo: info('s1', 1800, 2165), servingSignedByCA: false, caTrustedAt: at(2000), ...over });
    const trusted = at(2000).getTime();

    it('waits until the webhook configurations carry the new bundle', () => {
      expect(plan(mid(), new Date(trusted + 60_000), { bundlePublished: false })).toMatchObject({
        kind: 'wait',
        reason: expect.stringContaining('not in the webhook configurations'),
      });
    });

    it('waits for the new CA to settle in the API servers', () => {
      expect(plan(mid(), new Date(trusted + 1_000))).toEqual({ kind: 'wait', reason: expect.stringContaining('settling'), until: new Date(trusted + 5_000) });
    });

    it('then switches the serving certificate to the new CA', () => {
      expect(plan(mid(), new Date(trusted + 5_000))).toEqual({ kind: 'renew-serving', reason: 'switch-ca' });
    });

    it('renews at once when the old serving certificate has expired', () => {
      expect(plan(mid({ servingInfo: info('s1', 1600, 1999) }), new Date(trusted + 1), { bundlePublished: false })).toEqual({ kind: 'renew-serving', reason: 'expired' });
    });

    it('ignores a rotation request until the current one is through', () => {
      expect(plan(mid({ rotateRequested: true }), new Date(trusted + 1_000))).toMatchObject({ kind: 'wait' });
    });
  });

  describe('after the switch (tls.crt signed by the new CA, old CA still trusted)', () => {
    const switched = at(2001).getTime();
    const afterSwitch = (over: Partial<CertState> = {}): SecretReading =>
      state({ caInfo: CA2, bundleInfo: [CA1, CA2], servingInfo: info('s2', 2001, 2366), servingSince: new Date(switched), caTrustedAt: at(2000), ...over });

    it('keeps the old CA while a replica still serves the old certificate', () => {
      expect(plan(afterSwitch(), new Date(switched + 60_000), { replicaServing: ['s2', 's1'] })).toMatchObject({
        kind: 'wait',
        reason: expect.stringContaining('replicas still serve'),
      });
    });

    it('keeps the old CA while no replica has reported at all', () => {
      expect(plan(afterSwitch(), new Date(switched + 60_000), { replicaServing: [] })).toMatchObject({ kind: 'wait' });
    });

    it('keeps it until the new certificate has settled, even when all replicas report it', () => {
      expect(plan(afterSwitch(), new Date(switched + 1_000), { replicaServing: ['s2', 's2'] })).toEqual({
        kind: 'wait',
        reason: expect.stringContaining('settling'),
        until: new Date(switched + 10_000),
      });
    });

    it('then drops the old CA from the bundle', () => {
      expect(plan(afterSwitch(), new Date(switched + 10_000), { replicaServing: ['s2', 's2'] })).toEqual({ kind: 'prune-bundle', reason: 'replicas-switched', keep: ['ca2'] });
    });

    it('drops an expired old CA whatever the replicas report', () => {
      const old = info('ca1', 0, 2002, { isCA: true });
      expect(plan(afterSwitch({ bundleInfo: [old, CA2] }), at(2003), { replicaServing: ['s1'] })).toEqual({ kind: 'prune-bundle', reason: 'expired', keep: ['ca2'] });
    });
  });
});
