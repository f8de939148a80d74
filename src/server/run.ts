// Starting the webhook server from a Config: logger, metrics, engines, TLS (with reload),
// listening, and graceful shutdown. Returns a handle so tests and the CLI can stop it.
import { existsSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { splitListen } from '../config.js';
import { writeCerts } from '../certs/files.js';
import type { ClusterAgent } from '../cluster/index.js';
import type { ClusterWiring } from './cluster-mode.js';
import { buildInjector as buildFrom } from '../config-source/build.js';
import type { InjectionDocuments } from '../config-source/documents.js';
import { fileSource, type InjectionFiles } from '../config-source/files.js';
import { configLifecycle, type Lifecycle } from '../config-source/source.js';
import type { Injector } from '../inject/index.js';
import { compileInBackground, compiledValidators, crdsFromPaths, validatorsFor } from '../crds.js';
import type { Validators } from '../validate/index.js';
import { buildApp } from './app.js';
import { engineRef, type InjectorRef, type ValidatorsRef } from './engines.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReadiness, type Readiness } from './readiness.js';
import { loadPair, watchTls, type TlsFiles, type TlsPair, type TlsWatcher } from './tls.js';

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

const runtimeOf = (config: Config): Parameters<typeof buildFrom>[1] => ({ nativeSidecars: config.nativeSidecars, revision: config.revision, controlPlaneEnv: config.controlPlaneEnv });

async function fileTls(config: Config): Promise<{ files: TlsFiles; pair: TlsPair }> {
  const files = { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile };
  return { files, pair: await loadPair(files) };
}

/** Outside cluster mode, the injection files are watched and reloaded without a restart. */
function watchConfigFiles(config: Config, initial: InjectionDocuments, injector: InjectorRef, log: Logger, metrics: Metrics): Lifecycle | undefined {
  if (config.cluster) return undefined;
  const source = fileSource(injectionFiles(config));
  const lifecycle = configLifecycle<Injector>({
    source, initial, build: (docs) => buildFrom(docs, runtimeOf(config)), swap: (next) => injector.set(next),
    onResult: (ok, detail) => {
      metrics.configReload('injector-files', ok);
      if (ok) log.info({ component: 'injector-files', notes: detail.notes.length > 0 ? detail.notes : undefined }, 'configuration reloaded');
      else log.error({ component: 'injector-files', err: { message: detail.reason } }, 'configuration update rejected; keeping the last good configuration');
    },
  });
  void lifecycle.start();
  return lifecycle;
}

/** The validator over --crds, or the bundled CRDs. */
async function buildValidators(config: Config): Promise<Validators> {
  return validatorsFor(config, config.crds.length > 0 ? await crdsFromPaths(config.crds, process.cwd()) : undefined);
}

/** Compiles the validator at start in the background (a kind not compiled yet compiles on its first request, once). */
function warmUp(validators: Validators, log: Logger, source: string): void {
  const started = Date.now();
  compileInBackground(validators).then(
    () => log.info({ kinds: validators.kinds().length, ms: Date.now() - started, source }, 'validation CRDs compiled'),
    (e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e), source }, 'a CRD does not compile; objects of its kind get an internal error until it is fixed'),
  );
}

/**
 * In cluster mode validation follows the cluster's CRDs (of the groups the bundled CRDs define,
 * which are those the validating webhook receives), unless --crds names others. A new set is
 * compiled completely before it replaces the current one; one that does not compile is refused.
 */
function clusterCrds(config: Config, validators: ValidatorsRef, log: Logger): Pick<ClusterWiring, 'applyCrds' | 'crdGroups'> {
  if (config.crds.length > 0) return {};
  const applyCrds = async (crds: unknown[]): Promise<void> => {
    const started = Date.now();
    const next = await compiledValidators(config, crds);
    validators.set(next);
    log.info({ kinds: next.kinds().length, ms: Date.now() - started, source: 'cluster' }, 'validation CRDs compiled');
  };
  return { applyCrds, crdGroups: new Set(validators.get().kinds().map((k) => k.group)) };
}

export async function runServer(opts: RunOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = pino({ level: config.logLevel, base: { service: 'meshgate' } }, opts.logDestination ?? process.stdout);
  if (config.dev) await ensureDevCerts(config, log);
  const clusterMode = config.cluster ? await import('./cluster-mode.js') : undefined;
  const docs = clusterMode ? await clusterMode.readInjectionFilesOf(config) : await fileSource(injectionFiles(config)).read();
  const injector = engineRef(buildFrom(docs, runtimeOf(config)));
  const { files, pair } = clusterMode ? await clusterMode.clusterTls(config) : await fileTls(config);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry);
  const readiness = createReadiness(clusterMode ? ['listening', ...clusterMode.CLUSTER_READINESS] : ['listening']);
  const tlsOptions = { minVersion: config.tlsMinVersion } as const;
  const analysis = clusterMode && config.analysisWarnings ? clusterMode.startAnalysis(config, log) : undefined;
  const validators = engineRef(await buildValidators(config));
  let cluster: ClusterAgent | undefined;
  const namespaces = (name: string): ReturnType<ClusterAgent['namespaces']> => cluster?.namespaces(name) ?? Promise.resolve(undefined);
  const app = buildApp({ logger: log, metrics, readiness, injector, validators, namespaces, limits: config, tls: { ...pair, ...tlsOptions }, ...(analysis ? { analysis: analysis.analysis } : {}) });
  let tls: TlsWatcher | undefined;
  const checkTls = (): Promise<boolean> => tls?.check() ?? Promise.resolve(false);
  cluster = clusterMode ? clusterMode.clusterAgent({ config, log, metrics, readiness, injector, files: docs, checkTls, ...clusterCrds(config, validators, log) }) : undefined;
  tls = watchTls({
    files,
    initial: pair,
    log,
    apply: (next) => {
      (app.server as unknown as HttpsServer).setSecureContext({ ...next, ...tlsOptions });
      cluster?.served(next);
    },
    onResult: (ok) => metrics.certReload(ok),
  });
  const { host, port } = splitListen(config.listen);
  const address = await app.listen({ host, port });
  readiness.unblock('listening');
  warmUp(validators.get(), log, config.crds.length > 0 ? config.crds.join(',') : 'bundled');
  log.info({ address, tlsMinVersion: config.tlsMinVersion, revision: config.revision || 'default', nativeSidecars: config.nativeSidecars, cluster: config.cluster }, 'meshgate serving');
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
    await app.close();
    log.info('meshgate stopped');
  };
  return { app, url: address, log, metrics, readiness, injector, validators, tls: watcher, ...(cluster ? { cluster } : {}), stop };
}
