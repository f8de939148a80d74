// Leader election on a coordination.k8s.io Lease, as a pure state machine (client-go's
// leaderelection algorithm). Expiry is judged on the local clock only: a lease held by another
// replica is free once its record has not changed for a whole lease duration since we first
// saw it that way, so clocks that disagree between machines do not matter. Writes use the
// Lease's resourceVersion, so of two replicas acting on the same observation only one wins.
//
//   lease absent                                   → create (holder = us)
//   holder is us                                   → renew
//   holder empty (released), or its record unchanged
//   for a lease duration on our clock              → acquire (transitions + 1)
//   otherwise                                      → follow
//
// After the write: ok → leading; conflict → not leading (someone else wrote first); any other
// error → still leading only while the last successful renewal is within renewDeadline, which
// is shorter than the lease duration, so a leader that cannot renew stops before anyone else
// can take over.

export interface LeaseView {
  readonly holder: string;
  readonly durationSeconds: number;
  /** Changes with every write of the Lease (its resourceVersion); compared, never read as a time. */
  readonly version: string;
  readonly transitions: number;
}

export interface ElectionConfig {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
}

export interface ElectionState {
  readonly leading: boolean;
  /** Local time (ms) of our last successful create, acquire or renew. */
  readonly lastRenewAt?: number;
  /** Another holder's record as last seen, and the local time it last changed. */
  readonly observed?: { readonly key: string; readonly at: number };
}

export type ElectionIntent =
  | { readonly kind: 'create' }
  | { readonly kind: 'acquire'; readonly transitions: number; readonly previous: string }
  | { readonly kind: 'renew'; readonly transitions: number }
  | { readonly kind: 'follow'; readonly holder: string };

export type WriteOutcome = 'ok' | 'conflict' | 'error';

export const INITIAL_ELECTION: ElectionState = { leading: false };

/** What to do with the Lease as it is now. */
export function electionIntent(state: ElectionState, lease: LeaseView | undefined, now: number, cfg: ElectionConfig): { state: ElectionState; intent: ElectionIntent } {
  if (lease === undefined) return { state, intent: { kind: 'create' } };
  if (lease.holder === cfg.identity) return { state, intent: { kind: 'renew', transitions: lease.transitions } };
  const key = `${lease.holder}|${lease.version}`;
  const observed = state.observed?.key === key ? state.observed : { key, at: now };
  const next: ElectionState = { ...state, observed, leading: false };
  const expired = now - observed.at >= Math.max(lease.durationSeconds * 1000, 1);
  if (lease.holder === '' || expired) return { state: next, intent: { kind: 'acquire', transitions: lease.transitions + 1, previous: lease.holder } };
  return { state: next, intent: { kind: 'follow', holder: lease.holder } };
}

/** The state after carrying out `intent` with the given outcome. */
export function electionResult(state: ElectionState, intent: ElectionIntent, outcome: WriteOutcome, now: number, cfg: ElectionConfig): ElectionState {
  if (intent.kind === 'follow') return { ...state, leading: false };
  if (outcome === 'ok') return { leading: true, lastRenewAt: now };
  if (outcome === 'conflict') return { ...state, leading: false };
  const withinDeadline = state.lastRenewAt !== undefined && now - state.lastRenewAt < cfg.renewDeadlineMs;
  return { ...state, leading: state.leading && withinDeadline };
}

/** A leader whose last renewal is older than renewDeadline must stop acting as one. */
export function stillLeading(state: ElectionState, now: number, cfg: ElectionConfig): boolean {
  return state.leading && state.lastRenewAt !== undefined && now - state.lastRenewAt < cfg.renewDeadlineMs;
}
