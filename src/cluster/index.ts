// Cluster mode: meshgate looks after itself through the Kubernetes API. Every replica keeps
// its serving certificate in step with the shared Secret, follows the injection ConfigMaps and
// reports what it serves in a heartbeat Lease; the replica holding the leader Lease also writes
// the Secret (rotation) and the webhook configurations (CA bundle, failure policy).
//
//   const agent = createClusterAgent(deps);   // no I/O yet
//   await agent.start();                      // Secret, watches, heartbeat, election
//   agent.served(pair);                       // the server installed a certificate
//   await agent.stop();                       // releases the Lease, removes the heartbeat
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AdmissionNotice } from '../admission/notice.js';
import type { Config } from '../config.js';
import type { Readiness } from '../runtime/readiness.js';
import { nativePerPod } from '../runtime/settings.js';
import type { TlsPair } from '../runtime/tls.js';
import { createEventAggregator, type EventAggregator, type EventWriter } from './events/event-recorder.js';
import { createCertSync } from './duties/cert-sync.js';
import { configMapSource, istioConfigMapNames } from '../config-source/configmaps.js';
import type { InjectionDocuments } from '../config-source/documents.js';
import { configLifecycle, type Lifecycle } from '../config-source/source.js';
import type { Injector } from '../inject/index.js';
import { createEventRecorder, NO_EVENTS } from './events/events.js';
import { watchCrds } from './watch/crd-watch.js';
import { connect, leaseStore, mutatingStore, secretStore, statusOf, validatingStore, type Kube } from './api/kube.js';
import { createLeaderDuties } from './duties/leader.js';
import { deploymentOwner, ownedStore } from './api/owner.js';
import { createElector, createHeartbeat, type ElectionTimings } from './duties/leases.js';
import { createClusterMetrics, type ClusterMetrics } from './metrics.js';
import { namespaceLookup, type NamespaceLookup } from './watch/namespaces.js';
import { createNodeVersions, type NodeVersions } from './watch/nodes.js';
import { createOwnerResolver } from './events/pod-owners.js';
import { tagWebhookName } from '../inject/settings/webhooks.js';
import { certInfo } from '../certs/pki.js';

export interface ClusterTimings extends ElectionTimings {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatDurationSeconds: number;
  readonly heartbeatPollMs: number;
  readonly trustSettleMs: number;
  readonly serveSettleMs: number;
  readonly resyncMs: number;
  readonly probeRetryMs: number;
}

/** client-go's leader-election defaults; the rest sized so a forced rotation takes ~20 s. */
export const DEFAULT_TIMINGS: ClusterTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  heartbeatIntervalMs: 5_000,
  heartbeatDurationSeconds: 15,
  heartbeatPollMs: 2_000,
  trustSettleMs: 5_000,
  serveSettleMs: 10_000,
  resyncMs: 30_000,
  probeRetryMs: 5_000,
};

/** Readiness conditions cluster mode adds: held until the Secret's certificate and the ConfigMaps' configuration are installed. */
export const CLUSTER_READINESS = ['certificate', 'injection-config'] as const;

export interface ClusterDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
  /** Builds an injector from documents (throws when they are not usable) and installs one. */
  readonly injection: { readonly build: (docs: InjectionDocuments) => Injector; readonly swap: (next: Injector) => void };
  /** File settings used where a ConfigMap key is absent (and the built-in templates). */
  readonly fallback: InjectionDocuments;
  /** Metrics of configuration reloads (the server's configReload). */
  readonly onConfigReload: (component: string, ok: boolean) => void;
  /** Builds, compiles and installs a validator over the cluster's CRDs; rejects when they are not usable. */
  readonly applyCrds?: (crds: unknown[]) => Promise<void>;
  /** The API groups whose CRDs applyCrds gets (those the validating webhook receives). */
  readonly crdGroups?: ReadonlySet<string>;
  /** Asks the server's TLS watcher to check the certificate files now. */
  readonly checkTls: () => Promise<unknown>;
  readonly kube?: Kube;
  readonly timings?: Partial<ClusterTimings>;
  readonly identity?: string;
}

