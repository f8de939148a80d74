// Starting the webhook server from a Config: logger, metrics, engines, TLS (with reload),
// listening, and graceful shutdown. Returns a handle so tests and the CLI can stop it.
import { existsSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { splitListen } from '../config.js';
import { writeCerts } from '../certs/files.js';
import { certInfo } from '../certs/pki.js';
import type { NoticeSink } from '../admission/notice.js';
import type { ClusterAgent } from '../cluster/index.js';
import { buildInjector as buildFrom } from '../config-source/build.js';
import type { InjectionDocuments } from '../config-source/documents.js';
import { fileSource, type InjectionFiles } from '../config-source/files.js';
import { configLifecycle, type Lifecycle } from '../config-source/source.js';
import type { Injector } from '../inject/index.js';
import { meshgateVersion } from '../version.js';
import { buildApp } from './app.js';
import { engineRef, type InjectorRef, type ValidatorsRef } from './engines.js';
import { createLogger } from './logger.js';
import { buildValidators, clusterCrds, nativeNote, nativePerPod, runtimeOf, warmUp } from '../runtime/settings.js';
import { createMetrics, type Metrics } from './metrics.js';
import { listenMetrics, type MetricsListener } from './metrics-listener.js';
import { createReadiness, type Readiness } from '../runtime/readiness.js';
import { loadPair, watchTls, type TlsFiles, type TlsPair, type TlsWatcher } from '../runtime/tls.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
  readonly validators: ValidatorsRef;
  readonly tls: TlsWatcher;
  /** Cluster mode only: certificates, webhook configurations and ConfigMaps through the API. */
  readonly cluster?: ClusterAgent;
  /** The plaintext /metrics listener's address, with --metrics-listen. */
  readonly metricsUrl?: string;
  /** Readiness false, wait shutdownDelayMs, stop accepting, finish in-flight requests. */
  stop(): Promise<void>;
}

export interface RunOptions {
  readonly config: Config;
  /** Where logs go (default stdout). */
  readonly logDestination?: NodeJS.WritableStream;
}

export async function ensureDevCerts(config: Config, log: Logger): Promise<void> {
  if (existsSync(config.tlsCertFile) && existsSync(config.tlsKeyFile)) return;
  const dir = config.tlsCertFile.replace(/\/[^/]+$/, '') || '.';
  log.info({ dir }, 'generating development certificates');
  await writeCerts(dir, { dnsNames: ['localhost', 'meshgate.meshgate-system.svc'], ipAddresses: ['127.0.0.1'], reuseCA: true });
}

function injectionFiles(config: Config): InjectionFiles {
  return {
    ...(config.valuesFile ? { valuesFile: config.valuesFile } : {}),
    ...(config.meshFile ? { meshFile: config.meshFile } : {}),
    ...(config.injectorConfigFile ? { injectorConfigFile: config.injectorConfigFile } : {}),
    ...(config.templatesDir ? { templatesDir: config.templatesDir } : {}),
    ...(config.extraTemplatesDir ? { extraTemplatesDir: config.extraTemplatesDir } : {}),
  };
}

async function fileTls(config: Config): Promise<{ files: TlsFiles; pair: TlsPair }> {
  const files = { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile };
  return { files, pair: await loadPair(files) };
}

/** Outside cluster mode, the injection files are watched and reloaded without a restart. */
function watchConfigFiles(config: Config, initial: InjectionDocuments, injector: InjectorRef, log: Logger, metrics: Metrics): Lifecycle | undefined {
  if (config.cluster) return undefined;
  const source = fileSource(injectionFiles(config));
  const lifecycle = configLifecycle<Injector>({
    source,
    initial,
    build: (docs) => buildFrom(docs, runtimeOf(config)),
    swap: (next) => injector.set(next),
    onResult: (ok, detail) => {
      metrics.configReload('injector-files', ok);
      if (ok) log.info({ component: 'injector-files', notes: detail.notes.length > 0 ? detail.notes : undefined }, 'configuration reloaded');
      else log.error({ component: 'injector-files', err: { message: detail.reason } }, 'configuration update rejected; keeping the last good configuration');
    },
  });
  void lifecycle.start();
  return lifecycle;
}

