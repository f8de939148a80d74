// The leader's duties, started when this replica wins the Lease and stopped when it loses it:
// keep the CA bundle in both webhook configurations (watched, so an edit or a re-apply is
// repaired within seconds), take the certificate Secret through its rotation steps, prove the
// validating webhook with a dry-run probe before its failurePolicy becomes Fail, and remove
// heartbeats left behind by replicas that died. One reconcile runs at a time; every change
// that matters (Secret, webhook configurations, heartbeats, timers) asks for another.
import { randomBytes } from 'node:crypto';
import type { V1MutatingWebhookConfiguration, V1Secret, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { certSecretContent, certSecretObject, type SecretObject } from './cert-state.js';
import { currentBundle, type CertSync, type SecretSnapshot } from './cert-sync.js';
import { carryOut, type IssuePolicy } from './issue.js';
import { messageOf, sources, statusOf, watchNamed, type Kube, type LeaseStore, type NamedSource, type NamedWatch, type Store } from './kube.js';
import { readHeartbeats } from './leases.js';
import type { ClusterMetrics } from './metrics.js';
import { liveHeartbeats, observeHeartbeats, staleHeartbeats, type Observations } from './replicas.js';
import { planRotation, type RotationPolicy, type RotationStep } from './rotation.js';
import { failsOpen, probeObject, probeVerdict, webhookNames, withBundle, withFailClosed, type ProbeResult, type WebhookConfigLike } from './webhooks.js';

export interface LeaderNames {
  readonly namespace: string;
  readonly secretName: string;
  readonly leaseName: string;
  readonly mutatingWebhook: string;
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
}

export interface LeaderDuties {
  start(): void;
  stop(): void;
}

interface Managed {
  readonly kind: 'mutating' | 'validating';
  readonly name: string;
  readonly store: Store<V1MutatingWebhookConfiguration> | Store<V1ValidatingWebhookConfiguration>;
  /** undefined until listed; null when the configuration does not exist. */
  current: WebhookConfigLike | null | undefined;
}

/** The installer's part of a configuration: everything but what the leader writes. */
function installedShape(cfg: WebhookConfigLike | undefined): string {
  if (!cfg) return '';
  return JSON.stringify((cfg.webhooks ?? []).map((w) => ({ ...w, clientConfig: { ...w.clientConfig, caBundle: undefined }, failurePolicy: undefined })));
}

/** Runs `work` one at a time; requests made meanwhile coalesce into one more run. */
function serialRunner(work: () => Promise<void>, log: Logger): () => void {
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

export function createLeaderDuties(opts: LeaderOptions): LeaderDuties {
  const log = opts.log.child({ component: 'leader' });
  const managed: Managed[] = [
    { kind: 'mutating', name: opts.names.mutatingWebhook, store: opts.mutating, current: undefined },
    ...(opts.names.validatingWebhook ? [{ kind: 'validating' as const, name: opts.names.validatingWebhook, store: opts.validating, current: undefined }] : []),
  ];
  let active = false;
  let watches: NamedWatch[] = [];
  let timers: NodeJS.Timeout[] = [];
  const wakes = new Map<'rotation' | 'probe', NodeJS.Timeout>();
  let heartbeats: Observations = new Map();
  let lastStep = '';
  let probeAt = 0;
  let probeBackoff = opts.timings.probeRetryMs;
  let lastProbeReason = '';

  /** One pending wake-up per purpose: a probe retry never postpones a rotation step. */
  const wakeAt = (purpose: 'rotation' | 'probe', at: Date): void => {
    clearTimeout(wakes.get(purpose));
    const ms = Math.min(Math.max(at.getTime() - Date.now(), 50), 2_147_000_000);
    const t = setTimeout(() => kick(), ms);
    t.unref();
    wakes.set(purpose, t);
  };

  /** Re-reads a configuration after a conflict (list by name: RBAC grants list, not get). */
  const refresh = async (m: Managed): Promise<void> => {
    const source: NamedSource<WebhookConfigLike> = m.kind === 'mutating' ? sources.mutating(opts.kube) : sources.validating(opts.kube);
    m.current = (await source.list(`metadata.name=${m.name}`)).items[0] ?? null;
  };

  /** Writes a configuration; the watch delivers the result, a conflict re-reads it. */
  const write = async (m: Managed, updated: WebhookConfigLike): Promise<boolean> => {
    if (!opts.isLeader()) return false;
    const result = await (m.store as Store<WebhookConfigLike>).replace(updated);
    if (result === 'ok') return true;
    log.debug({ configuration: m.name }, 'the webhook configuration changed meanwhile; reading it again');
    await refresh(m);
    kick();
    return false;
  };

  const reconcileWebhooks = async (bundle: string | undefined): Promise<boolean> => {
    if (bundle === undefined) return false;
    let published = true;
    for (const m of managed) {
      if (m.current === undefined) published = false;
      if (!m.current) continue;
      const updated = withBundle(m.current, bundle);
      if (updated && !(await write(m, updated))) {
        published = false;
        continue;
      }
      if (updated) log.info({ configuration: m.name, kind: m.kind }, 'set the CA bundle of the webhook configuration');
      opts.metrics.bundleReconciled(m.name, new Date());
    }
    return published;
  };

  const servedFingerprints = (): string[] => liveHeartbeats(heartbeats, Date.now()).map((h) => h.serving);

  const noteStep = (step: RotationStep): void => {
    const key = `${step.kind}:${'reason' in step ? step.reason : ''}`;
    if (key === lastStep) return;
    lastStep = key;
    if (step.kind === 'wait') log.info({ reason: step.reason }, 'certificate rotation waiting');
  };

  const writeSecret = async (snap: SecretSnapshot, step: RotationStep): Promise<void> => {
    const made = await carryOut(step, snap.reading, new Date(), opts.issue);
    if (!made || !opts.isLeader()) return;
    const content = certSecretContent(made.material, made);
    const { secretName, namespace } = opts.names;
    const base = snap.secret as SecretObject | undefined;
    const body = certSecretObject(secretName, namespace, content, base, step.kind === 'add-ca') as V1Secret;
    const result = base ? await opts.secrets.replace(body) : await opts.secrets.create(body);
    if (result === 'conflict') {
      log.debug({ step: step.kind }, 'the certificate Secret changed meanwhile; deciding again');
      return;
    }
    opts.metrics.rotationStep(step.kind);
    log.info({ step: step.kind, reason: 'reason' in step ? step.reason : undefined }, 'certificate Secret updated');
  };

  const rotate = async (snap: SecretSnapshot, published: boolean): Promise<void> => {
    const step = planRotation({ reading: snap.reading, now: new Date(), policy: opts.rotation, bundlePublished: published, replicaServing: servedFingerprints() });
    noteStep(step);
    if (step.kind === 'idle' || step.kind === 'wait') {
      if (step.until) wakeAt('rotation', step.until);
      return;
    }
    await writeSecret(snap, step);
  };

  const runProbe = async (): Promise<ProbeResult> => {
    const ns = opts.names.probeNamespace;
    const body = probeObject(ns, `meshgate-probe-${randomBytes(4).toString('hex')}`);
    try {
      await opts.kube.custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: ns, plural: 'gateways', body, dryRun: 'All' });
      return { kind: 'admitted' };
    } catch (e) {
      return { kind: 'refused', status: statusOf(e) ?? 0, message: messageOf(e) };
    }
  };

  const prove = async (published: boolean): Promise<void> => {
    const m = managed.find((x) => x.kind === 'validating');
    if (!m?.current) return;
    const open = failsOpen(m.current);
    opts.metrics.validatingFailClosed(m.name, !open);
    if (!open || !published) return;
    if (Date.now() < probeAt) return wakeAt('probe', new Date(probeAt));
    const verdict = probeVerdict(await runProbe(), webhookNames(m.current));
    opts.metrics.probe(verdict.proven);
    if (!verdict.proven) {
      probeAt = Date.now() + probeBackoff;
      probeBackoff = Math.min(probeBackoff * 2, 60_000);
      if (verdict.reason !== lastProbeReason) log.warn({ configuration: m.name, reason: verdict.reason }, 'validating webhook not proven yet; it keeps failing open');
      lastProbeReason = verdict.reason;
      return wakeAt('probe', new Date(probeAt));
    }
    probeBackoff = opts.timings.probeRetryMs;
    lastProbeReason = '';
    await failClosed(m, verdict.reason);
  };

  const failClosed = async (m: Managed, reason: string): Promise<void> => {
    const updated = m.current ? withFailClosed(m.current) : undefined;
    if (updated && (await write(m, updated))) {
      opts.metrics.validatingFailClosed(m.name, true);
      log.info({ configuration: m.name, probe: reason }, 'the dry-run probe was denied by meshgate: validating failurePolicy is now Fail');
    }
  };

  const reconcile = async (): Promise<void> => {
    if (!active || !opts.isLeader()) return;
    const snap = opts.certSync.current();
    const published = await reconcileWebhooks(currentBundle(snap));
    if (!active || !opts.isLeader()) return;
    await rotate(snap, published);
    if (!active || !opts.isLeader()) return;
    await prove(published);
  };
  const kick = serialRunner(reconcile, log);

  const pollHeartbeats = async (): Promise<void> => {
    const before = servedFingerprints().sort().join(',');
    heartbeats = observeHeartbeats(heartbeats, await readHeartbeats(opts.leases, opts.names.leaseName), Date.now());
    for (const name of staleHeartbeats(heartbeats, Date.now())) {
      log.info({ heartbeat: name }, 'removing the heartbeat of a replica that stopped without removing it');
      await opts.leases.delete(name);
    }
    if (servedFingerprints().sort().join(',') !== before) kick();
  };

  const watchConfig = (m: Managed): NamedWatch => {
    const source: NamedSource<WebhookConfigLike> = m.kind === 'mutating' ? sources.mutating(opts.kube) : sources.validating(opts.kube);
    return watchNamed<WebhookConfigLike>({
      kube: opts.kube,
      source,
      name: m.name,
      log,
      onChange: (obj) => {
        if (m.kind === 'validating' && installedShape(obj) !== installedShape(m.current ?? undefined)) {
          // Someone (re)installed it, perhaps fixing what made the probe fail: probe again now.
          probeAt = 0;
          probeBackoff = opts.timings.probeRetryMs;
        }
        m.current = obj ?? null;
        kick();
      },
    });
  };

  const every = (ms: number, fn: () => void): void => {
    const t = setInterval(fn, ms);
    t.unref();
    timers.push(t);
  };

  let subscribed = false;

  return {
    start: () => {
      if (active) return;
      active = true;
      if (!subscribed) opts.certSync.onChange(() => active && kick());
      subscribed = true;
      lastStep = '';
      probeAt = 0;
      watches = managed.map(watchConfig);
      for (const w of watches) void w.start();
      const poll = (): void => void pollHeartbeats().catch((e: unknown) => log.warn({ err: messageOf(e) }, 'cannot read the replicas\' heartbeats'));
      poll();
      every(opts.timings.heartbeatPollMs, poll);
      every(opts.timings.resyncMs, kick);
      kick();
    },
    stop: () => {
      active = false;
      for (const w of watches) w.stop();
      watches = [];
      for (const t of timers) clearInterval(t);
      timers = [];
      for (const t of wakes.values()) clearTimeout(t);
      wakes.clear();
      for (const m of managed) m.current = undefined;
    },
  };
}
