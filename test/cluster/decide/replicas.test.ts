// Replica heartbeats: alive while their Lease keeps changing, stale after a few durations.
import { describe, expect, it } from 'vitest';
import { heartbeatName, liveHeartbeats, observeHeartbeats, staleHeartbeats, type HeartbeatRecord } from '../../../src/cluster/decide/replicas.js';

const rec = (name: string, resourceVersion: string, serving = 'f1'): HeartbeatRecord => ({ name, resourceVersion, durationSeconds: 15, serving });

describe('heartbeats', () => {
  it('are alive while their record changes within the lease duration', () => {
    let obs = observeHeartbeats(new Map(), [rec('a', '1'), rec('b', '1')], 0);
    obs = observeHeartbeats(obs, [rec('a', '2'), rec('b', '1')], 10_000);
    expect(liveHeartbeats(obs, 14_999).map((h) => h.name)).toEqual(['a', 'b']);
    expect(liveHeartbeats(obs, 15_000).map((h) => h.name)).toEqual(['a']);
  });

  it('report what each replica serves', () => {
    const obs = observeHeartbeats(new Map(), [rec('a', '1', 'old'), rec('b', '1', 'new')], 0);
    expect(liveHeartbeats(obs, 1).map((h) => h.serving)).toEqual(['old', 'new']);
  });

  it('are stale after four lease durations without a change, and forgotten once gone', () => {
    let obs = observeHeartbeats(new Map(), [rec('a', '1'), rec('b', '1')], 0);
    obs = observeHeartbeats(obs, [rec('a', '2'), rec('b', '1')], 50_000);
    expect(staleHeartbeats(obs, 60_000)).toEqual(['b']);
    obs = observeHeartbeats(obs, [rec('a', '3')], 61_000);
    expect([...obs.keys()]).toEqual(['a']);
  });

  it('are named after the group and the identity, as a valid object name', () => {
    expect(heartbeatName('meshgate-leader', 'Pod_A-1')).toBe('meshgate-leader-replica-pod-a-1');
    expect(heartbeatName('g', 'x'.repeat(300))).toHaveLength(253);
  });
});
