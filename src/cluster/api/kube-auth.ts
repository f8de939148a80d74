// Where the API server is and how meshgate proves who it is, as client-go resolves it: the
// pod's service account (KUBERNETES_SERVICE_HOST/PORT, the mounted CA and a token file re-read
// every minute, since bound tokens rotate), or a kubeconfig file's current context (server,
// certificate-authority[-data], insecure-skip-tls-verify, tls-server-name; client-certificate
// and -key [-data], token, tokenFile, or an exec credential plugin, whose token is cached until
// it expires). Errors name the kubeconfig and the field.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);

export interface ClusterAccess {
  /** https://host:port, possibly with a path prefix. */
  readonly server: string;
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer; readonly rejectUnauthorized: boolean; readonly servername?: string };
  /** The bearer token to send, or undefined (client-certificate authentication). */
  token(): Promise<string | undefined>;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_REREAD_MS = 60_000;

/** A file's content, re-read once it is older than maxAgeMs. */
function cachedFile(path: string, maxAgeMs: number): () => Promise<string> {
  let value = '';
  let readAt = 0;
  return async () => {
    if (value === '' || Date.now() - readAt > maxAgeMs) {
      value = readFileSync(path, 'utf8').trim();
      readAt = Date.now();
    }
    return value;
  };
}

export function inClusterAccess(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT): ClusterAccess {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) throw new Error('no in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (give --kubeconfig outside a cluster)');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const token = cachedFile(join(dir, 'token'), TOKEN_REREAD_MS);
  return { server, tls: { ca: readFileSync(join(dir, 'ca.crt')), rejectUnauthorized: true }, token };
}

type Obj = Record<string, unknown>;

const named = (list: unknown, name: unknown, what: string, file: string): Obj => {
  const found = (Array.isArray(list) ? (list as Obj[]) : []).find((e) => e['name'] === name);
  if (!found) throw new Error(`${file}: ${what} "${String(name)}" is not defined`);
  return (found[what] ?? {}) as Obj;
};

/** A certificate or key given as `<field>` (a path) or `<field>-data` (base64). */
function material(entry: Obj, field: string, base: string): Buffer | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  const path = entry[field];
  if (typeof path === 'string' && path !== '') return readFileSync(isAbsolute(path) ? path : join(base, path));
  return undefined;
}

interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { name: string; value: string }[];
  readonly apiVersion?: string;
}

/** An exec credential plugin's token, cached until shortly before it expires. */
function execToken(exec: ExecConfig, base: string): () => Promise<string | undefined> {
  let token: string | undefined;
  let expires = 0;
  return async () => {
    if (token !== undefined && Date.now() < expires - 30_000) return token;
    const env = {
      ...process.env,
      ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])),
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } }),
    };
    const { stdout } = await run(exec.command, [...(exec.args ?? [])], { env, cwd: base, timeout: 60_000 });
    const status = ((JSON.parse(stdout) as Obj)['status'] ?? {}) as { token?: string; expirationTimestamp?: string };
    if (!status.token) throw new Error(`the kubeconfig's exec plugin ${exec.command} returned no token`);
    token = status.token;
    expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.POSITIVE_INFINITY;
    return token;
  };
}

function userToken(user: Obj, base: string): () => Promise<string | undefined> {
  if (typeof user['token'] === 'string' && user['token'] !== '') {
    const token = user['token'];
    return async () => token;
  }
  if (typeof user['tokenFile'] === 'string') return cachedFile(isAbsolute(user['tokenFile']) ? user['tokenFile'] : join(base, user['tokenFile']), TOKEN_REREAD_MS);
  if (user['exec'] && typeof (user['exec'] as Obj)['command'] === 'string') return execToken(user['exec'] as ExecConfig, base);
  return async () => undefined;
}

/** The kubeconfig's current context, or `contextName` (`meshgate check --context`). */
export function kubeconfigAccess(file: string, contextName: unknown = undefined): ClusterAccess {
  const doc = (parseYaml(readFileSync(file, 'utf8'), { logLevel: 'error' }) ?? {}) as Obj;
  const base = dirname(file);
  contextName ??= doc['current-context'];
  if (typeof contextName !== 'string' || contextName === '') throw new Error(`${file} names no current context`);
  const context = named(doc['contexts'], contextName, 'context', file);
  const cluster = named(doc['clusters'], context['cluster'], 'cluster', file);
  const user = context['user'] === undefined ? {} : named(doc['users'], context['user'], 'user', file);
  const server = cluster['server'];
  if (typeof server !== 'string' || server === '') throw new Error(`${file}: cluster "${String(context['cluster'])}" has no server`);
  const tlsServerName = cluster['tls-server-name'];
  const tls = {
    ...(material(cluster, 'certificate-authority', base) ? { ca: material(cluster, 'certificate-authority', base) } : {}),
    ...(material(user, 'client-certificate', base) ? { cert: material(user, 'client-certificate', base) } : {}),
    ...(material(user, 'client-key', base) ? { key: material(user, 'client-key', base) } : {}),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    ...(typeof tlsServerName === 'string' && tlsServerName !== '' ? { servername: tlsServerName } : {}),
  };
  return { server, tls, token: userToken(user, base) };
}

/** A kubeconfig file when one is given, else the pod's service account. */
export function loadAccess(kubeconfig: string | undefined): ClusterAccess {
  return kubeconfig ? kubeconfigAccess(kubeconfig) : inClusterAccess();
}
