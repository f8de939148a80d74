// The leader's duties, started when this replica wins the Lease and stopped when it loses it:
// keep the CA bundle in both webhook configurations (webhook-keeper.ts), take the certificate
// Secret through its rotation steps (rotation.ts decides, issue.ts makes the material), prove
// the validating webhook before its failurePolicy becomes Fail (prober.ts), and remove
// heartbeats left behind by replicas that died. One reconcile runs at a time; every change
// that matters (Secret, webhook configurations, heartbeats, timers) asks for another.
import type { V1MutatingWebhookConfiguration, V1Secret, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { certSecretContent, certSecretObject, type SecretObject } from '../decide/cert-state.js';
import { currentBundle, type CertSync, type SecretSnapshot } from './cert-sync.js';
import { carryOut, type IssuePolicy } from './issue.js';
import type { EventRecorder } from '../events/events.js';
import { messageOf, type Kube, type LeaseStore, type Store } from '../api/kube.js';
import { readHeartbeats } from './leases.js';
import type { ClusterMetrics } from '../metrics.js';
import { createProber, type Prober } from './prober.js';
import { liveHeartbeats, observeHeartbeats, staleHeartbeats, type Observations } from '../decide/replicas.js';
import { planRotation, type RotationPolicy, type RotationStep } from '../decide/rotation.js';
import { createWebhookKeeper, type WebhookKeeper } from './webhook-keeper.js';
import { failsOpen, webhookNames } from '../decide/webhooks.js';

export interface LeaderNames {
  readonly namespace: string;
  readonly secretName: string;
  readonly leaseName: string;
  readonly mutatingWebhook: string;
  /** The webhook configurations of this revision's tags (meshgate-revision-tag-<tag>), kept like the main one. */
  readonly tagWebhooks?: readonly string[];
  /** '' when meshgate does not manage a validating configuration. */
  readonly validatingWebhook: string;
  readonly probeNamespace: string;
}

export interface LeaderTimings {
  /** Reconcile at least this often, whatever the watches say. */
  readonly resyncMs: number;
  readonly heartbeatPollMs: number;
  /** First retry of a failed probe; doubles up to a minute. */
  readonly probeRetryMs: number;
}

export interface LeaderOptions {
  readonly kube: Kube;
  readonly certSync: CertSync;
  readonly secrets: Store<V1Secret>;
  readonly leases: LeaseStore;
  readonly mutating: Store<V1MutatingWebhookConfiguration>;
  readonly validating: Store<V1ValidatingWebhookConfiguration>;
  readonly names: LeaderNames;
  readonly rotation: RotationPolicy;
  readonly issue: IssuePolicy;
  readonly timings: LeaderTimings;
  readonly metrics: ClusterMetrics;
  readonly log: Logger;
  /** Checked before every write: a replica that lost the Lease must not write. */
  readonly isLeader: () => boolean;
  /**
   * builtin: the leader rotates the Secret and writes the webhooks' caBundle. external: another
   * issuer does both (cert-manager and its CA injector); the leader writes neither.
   */
  readonly management: 'builtin' | 'external';
  /** Switch the validating webhook to failurePolicy Fail once proven (false: leave it alone). */
  readonly failClosed: boolean;
  readonly events: EventRecorder;
}

export interface LeaderDuties {
  start(): void;
  stop(): void;
}

/** Runs `work` one at a time; requests made meanwhile coalesce into one more run. */
export function serialRunner(work: () => Promise<void>, log: Logger): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    work()
      .catch((e: unknown) => log.error({ err: messageOf(e) }, 'leader reconcile failed'))
      .finally(() => {
        running = false;
        if (again) run();
      });
  };
  return run;
}

type Purpose = 'rotation' | 'probe';