export interface ClusterAgent {
  readonly identity: string;
  /** The Pods' Namespaces, read from the API server and cached. */
  readonly namespaces: NamespaceLookup;
  start(): Promise<void>;
  /** The server now serves `pair` (called by its TLS watcher). */
  served(pair: TlsPair): void;
  /** Records an Event about an admission decision (when --admission-events is on). */
  notify(notice: AdmissionNotice): void;
  /** Native sidecars for a Pod from the Nodes' kubelet versions (--native-sidecars=auto); undefined when not known. */
  nativeSidecars(pod: Readonly<Record<string, unknown>>): boolean | undefined;
  isLeader(): boolean;
  stop(): Promise<void>;
}

/** The serving certificate's names: the Service's cluster DNS names, then any extra ones. */
export function servingSans(config: Pick<Config, 'serviceName' | 'namespace' | 'certExtraSans'>): string[] {
  const svc = `${config.serviceName}.${config.namespace}.svc`;
  return [...new Set([svc, `${svc}.cluster.local`, ...config.certExtraSans])];
}

function defaultIdentity(): string {
  const host = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  return `${host}-${randomBytes(3).toString('hex')}`;
}

/** Events through the API: create, and a JSON patch of count and lastTimestamp. */
export function eventWriter(kube: Kube): EventWriter {
  return {
    create: async (namespace, body) => (await kube.core.createNamespacedEvent({ namespace, body })).metadata?.name ?? '',
    update: async (namespace, name, count, last) => {
      const body = [
        { op: 'replace', path: '/count', value: count },
        { op: 'replace', path: '/lastTimestamp', value: last.toISOString() },
      ];
      try {
        await kube.core.patchNamespacedEvent({ name, namespace, body });
        return 'ok';
      } catch (e) {
        if (statusOf(e) === 404) return 'gone';
        throw e;
      }
    },
  };
}

/** The recorder behind both Event settings (--events, --admission-events), when either is on. */
function eventAggregator(config: Config, kube: Kube, identity: string, log: Logger, metrics: ClusterMetrics): EventAggregator | undefined {
  if (!config.admissionEvents && !config.events) return undefined;
  const resolver = createOwnerResolver({ kube, onError: (message) => log.debug({ problem: message }, 'Event goes on the owner the Pod names') });
  return createEventAggregator({ writer: eventWriter(kube), resolver, instance: identity, log, onResult: (reason, result) => metrics.event(reason, result) });
}

