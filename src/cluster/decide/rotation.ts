// When and how the certificate Secret changes: a pure decision from what the Secret holds,
// what the webhook configurations carry and what the replicas serve. The leader asks it after
// every change and carries out one step at a time; each step is one Secret update.
//
// A CA rotation trusts first, switches second and forgets last, so that at every moment each
// replica's certificate is signed by a CA the API server trusts:
//   add-ca         a new CA joins the bundle (ca.crt); replicas keep serving the old certificate
//   renew-serving  once the bundle with the new CA is in the webhook configurations and has
//                  settled, a serving certificate signed by the new CA replaces the old one
//   prune-bundle   once every live replica serves it (and it has settled), the old CA leaves
//
// Decision table, first match wins:
//   Secret absent, and its last valid state is known → restore it (same CA, same certificate:
//                                                      a deleted Secret must not change what
//                                                      the API server has to trust)
//   Secret absent                                    → create
//   Secret unusable, or its CA expired                → replace (new CA and certificate; readable
//                                                      old CAs stay in the bundle)
//   serving cert not signed by ca.crt (mid-rotation): expired → renew-serving (expired)
//                                                     bundle not published or not settled → wait
//                                                     else → renew-serving (switch-ca)
//   rotation requested (annotation)                   → add-ca (requested)
//   CA past rotateAt of its lifetime                  → add-ca (ca-due)
//   serving cert past rotateAt of its lifetime        → renew-serving (due)
//   serving cert names differ from the wanted ones    → renew-serving (sans-changed)
//   bundle holds expired CAs                          → prune-bundle (expired)
//   bundle holds other CAs: all live replicas serve tls.crt and it settled → prune-bundle
//                                                     else → wait
//   otherwise                                         → idle until the next renewal point
import type { CertState, SecretReading } from './cert-state.js';
import type { CertInfo } from '../../certs/pki.js';

export interface RotationPolicy {
  /** Fraction of a certificate's lifetime after which it is renewed. */
  readonly rotateAt: number;
  /** Time a new CA spends in the published bundle before certificates it signed are served. */
  readonly trustSettleMs: number;
  /** Time a new serving certificate is served before older CAs leave the bundle. */
  readonly serveSettleMs: number;
  /** DNS names and IP addresses the serving certificate must carry. */
  readonly sans: readonly string[];
}

export interface RotationInput {
  readonly reading: SecretReading;
  readonly now: Date;
  readonly policy: RotationPolicy;
  /** Every managed webhook configuration carries the Secret's bundle. */
  readonly bundlePublished: boolean;
  /** Fingerprints of the serving certificates that the live replicas report. */
  readonly replicaServing: readonly string[];
  /** The last valid content this replica saw in the Secret, if any. */
  readonly lastValid?: CertState;
}

export type RotationStep =
  | { readonly kind: 'create' }
  | { readonly kind: 'restore'; readonly state: CertState }
  | { readonly kind: 'replace'; readonly reason: string; readonly keepCAs: readonly string[] }
  | { readonly kind: 'add-ca'; readonly reason: 'requested' | 'ca-due' }
  | { readonly kind: 'renew-serving'; readonly reason: 'switch-ca' | 'expired' | 'due' | 'sans-changed' }
  | { readonly kind: 'prune-bundle'; readonly reason: 'expired' | 'replicas-switched'; readonly keep: readonly string[] }
  | { readonly kind: 'wait'; readonly reason: string; readonly until?: Date }
  | { readonly kind: 'idle'; readonly until: Date };

/** The moment a certificate is due for renewal. */
export function renewalPoint(info: Pick<CertInfo, 'notBefore' | 'notAfter'>, rotateAt: number): Date {
  const start = info.notBefore.getTime();
  return new Date(start + rotateAt * (info.notAfter.getTime() - start));
}

const expired = (info: CertInfo, now: Date): boolean => now.getTime() >= info.notAfter.getTime();
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

function midRotation(s: CertState, input: RotationInput): RotationStep {
  if (expired(s.servingInfo, input.now)) return { kind: 'renew-serving', reason: 'expired' };
  if (!input.bundlePublished) return { kind: 'wait', reason: 'the new CA is not in the webhook configurations yet' };
  const settled = new Date((s.caTrustedAt ?? input.now).getTime() + input.policy.trustSettleMs);
  if (s.caTrustedAt === undefined || input.now < settled) return { kind: 'wait', reason: 'the new CA is settling in the webhook configurations', until: settled };
  return { kind: 'renew-serving', reason: 'switch-ca' };
}

function pruneStep(s: CertState, input: RotationInput): RotationStep | undefined {
  const others = s.bundleInfo.filter((b) => b.fingerprint !== s.caInfo.fingerprint);
  if (others.length === 0) return undefined;
  const live = others.filter((b) => !expired(b, input.now));
  if (live.length < others.length) {
    return { kind: 'prune-bundle', reason: 'expired', keep: [s.caInfo.fingerprint, ...live.map((b) => b.fingerprint)] };
  }
  const serving = s.servingInfo.fingerprint;
  const switched = input.replicaServing.length > 0 && input.replicaServing.every((f) => f === serving);
  if (!switched) return { kind: 'wait', reason: 'replicas still serve a certificate of the previous CA' };
  const settled = new Date((s.servingSince ?? input.now).getTime() + input.policy.serveSettleMs);
  if (s.servingSince === undefined || input.now < settled) return { kind: 'wait', reason: 'the new certificate is settling', until: settled };
  return { kind: 'prune-bundle', reason: 'replicas-switched', keep: [s.caInfo.fingerprint] };
}

function steady(s: CertState, input: RotationInput): RotationStep {
  const { now, policy } = input;
  if (s.rotateRequested) return { kind: 'add-ca', reason: 'requested' };
  const caDue = renewalPoint(s.caInfo, policy.rotateAt);
  if (now >= caDue) return { kind: 'add-ca', reason: 'ca-due' };
  const servingDue = renewalPoint(s.servingInfo, policy.rotateAt);
  if (now >= servingDue) return { kind: 'renew-serving', reason: 'due' };
  if (!sameSet(s.servingInfo.sans, policy.sans)) return { kind: 'renew-serving', reason: 'sans-changed' };
  const prune = pruneStep(s, input);
  if (prune) return prune;
  // biome-ignore lint/complexity/useMathMinMax: Dates; Math.min would return a number
  return { kind: 'idle', until: caDue < servingDue ? caDue : servingDue };
}

/** The next step for the certificate Secret. */
export function planRotation(input: RotationInput): RotationStep {
  const { reading, now } = input;
  if (reading.kind === 'absent') {
    const last = input.lastValid;
    return last && !expired(last.caInfo, now) && !expired(last.servingInfo, now) ? { kind: 'restore', state: last } : { kind: 'create' };
  }
  if (reading.kind === 'invalid') return { kind: 'replace', reason: reading.problem, keepCAs: reading.salvage };
  const s = reading.state;
  if (expired(s.caInfo, now)) return { kind: 'replace', reason: 'the CA expired', keepCAs: [] };
  if (!s.servingSignedByCA) return midRotation(s, input);
  return steady(s, input);
}
