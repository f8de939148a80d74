// Leader election as a pure state machine: the Lease decides, our clock judges expiry.
import { describe, expect, it } from 'vitest';
import { electionIntent, electionResult, INITIAL_ELECTION, stillLeading, type ElectionConfig, type ElectionState, type LeaseView } from '../../../src/cluster/decide/election.js';

const CFG: ElectionConfig = { identity: 'me', leaseDurationMs: 15_000, renewDeadlineMs: 10_000 };
const lease = (holder: string, version: string, transitions = 3): LeaseView => ({ holder, durationSeconds: 15, version, transitions });

describe('electionIntent', () => {
  it('creates the Lease when there is none', () => {
    expect(electionIntent(INITIAL_ELECTION, undefined, 0, CFG).intent).toEqual({ kind: 'create' });
  });

  it('renews a Lease it holds', () => {
    expect(electionIntent(INITIAL_ELECTION, lease('me', '7'), 0, CFG).intent).toEqual({ kind: 'renew', transitions: 3 });
  });

  it('takes a released Lease at once', () => {
    expect(electionIntent(INITIAL_ELECTION, lease('', '7'), 0, CFG).intent).toEqual({ kind: 'acquire', transitions: 4, previous: '' });
  });

  it('follows a holder whose record keeps changing', () => {
    let state: ElectionState = INITIAL_ELECTION;
    for (let t = 0; t <= 60_000; t += 2_000) {
      const step = electionIntent(state, lease('other', String(t)), t, CFG);
      expect(step.intent).toEqual({ kind: 'follow', holder: 'other' });
      state = step.state;
    }
  });

  it("takes over once the holder's record has not changed for a lease duration on our clock", () => {
    // Our clock starts at an arbitrary value: the Lease's own timestamps are never compared to it.
    const t0 = 987_654;
    let step = electionIntent(INITIAL_ELECTION, lease('other', '42'), t0, CFG);
    step = electionIntent(step.state, lease('other', '42'), t0 + 14_999, CFG);
    expect(step.intent.kind).toBe('follow');
    step = electionIntent(step.state, lease('other', '42'), t0 + 15_000, CFG);
    expect(step.intent).toEqual({ kind: 'acquire', transitions: 4, previous: 'other' });
  });

  it('restarts the expiry clock whenever the record changes', () => {
    let step = electionIntent(INITIAL_ELECTION, lease('other', '1'), 0, CFG);
    step = electionIntent(step.state, lease('other', '2'), 14_000, CFG);
    step = electionIntent(step.state, lease('other', '2'), 20_000, CFG);
    expect(step.intent.kind).toBe('follow');
  });

  it('stops leading as soon as it sees someone else holding the Lease', () => {
    const leading: ElectionState = { leading: true, lastRenewAt: 0 };
    const step = electionIntent(leading, lease('other', '9'), 1_000, CFG);
    expect(step.state.leading).toBe(false);
  });
});

describe('electionResult', () => {
  const renew = { kind: 'renew', transitions: 1 } as const;

  it.each([
    ['a successful write leads', INITIAL_ELECTION, 'ok', 5_000, true],
    ['a conflict means someone else wrote first', { leading: true, lastRenewAt: 4_000 }, 'conflict', 5_000, false],
    ['an error within the renew deadline keeps leading', { leading: true, lastRenewAt: 0 }, 'error', 9_999, true],
    ['an error past the renew deadline stops leading', { leading: true, lastRenewAt: 0 }, 'error', 10_000, false],
    ['an error never makes a follower lead', INITIAL_ELECTION, 'error', 1, false],
  ] as const)('%s', (_, state, outcome, now, leading) => {
    expect(electionResult(state, renew, outcome, now, CFG).leading).toBe(leading);
  });

  it('steps down before anyone else can take over', () => {
    expect(CFG.renewDeadlineMs).toBeLessThan(CFG.leaseDurationMs);
    const state = electionResult(INITIAL_ELECTION, renew, 'ok', 0, CFG);
    expect(stillLeading(state, 9_999, CFG)).toBe(true);
    expect(stillLeading(state, 10_000, CFG)).toBe(false);
  });
});