/** Timers owned by the leader while it leads: intervals, and one pending wake-up per purpose. */
function leaderTimers(kick: () => void): { every(ms: number, fn: () => void): void; wakeAt(p: Purpose, at: Date): void; clear(): void } {
  const intervals: NodeJS.Timeout[] = [];
  const wakes = new Map<Purpose, NodeJS.Timeout>();
  return {
    every: (ms, fn) => {
      const t = setInterval(fn, ms);
      t.unref();
      intervals.push(t);
    },
    wakeAt: (purpose, at) => {
      clearTimeout(wakes.get(purpose));
      const t = setTimeout(kick, Math.min(Math.max(at.getTime() - Date.now(), 50), 2_147_000_000));
      t.unref();
      wakes.set(purpose, t);
    },
    clear: () => {
      for (const t of intervals.splice(0)) clearInterval(t);
      for (const t of wakes.values()) clearTimeout(t);
      wakes.clear();
    },
  };
}

interface Parts {
  readonly opts: LeaderOptions;
  readonly log: Logger;
  readonly keeper: WebhookKeeper;
  readonly prober: Prober;
  readonly timers: ReturnType<typeof leaderTimers>;
  readonly served: () => string[];
}

async function writeSecret(p: Parts, snap: SecretSnapshot, step: RotationStep): Promise<void> {
  const made = await carryOut(step, snap.reading, new Date(), p.opts.issue);
  if (!made || !p.opts.isLeader()) return;
  const { secretName, namespace } = p.opts.names;
  const base = snap.secret as SecretObject | undefined;
  const body = certSecretObject(secretName, namespace, certSecretContent(made.material, made), base, step.kind === 'add-ca') as V1Secret;
  const result = base ? await p.opts.secrets.replace(body) : await p.opts.secrets.create(body);
  if (result === 'conflict') {
    p.log.debug({ step: step.kind }, 'the certificate Secret changed meanwhile; deciding again');
    return;
  }
  p.opts.metrics.rotationStep(step.kind);
  const object = { kind: 'Secret', name: secretName } as const;
  if (step.kind === 'restore') {
    p.log.warn({ secret: secretName }, 'the certificate Secret was deleted; recreated it with the same CA and certificate (to change the CA, annotate it meshgate.io/rotate=now)');
    p.opts.events.record({
      object,
      reason: 'CertificateSecretRestored',
      type: 'Warning',
      message: 'The certificate Secret was deleted; recreated it with the same CA and certificate',
    });
  } else {
    const reason = 'reason' in step ? step.reason : undefined;
    p.log.info({ step: step.kind, reason }, 'certificate Secret updated');
    p.opts.events.record({ object, reason: 'CertificateSecretUpdated', message: `Certificate rotation step ${step.kind}${reason ? `: ${reason}` : ''}` });
  }
}

async function rotate(p: Parts, snap: SecretSnapshot, published: boolean, note: (s: RotationStep) => void): Promise<void> {
  const step = planRotation({
    reading: snap.reading,
    now: new Date(),
    policy: p.opts.rotation,
    bundlePublished: published,
    replicaServing: p.served(),
    ...(snap.lastValid ? { lastValid: snap.lastValid } : {}),
  });
  note(step);
  if (step.kind === 'idle' || step.kind === 'wait') {
    if (step.until) p.timers.wakeAt('rotation', step.until);
    return;
  }
  await writeSecret(p, snap, step);
}

/** Once the bundle is published, probe a failing-open validating webhook until proven, then fail it closed. */
async function prove(p: Parts, published: boolean): Promise<void> {
  const v = p.keeper.validating();
  if (!v?.config) return;
  const open = failsOpen(v.config);
  p.opts.metrics.validatingFailClosed(v.name, !open);
  if (!open || !published || !p.opts.failClosed) return;
  if (Date.now() < p.prober.nextAt().getTime()) return p.timers.wakeAt('probe', p.prober.nextAt());
  const verdict = await p.prober.probe(v.name, webhookNames(v.config));
  if (!verdict.proven) return p.timers.wakeAt('probe', p.prober.nextAt());
  if (await p.keeper.failClosed()) {
    p.opts.metrics.validatingFailClosed(v.name, true);
    p.log.info({ configuration: v.name, probe: verdict.reason }, 'the dry-run probe was denied by meshgate: validating failurePolicy is now Fail');
    p.opts.events.record({
      object: { kind: 'Lease', name: p.opts.names.leaseName },
      reason: 'ValidatingWebhookFailClosed',
      message: `The dry-run probe was denied by meshgate (${verdict.reason}): ${v.name} now has failurePolicy Fail`,
    });
  }
}