async function metricsListener(config: Config, metrics: Metrics, log: Logger): Promise<MetricsListener | undefined> {
  if (config.metricsListen === '') return undefined;
  const { host, port } = splitListen(config.metricsListen);
  const listener = await listenMetrics(host, port, metrics.registry, log);
  log.info({ address: listener.url }, 'serving /metrics in plain HTTP');
  return listener;
}

export async function runServer(opts: RunOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = createLogger(config.logLevel, opts.logDestination ?? process.stdout);
  if (config.dev) await ensureDevCerts(config, log);
  const clusterMode = config.cluster ? await import('./cluster-mode.js') : undefined;
  const docs = clusterMode ? await clusterMode.readInjectionFilesOf(config) : await fileSource(injectionFiles(config)).read();
  const injector = engineRef(buildFrom(docs, runtimeOf(config)));
  const { files, pair } = clusterMode ? await clusterMode.clusterTls(config) : await fileTls(config);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry, { version: meshgateVersion(), node: process.version });
  metrics.servingCert(certInfo(pair.cert).notAfter);
  const readiness = createReadiness(clusterMode ? ['listening', ...clusterMode.CLUSTER_READINESS] : ['listening']);
  const tlsOptions = { minVersion: config.tlsMinVersion } as const;
  const validators = engineRef(await buildValidators(config));
  let cluster: ClusterAgent | undefined;
  // Bound once here; the cluster agent that answers them is created after the app.
  const notices: NoticeSink = { notify: (n) => cluster?.notify(n) };
  const nativeSidecars = nativePerPod(config) && clusterMode ? (pod: Readonly<Record<string, unknown>>): boolean | undefined => cluster?.nativeSidecars(pod) : undefined;
  const analysis = clusterMode && config.analysisWarnings ? clusterMode.startAnalysis(config, log) : undefined;
  const namespaces = (name: string): ReturnType<ClusterAgent['namespaces']> => cluster?.namespaces(name) ?? Promise.resolve(undefined);
  const app = buildApp({
    logger: log,
    metrics,
    readiness,
    injector,
    validators,
    namespaces,
    limits: config,
    tls: { ...pair, ...tlsOptions },
    notices,
    ...(nativeSidecars ? { nativeSidecars } : {}),
    ...(analysis ? { analysis: analysis.analysis } : {}),
  });
  let tls: TlsWatcher | undefined;
  const checkTls = (): Promise<boolean> => tls?.check() ?? Promise.resolve(false);
  cluster = clusterMode ? clusterMode.clusterAgent({ config, log, metrics, readiness, injector, files: docs, checkTls, ...clusterCrds(config, validators, log) }) : undefined;
  tls = watchTls({
    files,
    initial: pair,
    log,
    apply: (next) => {
      (app.server as unknown as HttpsServer).setSecureContext({ ...next, ...tlsOptions });
      metrics.servingCert(certInfo(next.cert).notAfter);
      cluster?.served(next);
    },
    onResult: (ok) => metrics.certReload(ok),
  });
  const { host, port } = splitListen(config.listen);
  // Both listeners or neither: a metrics port in use must not leave an unready webhook behind.
  const plainMetrics = await metricsListener(config, metrics, log);
  let address: string;
  try {
    address = await app.listen({ host, port });
  } catch (e) {
    await plainMetrics?.close();
    throw e;
  }
  readiness.unblock('listening');
  warmUp(validators.get(), log, config.crds.length > 0 ? config.crds.join(',') : 'bundled');
  log.info(
    {
      address,
      version: meshgateVersion(),
      tlsMinVersion: config.tlsMinVersion,
      revision: config.revision || 'default',
      revisionTags: config.revisionTags,
      nativeSidecars: nativeNote(config),
      cluster: config.cluster,
    },
    'meshgate serving',
  );
  if (clusterMode && cluster) clusterMode.startCluster(cluster, log);
  const configWatch = watchConfigFiles(config, docs, injector, log, metrics);
  const watcher = tls;
  const stop = async (): Promise<void> => {
    readiness.block('shutdown');
    if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    await cluster?.stop();
    analysis?.stop();
    watcher.close();
    configWatch?.stop();
    await plainMetrics?.close();
    await app.close();
    log.info('meshgate stopped');
  };
  const agent = cluster;
  return {
    app,
    url: address,
    log,
    metrics,
    readiness,
    injector,
    validators,
    tls: watcher,
    ...(agent ? { cluster: agent } : {}),
    ...(plainMetrics ? { metricsUrl: plainMetrics.url } : {}),
    stop,
  };
}
