// The two uses of coordination.k8s.io Leases: the leader election (one Lease, every replica
// competes for it; election.ts decides) and one heartbeat Lease per replica that says which
// serving certificate it has installed (replicas.ts reads them).
import type { V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  electionIntent,
  electionResult,
  INITIAL_ELECTION,
  stillLeading,
  type ElectionConfig,
  type ElectionIntent,
  type ElectionState,
  type LeaseView,
  type WriteOutcome,
} from '../decide/election.js';
import { messageOf, microTime, type LeaseStore } from '../api/kube.js';
import { heartbeatName, type HeartbeatRecord } from '../decide/replicas.js';

export const SERVING_ANNOTATION = 'meshgate.io/serving-cert-sha256';
export const HEARTBEAT_LABEL = 'meshgate.io/heartbeat-of';

export interface ElectionTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface ElectorOptions {
  readonly leases: LeaseStore;
  readonly namespace: string;
  readonly leaseName: string;
  readonly identity: string;
  readonly timings: ElectionTimings;
  readonly log: Logger;
  /** Called when this replica starts or stops leading. */
  readonly onLeading: (leading: boolean) => void;
}

export interface Elector {
  start(): void;
  /** Stops competing; a leader releases the Lease so another replica takes over at once. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

function viewOf(lease: V1Lease | undefined): LeaseView | undefined {
  if (lease === undefined) return undefined;
  return {
    holder: lease.spec?.holderIdentity ?? '',
    durationSeconds: lease.spec?.leaseDurationSeconds ?? 15,
    version: lease.metadata?.resourceVersion ?? '',
    transitions: lease.spec?.leaseTransitions ?? 0,
  };
}

function leaseBody(opts: ElectorOptions, base: V1Lease | undefined, intent: ElectionIntent, now: Date): V1Lease {
  const t = microTime(now.getTime());
  const spec = { ...(base?.spec ?? {}), holderIdentity: opts.identity, leaseDurationSeconds: Math.ceil(opts.timings.leaseDurationMs / 1000), renewTime: t };
  if (intent.kind === 'create') return { metadata: { name: opts.leaseName, namespace: opts.namespace }, spec: { ...spec, acquireTime: t, leaseTransitions: 0 } };
  if (intent.kind === 'acquire') return { ...base, spec: { ...spec, acquireTime: t, leaseTransitions: intent.transitions } };
  return { ...base, spec };
}

export function createElector(opts: ElectorOptions): Elector {
  const cfg: ElectionConfig = { identity: opts.identity, leaseDurationMs: opts.timings.leaseDurationMs, renewDeadlineMs: opts.timings.renewDeadlineMs };
  const log = opts.log.child({ component: 'leader-election', lease: opts.leaseName, identity: opts.identity });
  let state: ElectionState = INITIAL_ELECTION;
  let timer: NodeJS.Timeout | undefined;
  // Announces a lapsed leadership even while a call to the API server hangs.
  let watchdog: NodeJS.Timeout | undefined;
  let stopped = true;
  let lastLease: V1Lease | undefined;
  let announced = false;
  let lastHolder = '';

  const perform = async (intent: ElectionIntent, lease: V1Lease | undefined): Promise<WriteOutcome> => {
    if (intent.kind === 'follow') return 'ok';
    const body = leaseBody(opts, lease, intent, new Date());
    try {
      return intent.kind === 'create' ? await opts.leases.create(body) : await opts.leases.replace(body);
    } catch (e) {
      log.warn({ err: messageOf(e) }, 'cannot write the leader Lease');
      return 'error';
    }
  };

  const announce = (): void => {
    const leading = stillLeading(state, Date.now(), cfg);
    if (leading !== announced) {
      announced = leading;
      log.info(leading ? 'became the leader: this replica now writes the Secret and webhook configurations' : 'stopped leading');
      opts.onLeading(leading);
    }
  };

  const tick = async (): Promise<void> => {
    let lease: V1Lease | undefined;
    try {
      lease = await opts.leases.get(opts.leaseName);
    } catch (e) {
      log.warn({ err: messageOf(e) }, 'cannot read the leader Lease');
      state = electionResult(state, { kind: 'renew', transitions: 0 }, 'error', Date.now(), cfg);
      return;
    }
    lastLease = lease;
    const decided = electionIntent(state, viewOf(lease), Date.now(), cfg);
    const outcome = await perform(decided.intent, lease);
    state = electionResult(decided.state, decided.intent, outcome, Date.now(), cfg);
    const holder = decided.intent.kind === 'follow' ? decided.intent.holder : state.leading ? opts.identity : '';
    if (holder !== lastHolder && holder !== '') log.info({ holder }, 'leader observed');
    lastHolder = holder;
  };

  const loop = (): void => {
    if (stopped) return;
    void tick()
      .catch((e: unknown) => log.error({ err: messageOf(e) }, 'leader election step failed'))
      .finally(() => {
        announce();
        if (!stopped) timer = setTimeout(loop, opts.timings.retryPeriodMs);
      });
  };

  return {
    start: () => {
      if (!stopped) return;
      stopped = false;
      watchdog = setInterval(announce, opts.timings.retryPeriodMs);
      watchdog.unref();
      loop();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (watchdog) clearInterval(watchdog);
      const wasLeading = stillLeading(state, Date.now(), cfg);
      state = INITIAL_ELECTION;
      announce();
      if (wasLeading && lastLease) await release(opts, lastLease, log);
    },
    isLeader: () => stillLeading(state, Date.now(), cfg),
  };
}

async function release(opts: ElectorOptions, lease: V1Lease, log: Logger): Promise<void> {
  try {
    const fresh = (await opts.leases.get(opts.leaseName)) ?? lease;
    if (fresh.spec?.holderIdentity !== opts.identity) return;
    const now = microTime(Date.now());
    await opts.leases.replace({ ...fresh, spec: { ...fresh.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now } });
    log.info('released the leader Lease');
  } catch (e) {
    log.warn({ err: messageOf(e) }, 'cannot release the leader Lease; another replica takes over when it expires');
  }
}

export interface HeartbeatOptions {
  readonly leases: LeaseStore;
  readonly namespace: string;
  /** The leader Lease's name; heartbeats are named and labelled after it. */
  readonly group: string;
  readonly identity: string;
  readonly intervalMs: number;
  readonly durationSeconds: number;
  readonly log: Logger;
}

