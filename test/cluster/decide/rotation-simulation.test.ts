// A forced CA rotation played second by second with real certificates: the leader plans and
// carries out steps on a Secret, the API server trusts the published bundle one tick late,
// and replicas install new certificates one and three ticks late. At every tick, each
// replica's certificate must be signed by a CA the API server trusts.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, caBundleOf, certSecretContent, certSecretObject, readCertSecret, type SecretObject } from '../../../src/cluster/decide/cert-state.js';
import { carryOut } from '../../../src/cluster/duties/issue.js';
import { certInfo, signedBy, splitPem } from '../../../src/certs/pki.js';
import { planRotation, type RotationPolicy } from '../../../src/cluster/decide/rotation.js';

const SANS = ['meshgate.meshgate-system.svc', 'meshgate.meshgate-system.svc.cluster.local'];
const ISSUE = { certValidityMs: 30 * 86_400_000, caValidityMs: 365 * 86_400_000, sans: SANS };
const POLICY: RotationPolicy = { rotateAt: 2 / 3, trustSettleMs: 5_000, serveSettleMs: 10_000, sans: SANS };

interface Replica {
  serving: string;
  lag: number;
  pending: { cert: string; at: number } | undefined;
}

async function initialSecret(now: Date): Promise<SecretObject> {
  const made = await carryOut({ kind: 'create' }, { kind: 'absent' }, now, ISSUE);
  if (!made) throw new Error('create made nothing');
  return certSecretObject('meshgate-certs', 'meshgate-system', certSecretContent(made.material, made));
}

const servingOf = (secret: SecretObject): string => Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString('utf8');
const bundleOf = (secret: SecretObject): string[] => splitPem(Buffer.from(secret.data?.['ca-bundle.crt'] ?? '', 'base64').toString('utf8'));

describe('a forced rotation, simulated', () => {
  it('never leaves a replica serving a certificate the API server does not trust', { timeout: 60_000 }, async () => {
    const start = Date.parse('2030-01-01T00:00:00Z');
    let secret = await initialSecret(new Date(start));
    let published = caBundleOf({ bundle: bundleOf(secret) });
    let apiTrust = bundleOf(secret);
    const replicas: Replica[] = [1, 3].map((lag) => ({ serving: servingOf(secret), lag, pending: undefined }));
    secret = { ...secret, metadata: { ...secret.metadata, annotations: { ...secret.metadata?.annotations, [ANNOTATIONS.rotate]: 'now' } } };
    const steps: string[] = [];

    for (let tick = 1; tick <= 60; tick++) {
      const now = new Date(start + tick * 1000);
      // The leader decides and writes.
      const reading = readCertSecret(secret as Parameters<typeof readCertSecret>[0]);
      expect(reading.kind, `tick ${tick}`).toBe('valid');
      const replicaServing = replicas.map((r) => certInfo(r.serving).fingerprint);
      const bundlePublished = reading.kind === 'valid' && published === caBundleOf(reading.state);
      const step = planRotation({ reading, now, policy: POLICY, bundlePublished, replicaServing });
      const made = await carryOut(step, reading, now, ISSUE);
      if (made) {
        steps.push(step.kind);
        secret = certSecretObject('meshgate-certs', 'meshgate-system', certSecretContent(made.material, made), secret, step.kind === 'add-ca');
      }
      // The leader's reconciler publishes the bundle; API servers pick it up a tick later.
      const previouslyPublished = published;
      published = caBundleOf({ bundle: bundleOf(secret) });
      // Replicas install the Secret's certificate after their lag.
      for (const r of replicas) {
        if (r.pending && tick >= r.pending.at) r.serving = r.pending.cert;
        if (servingOf(secret) !== r.serving && r.pending?.cert !== servingOf(secret)) r.pending = { cert: servingOf(secret), at: tick + r.lag };
      }
      for (const [i, r] of replicas.entries()) {
        expect(
          apiTrust.some((ca) => signedBy(r.serving, ca)),
          `tick ${tick}: replica ${i} serves a certificate the API server does not trust`,
        ).toBe(true);
      }
      apiTrust = splitPem(Buffer.from(previouslyPublished, 'base64').toString('utf8'));
    }

    expect(steps).toEqual(['add-ca', 'renew-serving', 'prune-bundle']);
    const final = readCertSecret(secret as Parameters<typeof readCertSecret>[0]);
    if (final.kind !== 'valid') throw new Error('final Secret invalid');
    expect(final.state.bundle).toHaveLength(1);
    expect(final.state.servingSignedByCA).toBe(true);
    expect(final.state.rotateRequested).toBe(false);
    expect(replicas.every((r) => r.serving === final.state.serving.cert)).toBe(true);
  });
});
