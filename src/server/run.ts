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
import { createInjector } from '../inject/index.js';
import { loadInjectorSettings } from '../injection-settings.js';
import { buildApp } from './app.js';
import { engineRef, type InjectorRef } from './engines.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReadiness, type Readiness } from './readiness.js';
import { loadPair, watchTls, type TlsWatcher } from './tls.js';
import { swapEngine, watchPaths } from './reload.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
  readonly tls: TlsWatcher;
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

export async function runServer(opts: RunOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = pino({ level: config.logLevel, base: { service: 'meshgate' } }, opts.logDestination ?? process.stdout);
  if (config.dev) await ensureDevCerts(config, log);
  const injector = engineRef(await buildInjector(config));
  const files = { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile };
  const pair = await loadPair(files);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry);
  const readiness = createReadiness(['listening']);
  const tlsOptions = { minVersion: config.tlsMinVersion } as const;
  const app = buildApp({ logger: log, metrics, readiness, injector, limits: config, tls: { ...pair, ...tlsOptions } });
  const tls = watchTls({
    files,
    initial: pair,
    log,
    apply: (next) => (app.server as unknown as HttpsServer).setSecureContext({ ...next, ...tlsOptions }),
    onResult: (ok) => metrics.certReload(ok),
  });
  const configFiles = [config.valuesFile, config.meshFile, config.extraTemplatesDir].filter((f): f is string => f !== undefined);
  const configWatch = configFiles.length > 0
    ? watchPaths(configFiles, () => void swapEngine(injector, () => buildInjector(config), { log, metrics, component: 'injector-files' }), log)
    : undefined;
  const { host, port } = splitListen(config.listen);
  const address = await app.listen({ host, port });
  readiness.unblock('listening');
  log.info({ address, tlsMinVersion: config.tlsMinVersion, revision: config.revision || 'default', nativeSidecars: config.nativeSidecars }, 'meshgate serving');
  const stop = async (): Promise<void> => {
    readiness.block('shutdown');
    if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    tls.close();
    configWatch?.close();
    await app.close();
    log.info('meshgate stopped');
  };
  return { app, url: address, log, metrics, readiness, injector, tls, stop };
}
