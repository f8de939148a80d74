// Cluster mode's wiring into the server: the injector built from files once and from the
// ConfigMaps on every change, the placeholder certificate until the Secret's pair arrives, and
// the agent that looks after Secrets, Leases and webhook configurations. Loaded only with
// --cluster, so a server outside the cluster never loads the Kubernetes client.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { CERT_FILES } from '../cluster/duties/cert-sync.js';
import { admissionAnalysis, type AdmissionAnalysis } from '../cluster/analysis-warnings.js';
import { CLUSTER_READINESS, createClusterAgent, type ClusterAgent } from '../cluster/index.js';
import { connect } from '../cluster/api/kube.js';
import { createObjectCache } from '../cluster/watch/object-cache.js';
import { placeholderPair } from '../certs/pki.js';
import { buildInjector } from '../config-source/build.js';
import type { InjectionDocuments } from '../config-source/documents.js';
import { readInjectionFiles } from '../config-source/files.js';
import type { Injector } from '../inject/index.js';
import type { InjectorRef } from './engines.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from '../runtime/readiness.js';
import { runtimeOf } from '../runtime/settings.js';
import type { TlsFiles, TlsPair } from '../runtime/tls.js';

export { CLUSTER_READINESS, type ClusterAgent };

/** The file settings: the built-in templates, and what a ConfigMap key does not say. */
export type InjectionFiles = InjectionDocuments;

export function readInjectionFilesOf(config: Config): Promise<InjectionFiles> {
  return readInjectionFiles({
    ...(config.valuesFile ? { valuesFile: config.valuesFile } : {}),
    ...(config.meshFile ? { meshFile: config.meshFile } : {}),
    ...(config.injectorConfigFile ? { injectorConfigFile: config.injectorConfigFile } : {}),
    ...(config.templatesDir ? { templatesDir: config.templatesDir } : {}),
    ...(config.extraTemplatesDir ? { extraTemplatesDir: config.extraTemplatesDir } : {}),
  });
}

/** Cluster mode listens with a placeholder until the Secret's pair is written to certDir. */
export async function clusterTls(config: Config): Promise<{ files: TlsFiles; pair: TlsPair }> {
  const files = { certFile: join(config.certDir, CERT_FILES.cert), keyFile: join(config.certDir, CERT_FILES.key) };
  await mkdir(config.certDir, { recursive: true, mode: 0o700 });
  // A previous container's files may be stale; only the Secret says what to serve.
  await Promise.all([rm(files.certFile, { force: true }), rm(files.keyFile, { force: true })]);
  return { files, pair: await placeholderPair() };
}

export interface ClusterWiring {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
  /** When set, validation follows the cluster's CustomResourceDefinitions (--crds unset). */
  readonly applyCrds?: (crds: unknown[]) => Promise<void>;
  /** The API groups whose CRDs are followed. */
  readonly crdGroups?: ReadonlySet<string>;
  readonly files: InjectionFiles;
  readonly checkTls: () => Promise<unknown>;
}

export function clusterAgent(w: ClusterWiring): ClusterAgent {
  const { files, config } = w;
  return createClusterAgent({
    config,
    log: w.log,
    registry: w.metrics.registry,
    readiness: w.readiness,
    injection: { build: (docs) => buildInjector(docs, runtimeOf(config)), swap: (next) => w.injector.set(next) },
    fallback: files,
    onConfigReload: (component, ok) => w.metrics.configReload(component, ok),
    checkTls: w.checkTls,
    ...(w.applyCrds ? { applyCrds: w.applyCrds } : {}),
    ...(w.crdGroups ? { crdGroups: w.crdGroups } : {}),
  });
}

export function initialInjector(config: Config, files: InjectionFiles): Injector {
  return buildInjector(files, runtimeOf(config));
}

export function startCluster(agent: ClusterAgent, log: Logger): void {
  agent.start().catch((err: unknown) => log.error({ err }, 'cluster mode failed to start; meshgate stays unready'));
}

/** The analyzer on an informer cache of the kinds it reads; its findings become admission warnings. */
export function startAnalysis(config: Config, log: Logger): { analysis: AdmissionAnalysis; stop: () => void } {
  const cache = createObjectCache({ kube: connect(config.kubeconfig, config.apiTimeoutMs), log: log.child({ component: 'analysis-cache' }) });
  cache.start();
  return { analysis: admissionAnalysis({ cache }), stop: () => cache.stop() };
}
