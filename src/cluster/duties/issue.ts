// Carrying out a rotation step: the new content of the certificate Secret. Only key generation
// and signing happen here; which step to take is rotation.ts's decision.
import type { CertMaterial, CertState, SecretReading } from '../decide/cert-state.js';
import { certInfo, issueCA, issueServing, type KeyPair } from '../../certs/pki.js';
import type { RotationStep } from '../decide/rotation.js';

export interface IssuePolicy {
  readonly certValidityMs: number;
  readonly caValidityMs: number;
  readonly sans: readonly string[];
}

export interface NewCertSecret {
  readonly material: CertMaterial;
  readonly caTrustedAt: Date;
  readonly servingSince: Date;
}

/** A serving certificate never outlives the CA that signed it. */
async function serving(ca: KeyPair, now: Date, policy: IssuePolicy): Promise<KeyPair> {
  const caLeft = certInfo(ca.cert).notAfter.getTime() - now.getTime();
  return issueServing(ca, { sans: policy.sans, now, validityMs: Math.max(60_000, Math.min(policy.certValidityMs, caLeft)) });
}

async function fresh(now: Date, policy: IssuePolicy, keepCAs: readonly string[]): Promise<NewCertSecret> {
  const ca = await issueCA({ validityMs: policy.caValidityMs, now });
  const kept = keepCAs.filter((pem) => {
    try {
      return certInfo(pem).notAfter > now;
    } catch {
      return false;
    }
  });
  return { material: { ca, serving: await serving(ca, now, policy), bundle: [...kept, ca.cert] }, caTrustedAt: now, servingSince: now };
}

function keep(s: CertState, fingerprints: readonly string[]): string[] {
  return s.bundle.filter((_, i) => fingerprints.includes(s.bundleInfo[i]?.fingerprint ?? ''));
}

const since = (s: CertState, now: Date): { caTrustedAt: Date; servingSince: Date } => ({
  caTrustedAt: s.caTrustedAt ?? now,
  servingSince: s.servingSince ?? now,
});

async function evolve(s: CertState, step: RotationStep, now: Date, policy: IssuePolicy): Promise<NewCertSecret | undefined> {
  switch (step.kind) {
    case 'add-ca': {
      const ca = await issueCA({ validityMs: policy.caValidityMs, now });
      return { material: { ca, serving: s.serving, bundle: [...s.bundle, ca.cert] }, caTrustedAt: now, servingSince: since(s, now).servingSince };
    }
    case 'renew-serving':
      return { material: { ca: s.ca, serving: await serving(s.ca, now, policy), bundle: s.bundle }, caTrustedAt: since(s, now).caTrustedAt, servingSince: now };
    case 'prune-bundle':
      return { material: { ca: s.ca, serving: s.serving, bundle: keep(s, step.keep) }, ...since(s, now) };
    default:
      return undefined;
  }
}

/** The Secret content after `step`, or undefined when the step changes nothing (wait, idle). */
export async function carryOut(step: RotationStep, reading: SecretReading, now: Date, policy: IssuePolicy): Promise<NewCertSecret | undefined> {
  if (step.kind === 'create') return fresh(now, policy, []);
  if (step.kind === 'restore') {
    const s = step.state;
    return { material: { ca: s.ca, serving: s.serving, bundle: s.bundle }, ...since(s, now) };
  }
  if (step.kind === 'replace') return fresh(now, policy, step.keepCAs);
  if (reading.kind !== 'valid') return undefined;
  return evolve(reading.state, step, now, policy);
}