export function createClusterAgent(deps: ClusterDeps): ClusterAgent {
  const { config } = deps;
  const t: ClusterTimings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const identity = deps.identity ?? defaultIdentity();
  const log = deps.log.child({ cluster: true, identity });
  const kube = deps.kube ?? connect(config.kubeconfig, config.apiTimeoutMs);
  const metrics = createClusterMetrics(deps.registry);
  const sans = servingSans(config);
  const issue = { certValidityMs: config.certValidity, caValidityMs: config.caValidity, sans };
  const owner = deploymentOwner(kube, config.namespace, config.ownerDeployment, log);
  const leases = ownedStore(leaseStore(kube, config.namespace), owner);
  const secrets = ownedStore(secretStore(kube, config.namespace), owner);
  const recorder = eventAggregator(config, kube, identity, log, metrics);
  const events = config.events && recorder ? createEventRecorder(recorder, config.namespace) : NO_EVENTS;
  const certSync = createCertSync({
    kube,
    secrets,
    namespace: config.namespace,
    secretName: config.secretName,
    certDir: config.certDir,
    issue,
    log,
    onFilesWritten: async () => void (await deps.checkTls()),
    management: config.certManagement,
  });
  const names = istioConfigMapNames(config.revision);
  const injectorConfigMap = config.injectorConfigMap ?? names.injector;
  const meshConfigMap = config.meshConfigMap ?? names.mesh;
  const source = configMapSource({ kube, namespace: config.istioNamespace, injectorConfigMap, meshConfigMap, fallback: deps.fallback, log });
  const configSync: Lifecycle = configLifecycle({
    source,
    build: deps.injection.build,
    swap: deps.injection.swap,
    onResult: (ok, detail) => {
      deps.onConfigReload('injector', ok);
      if (ok) {
        deps.readiness.unblock('injection-config');
        log.info({ source: source.description, notes: detail.notes.length > 0 ? detail.notes : undefined }, 'injection configuration applied');
        return;
      }
      log.error({ source: source.description, reason: detail.reason }, `injection configuration rejected, keeping the one in use: ${detail.reason ?? ''}`);
      events.record({
        object: { kind: 'ConfigMap', name: injectorConfigMap, namespace: config.istioNamespace },
        reason: 'InjectionConfigRejected',
        type: 'Warning',
        message: `The injection configuration from ${source.description} was rejected; the last good one keeps injecting: ${detail.reason ?? "see meshgate's log"}`,
      });
    },
  });
  const crdWatch = deps.applyCrds
    ? watchCrds({ kube, log, apply: deps.applyCrds, onResult: (ok) => deps.onConfigReload('crds', ok), ...(deps.crdGroups ? { groups: deps.crdGroups } : {}) })
    : undefined;
  const heartbeat = createHeartbeat({
    leases,
    namespace: config.namespace,
    group: config.leaseName,
    identity,
    intervalMs: t.heartbeatIntervalMs,
    durationSeconds: t.heartbeatDurationSeconds,
    log,
  });
  let elector: ReturnType<typeof createElector> | undefined;
  const duties = createLeaderDuties({
    kube,
    certSync,
    secrets,
    leases,
    mutating: mutatingStore(kube),
    validating: validatingStore(kube),
    names: {
      namespace: config.namespace,
      secretName: config.secretName,
      leaseName: config.leaseName,
      mutatingWebhook: config.mutatingWebhookName,
      tagWebhooks: config.revisionTags.map(tagWebhookName),
      validatingWebhook: config.validatingWebhookName,
      probeNamespace: config.probeNamespace,
    },
    rotation: { rotateAt: config.rotateAt, trustSettleMs: t.trustSettleMs, serveSettleMs: t.serveSettleMs, sans },
    issue,
    timings: { resyncMs: t.resyncMs, heartbeatPollMs: t.heartbeatPollMs, probeRetryMs: t.probeRetryMs },
    metrics,
    log,
    isLeader: () => elector?.isLeader() ?? false,
    management: config.certManagement,
    failClosed: config.validatingFailClosed,
    events,
  });
  elector = createElector({
    leases,
    namespace: config.namespace,
    leaseName: config.leaseName,
    identity,
    timings: t,
    log,
    onLeading: (leading) => {
      metrics.leader(leading);
      if (leading) events.record({ object: { kind: 'Lease', name: config.leaseName }, reason: 'LeaderElected', message: `${identity} became the leader` });
      if (leading) duties.start();
      else duties.stop();
    },
  });
  const admission = config.admissionEvents ? recorder : undefined;
  const nodes: NodeVersions | undefined = nativePerPod(config) ? createNodeVersions(kube, log) : undefined;
  let servedFingerprint = '';
  const checkInstalled = (): void => {
    const r = certSync.current().reading;
    if (r.kind === 'valid' && r.state.servingInfo.fingerprint === servedFingerprint) deps.readiness.unblock('certificate');
  };
  return {
    identity,
    namespaces: namespaceLookup(kube, log),
    start: async () => {
      log.info({ namespace: config.namespace, secret: config.secretName, lease: config.leaseName, sans }, 'cluster mode starting');
      certSync.onChange(checkInstalled);
      await certSync.ensure();
      await certSync.start();
      heartbeat.start();
      elector?.start();
      void nodes?.start();
      await configSync.start();
      await crdWatch?.start();
    },
    served: (pair) => {
      const info = certInfo(pair.cert);
      servedFingerprint = info.fingerprint;
      heartbeat.setServing(info.fingerprint);
      checkInstalled();
    },
    notify: (n) => admission?.notify(n),
    nativeSidecars: (pod) => nodes?.decide(pod)?.enabled,
    isLeader: () => elector?.isLeader() ?? false,
    stop: async () => {
      recorder?.stop();
      nodes?.stop();
      certSync.stop();
      configSync.stop();
      source.stop();
      crdWatch?.stop();
      await elector?.stop();
      duties.stop();
      await heartbeat.stop();
    },
  };
}
