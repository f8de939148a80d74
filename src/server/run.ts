// Starting the webhook server from a Config: logger, metrics, engines, TLS (with reload),
// listening, and graceful shutdown. Returns a handle so tests and the CLI can stop it.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { splitListen } from '../config.js';
import { writeCerts } from '../certs/files.js';
import { CERT_FILES } from '../cluster/cert-sync.js';
import { CLUSTER_READINESS, createClusterAgent, type ClusterAgent } from '../cluster/index.js';
import type { InjectionFallback } from '../cluster/injection-config.js';
import { placeholderPair } from '../cluster/pki.js';
import { buildInjectorSettings, createInjector, type Injector } from '../inject/index.js';
import { defaultTemplatesDir, loadInjectorSettings, readConfigFile as readInjectionFile, readTemplates } from '../injection-settings.js';
import { buildApp } from './app.js';
import { engineRef, type InjectorRef } from './engines.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReadiness, type Readiness } from './readiness.js';
import { loadPair, watchTls, type TlsFiles, type TlsPair, type TlsWatcher } from './tls.js';
import { swapEngine, watchPaths, type FileWatcher } from './reload.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
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

async function buildInjector(config: Config): Promise<ReturnType<typeof createInjector>> {
  const settings = await loadInjectorSettings({
    ...(config.valuesFile ? { valuesFile: config.valuesFile } : {}),
    ...(config.meshFile ? { meshFile: config.meshFile } : {}),
    ...(config.templatesDir ? { templatesDir: config.templatesDir } : {}),
    ...(config.extraTemplatesDir ? { extraTemplatesDir: config.extraTemplatesDir } : {}),
    nativeSidecars: config.nativeSidecars,
    revision: config.revision,
  });
  return createInjector(settings);
}

/** What the injector is built from in cluster mode: the files once, the ConfigMaps on every change. */
interface InjectionFiles {
  readonly templates: Readonly<Record<string, string>>;
  readonly values?: unknown;
  readonly mesh?: unknown;
  readonly userTemplates?: Readonly<Record<string, string>>;
}

async function readInjectionFiles(config: Config): Promise<InjectionFiles> {
  const [values, mesh, templates, userTemplates] = await Promise.all([
    config.valuesFile ? readInjectionFile(config.valuesFile, `values file ${config.valuesFile}`) : undefined,
    config.meshFile ? readInjectionFile(config.meshFile, `mesh file ${config.meshFile}`) : undefined,
    readTemplates(config.templatesDir ?? defaultTemplatesDir(), 'templates'),
    config.extraTemplatesDir ? readTemplates(config.extraTemplatesDir, 'extra templates') : undefined,
  ]);
  return { templates, values, mesh, ...(userTemplates ? { userTemplates } : {}) };
}

/** Throws InjectorConfigError when the sources are not usable; the caller keeps its injector then. */
function injectorFrom(files: InjectionFiles, sources: InjectionFallback, config: Config): Injector {
  return createInjector(buildInjectorSettings({
    values: sources.values,
    mesh: sources.mesh,
    templates: files.templates,
    ...(sources.userTemplates ? { userTemplates: sources.userTemplates } : {}),
    nativeSidecars: config.nativeSidecars,
    revision: config.revision,
  }));
}

/** Cluster mode listens with a placeholder until the Secret's pair is written to certDir. */
async function clusterTls(config: Config): Promise<{ files: TlsFiles; pair: TlsPair }> {
  const files = { certFile: join(config.certDir, CERT_FILES.cert), keyFile: join(config.certDir, CERT_FILES.key) };
  await mkdir(config.certDir, { recursive: true, mode: 0o700 });
  // A previous container's files may be stale; only the Secret says what to serve.
  await Promise.all([rm(files.certFile, { force: true }), rm(files.keyFile, { force: true })]);
  return { files, pair: await placeholderPair() };
}

async function fileTls(config: Config): Promise<{ files: TlsFiles; pair: TlsPair }> {
  const files = { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile };
  return { files, pair: await loadPair(files) };
}

interface ClusterWiring {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
  readonly files: InjectionFiles;
  readonly checkTls: () => Promise<unknown>;
}

function clusterAgent(w: ClusterWiring): ClusterAgent {
  const { files, config } = w;
  return createClusterAgent({
    config,
    log: w.log,
    registry: w.metrics.registry,
    readiness: w.readiness,
    applyInjection: (sources) => w.injector.set(injectorFrom(files, sources, config)),
    fallback: files,
    onConfigReload: (component, ok) => w.metrics.configReload(component, ok),
    checkTls: w.checkTls,
  });
}

async function initialInjector(config: Config, files: InjectionFiles | undefined): Promise<Injector> {
  if (!files) return buildInjector(config);
  return injectorFrom(files, files, config);
}

function startCluster(agent: ClusterAgent, log: Logger): void {
  agent.start().catch((err: unknown) => log.error({ err }, 'cluster mode failed to start; meshgate stays unready'));
}

/** Outside cluster mode, the injection files are watched and reloaded without a restart. */
function watchConfigFiles(config: Config, injector: InjectorRef, log: Logger, metrics: Metrics): FileWatcher | undefined {
  const paths = [config.valuesFile, config.meshFile, config.extraTemplatesDir].filter((f): f is string => f !== undefined);
  if (config.cluster || paths.length === 0) return undefined;
  return watchPaths(paths, () => void swapEngine(injector, () => buildInjector(config), { log, metrics, component: 'injector-files' }), log);
}

export async function runServer(opts: RunOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = pino({ level: config.logLevel, base: { service: 'meshgate' } }, opts.logDestination ?? process.stdout);
  if (config.dev) await ensureDevCerts(config, log);
  const injectionFiles = config.cluster ? await readInjectionFiles(config) : undefined;
  const injector = engineRef(await initialInjector(config, injectionFiles));
  const { files, pair } = config.cluster ? await clusterTls(config) : await fileTls(config);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry);
  const readiness = createReadiness(config.cluster ? ['listening', ...CLUSTER_READINESS] : ['listening']);
  const tlsOptions = { minVersion: config.tlsMinVersion } as const;
  const app = buildApp({ logger: log, metrics, readiness, injector, limits: config, tls: { ...pair, ...tlsOptions } });
  let tls: TlsWatcher | undefined;
  const checkTls = (): Promise<boolean> => tls?.check() ?? Promise.resolve(false);
  const cluster = injectionFiles ? clusterAgent({ config, log, metrics, readiness, injector, files: injectionFiles, checkTls }) : undefined;
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
  log.info({ address, tlsMinVersion: config.tlsMinVersion, revision: config.revision || 'default', nativeSidecars: config.nativeSidecars, cluster: config.cluster }, 'meshgate serving');
  if (cluster) startCluster(cluster, log);
  const configWatch = watchConfigFiles(config, injector, log, metrics);
  const watcher = tls;
  const stop = async (): Promise<void> => {
    readiness.block('shutdown');
    if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    await cluster?.stop();
    watcher.close();
    configWatch?.close();
    await app.close();
    log.info('meshgate stopped');
  };
  return { app, url: address, log, metrics, readiness, injector, tls: watcher, ...(cluster ? { cluster } : {}), stop };
}
