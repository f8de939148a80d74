// Which replicas are alive and what they serve, from their heartbeat Leases. Each replica
// renews its own Lease every few seconds and records there the SHA-256 fingerprint of the
// serving certificate it has installed; the leader reads them to know when every replica
// serves a new certificate. As in the election, liveness is judged on the reader's clock: a
// heartbeat is alive while its record changed less than its lease duration ago.

export interface HeartbeatRecord {
  readonly name: string;
  readonly resourceVersion: string;
  readonly durationSeconds: number;
  /** Fingerprint of the serving certificate, '' while none is installed. */
  readonly serving: string;
}

export interface HeartbeatObservation extends HeartbeatRecord {
  /** Local time (ms) the record last changed. */
  readonly changedAt: number;
}

export type Observations = ReadonlyMap<string, HeartbeatObservation>;

/** Folds a fresh list of heartbeat records into the previous observations. */
export function observeHeartbeats(previous: Observations, records: readonly HeartbeatRecord[], now: number): Observations {
  const next = new Map<string, HeartbeatObservation>();
  for (const r of records) {
    const before = previous.get(r.name);
    const changedAt = before && before.resourceVersion === r.resourceVersion ? before.changedAt : now;
    next.set(r.name, { ...r, changedAt });
  }
  return next;
}

const ageMs = (o: HeartbeatObservation, now: number): number => now - o.changedAt;

export function liveHeartbeats(observations: Observations, now: number): HeartbeatObservation[] {
  return [...observations.values()].filter((o) => ageMs(o, now) < o.durationSeconds * 1000);
}

/** Heartbeats dead for `factor` lease durations: left behind by replicas that did not stop cleanly. */
export function staleHeartbeats(observations: Observations, now: number, factor = 4): string[] {
  return [...observations.values()].filter((o) => ageMs(o, now) >= factor * o.durationSeconds * 1000).map((o) => o.name);
}

/** A heartbeat Lease name for a replica identity (a DNS subdomain, at most 253 characters). */
export function heartbeatName(group: string, identity: string): string {
  return `${group}-replica-${identity}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .slice(0, 253)
    .replace(/[-.]+$/, '');
}