async function pollHeartbeats(p: Parts, previous: Observations): Promise<Observations> {
  const now = Date.now();
  const next = observeHeartbeats(previous, await readHeartbeats(p.opts.leases, p.opts.names.leaseName), now);
  for (const name of staleHeartbeats(next, now)) {
    p.log.info({ heartbeat: name }, 'removing the heartbeat of a replica that stopped without removing it');
    await p.opts.leases.delete(name);
  }
  return next;
}

export function createLeaderDuties(opts: LeaderOptions): LeaderDuties {
  const log = opts.log.child({ component: 'leader' });
  let active = false;
  let subscribed = false;
  let heartbeats: Observations = new Map();
  let lastStep = '';
  const served = (): string[] => liveHeartbeats(heartbeats, Date.now()).map((h) => h.serving);
  const note = (step: RotationStep): void => {
    const key = `${step.kind}:${'reason' in step ? step.reason : ''}`;
    if (key !== lastStep && step.kind === 'wait') log.info({ reason: step.reason }, 'certificate rotation waiting');
    lastStep = key;
  };
  const reconcile = async (): Promise<void> => {
    const leading = (): boolean => active && opts.isLeader();
    if (!leading()) return;
    const snap = opts.certSync.current();
    if (opts.management === 'external') {
      // cert-manager's CA injector writes the bundle: the probe waits until it is there.
      if (leading()) await prove(parts, keeper.carryBundles());
      return;
    }
    const bundle = currentBundle(snap);
    const published = bundle !== undefined && (await keeper.publish(bundle));
    if (leading()) await rotate(parts, snap, published, note);
    if (leading()) await prove(parts, published);
  };
  const kick = serialRunner(reconcile, log);
  const timers = leaderTimers(kick);
  const prober = createProber({ kube: opts.kube, namespace: opts.names.probeNamespace, retryMs: opts.timings.probeRetryMs, metrics: opts.metrics, log });
  const keeper = createWebhookKeeper({
    kube: opts.kube,
    mutating: { name: opts.names.mutatingWebhook, store: opts.mutating },
    tags: opts.names.tagWebhooks ?? [],
    ...(opts.names.validatingWebhook ? { validating: { name: opts.names.validatingWebhook, store: opts.validating } } : {}),
    metrics: opts.metrics,
    log,
    isLeader: opts.isLeader,
    onChange: (kind, reinstalled) => {
      // A re-installed validating configuration may have fixed what made the probe fail.
      if (kind === 'validating' && reinstalled) prober.reset();
      kick();
    },
  });
  const parts: Parts = { opts, log, keeper, prober, timers, served };
  const poll = (): void => {
    pollHeartbeats(parts, heartbeats)
      .then((next) => {
        const before = served().sort().join(',');
        heartbeats = next;
        if (served().sort().join(',') !== before) kick();
      })
      .catch((e: unknown) => log.warn({ err: messageOf(e) }, "cannot read the replicas' heartbeats"));
  };

  return {
    start: () => {
      if (active) return;
      active = true;
      if (!subscribed) opts.certSync.onChange(() => active && kick());
      subscribed = true;
      lastStep = '';
      prober.reset();
      keeper.start();
      poll();
      timers.every(opts.timings.heartbeatPollMs, poll);
      timers.every(opts.timings.resyncMs, kick);
      kick();
    },
    stop: () => {
      active = false;
      keeper.stop();
      timers.clear();
    },
  };
}
