// `meshgate serve`: the HTTPS admission webhook server. Settings come from flags, MESHGATE_*
// environment variables and an optional --config file (config.ts lists them all).
import { existsSync, readFileSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { ConfigError, SETTINGS, buildConfig, readConfigFile, type Config, type ConfigSources } from '../config.js';
import { runServer } from '../server/run.js';
import { parseFlags, runCommand, str, wantsHelp } from './flags.js';
import { EXIT, InputError, type CliIO, type Command } from '../documents/io.js';

const BOOLEAN_FLAGS = new Set(['dev', 'cluster']);
/** Flags that may be given more than once (as `meshgate inject` takes them). */
const REPEATABLE_FLAGS = new Set(['control-plane-env']);

/** Where Kubernetes mounts the pod's namespace (the default of --namespace). */
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function podNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function flagOptions(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { config: { type: 'string' } };
  for (const s of Object.values(SETTINGS)) {
    options[s.flag] = { type: BOOLEAN_FLAGS.has(s.flag) ? 'boolean' : 'string', ...(REPEATABLE_FLAGS.has(s.flag) ? { multiple: true } : {}) };
  }
  return options;
}

function help(): string {
  const rows = Object.values(SETTINGS).map((s) => `  --${s.flag.padEnd(24)} ${s.help}\n  ${''.padEnd(26)} env ${s.env}`);
  return [
    'Usage: meshgate serve [flags]',
    '',
    'Runs the admission webhook over HTTPS: POST /inject (and /inject/...), POST /validate,',
    'GET /healthz, /readyz and /metrics. The serving certificate is reloaded when its files',
    'change. SIGTERM stops accepting, finishes in-flight requests and exits 0.',
    '',
    'Flags (flag > environment > --config file > default):',
    `  --${'config'.padEnd(24)} YAML or JSON file whose keys are the setting names below (camelCase)`,
    `  ${''.padEnd(26)} env MESHGATE_CONFIG`,
    ...rows,
    '',
    'Example (development certificates in ./certs, 127.0.0.1:9443):',
    '  meshgate serve --dev',
    '',
    'Cluster mode (--cluster): the serving certificate comes from the Secret --secret-name (created',
    'with a new CA when absent) and is written to --cert-dir; the replica holding the Lease',
    '--lease-name rotates it and keeps the CA bundle of both webhook configurations; values, mesh',
    "and templates come from Istio's ConfigMaps in --istio-namespace, istio-sidecar-injector and istio",
    '(-<revision> with --revision; or --injector-configmap, --mesh-configmap; keys config, values,',
    'meshgate-templates; mesh) and are reloaded on change. /readyz holds until both are in place.',
    'Validation follows the CustomResourceDefinitions the cluster serves (listed and watched; the',
    'bundled ones until then, or with --crds the named ones).',
    'With --cert-management external, cert-manager (or another issuer) writes the Secret and the',
    "webhooks' caBundle: meshgate follows and serves the Secret and never writes either.",
    '  meshgate serve --cluster --kubeconfig ~/.kube/config --namespace meshgate-system',
    '',
    'Exit codes: 0 stopped by a signal, 2 could not start (a bad setting, missing certificates,',
    'the address in use); --verbose adds stack traces.',
    '',
  ].join('\n');
}

async function loadConfig(argv: string[], io: CliIO): Promise<Config | 'help'> {
  const parsed = parseFlags(argv, flagOptions());
  if (wantsHelp(parsed)) return 'help';
  const configFile = str(parsed, 'config') ?? io.env['MESHGATE_CONFIG'];
  const file = configFile ? await readConfigFile(configFile) : undefined;
  const namespace = podNamespace();
  return buildConfig({ flags: parsed.values as ConfigSources['flags'], env: io.env, ...(file ? { file } : {}), ...(namespace ? { podNamespace: namespace } : {}) });
}

/** The sample requests `npm start` suggests; the README shows the same ones. */
export const CURL_EXAMPLES = {
  inject: 'examples/admissionreview-pod.json',
  validate: 'examples/admissionreview-virtualservice-invalid.json',
} as const;

export function curlHint(config: Pick<Config, 'tlsCertFile'>, url: string): string {
  const base = url.replace('0.0.0.0', '127.0.0.1');
  const ca = config.tlsCertFile.replace(/[^/]+$/, 'ca.crt');
  return [
    `meshgate is serving on ${base}. Try:`,
    `  curl --cacert ${ca} ${base}/healthz`,
    `  curl --cacert ${ca} -H 'Content-Type: application/json' --data @${CURL_EXAMPLES.inject} ${base}/inject`,
    `  curl --cacert ${ca} -H 'Content-Type: application/json' --data @${CURL_EXAMPLES.validate} ${base}/validate`,
    'The injection patch is base64 in .response.patch; to read it:',
    `  curl -s --cacert ${ca} -H 'Content-Type: application/json' --data @${CURL_EXAMPLES.inject} ${base}/inject | jq -r .response.patch | base64 -d | jq .`,
    '',
  ].join('\n');
}

/** Outside dev and cluster mode the certificate must exist: say how to get one instead of failing deep inside TLS. */
function checkCertificates(config: Config): void {
  if (config.dev || config.cluster) return;
  const missing = [config.tlsCertFile, config.tlsKeyFile].filter((f) => !existsSync(f));
  if (missing.length === 0) return;
  throw new InputError(
    `no serving certificate: ${missing.join(' and ')} ${missing.length > 1 ? 'do' : 'does'} not exist; for local development run \`meshgate serve --dev\` (it makes certificates in ./certs), or create them with \`meshgate certs --out DIR\` and pass --tls-cert DIR/tls.crt --tls-key DIR/tls.key`,
  );
}

export const serve: Command = (argv, io) =>
  runCommand('serve', io, async () => {
    let config: Config | 'help';
    try {
      config = await loadConfig(argv, io);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.stderr(`meshgate serve: ${e.message}\n`);
      return EXIT.usage;
    }
    if (config === 'help') {
      io.stdout(help());
      return EXIT.ok;
    }
    checkCertificates(config);
    const server = await runServer({ config });
    if (config.dev) io.stderr(curlHint(config, server.url));
    await new Promise<void>((resolve) => {
      closeWithGrace({ delay: config.shutdownGraceMs + config.shutdownDelayMs, logger: false }, async ({ signal, err }) => {
        if (err) server.log.error({ err }, 'fatal error; shutting down');
        else server.log.info({ signal }, 'shutting down');
        await server.stop();
        resolve();
      });
    });
    return EXIT.ok;
  });