export interface Heartbeat {
  start(): void;
  /** Records the fingerprint of the certificate now served, and beats at once. */
  setServing(fingerprint: string): void;
  /** Stops beating and deletes this replica's heartbeat. */
  stop(): Promise<void>;
}

const labelValue = (v: string): string =>
  v
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');

export function heartbeatSelector(group: string): string {
  return `${HEARTBEAT_LABEL}=${labelValue(group)}`;
}

export function createHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const name = heartbeatName(opts.group, opts.identity);
  const log = opts.log.child({ component: 'heartbeat', lease: name });
  let serving = '';
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<void> = Promise.resolve();

  const body = (base: V1Lease | undefined): V1Lease => ({
    ...(base ?? {}),
    metadata: {
      ...(base?.metadata ?? { name, namespace: opts.namespace }),
      labels: { ...(base?.metadata?.labels ?? {}), [HEARTBEAT_LABEL]: labelValue(opts.group) },
      annotations: { ...(base?.metadata?.annotations ?? {}), [SERVING_ANNOTATION]: serving },
    },
    spec: { holderIdentity: opts.identity, leaseDurationSeconds: opts.durationSeconds, renewTime: microTime(Date.now()) },
  });

  const beat = async (): Promise<void> => {
    try {
      const current = await opts.leases.get(name);
      const result = current ? await opts.leases.replace(body(current)) : await opts.leases.create(body(undefined));
      if (result === 'conflict') log.debug('heartbeat conflicted; retrying at the next beat');
    } catch (e) {
      log.warn({ err: messageOf(e) }, 'cannot write the heartbeat Lease');
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void run(), opts.intervalMs);
  };
  const run = (): Promise<void> => {
    running = running.then(beat).finally(schedule);
    return running;
  };
  return {
    start: () => {
      stopped = false;
      void run();
    },
    setServing: (fingerprint) => {
      if (fingerprint === serving) return;
      serving = fingerprint;
      if (!stopped) void run();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      try {
        await opts.leases.delete(name);
      } catch (e) {
        log.warn({ err: messageOf(e) }, 'cannot delete the heartbeat Lease; the leader removes it once stale');
      }
    },
  };
}

/** The heartbeat records of a group, as replicas.ts reads them. */
export async function readHeartbeats(leases: LeaseStore, group: string): Promise<HeartbeatRecord[]> {
  return (await leases.list(heartbeatSelector(group))).map((l) => ({
    name: l.metadata?.name ?? '',
    resourceVersion: l.metadata?.resourceVersion ?? '',
    durationSeconds: l.spec?.leaseDurationSeconds ?? 15,
    serving: l.metadata?.annotations?.[SERVING_ANNOTATION] ?? '',
  }));
}
