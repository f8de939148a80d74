// The Istio harness from the TypeScript side: builds test/differential/istio (Istio's injector
// and validator as a library, the istio.io/istio version its go.mod pins) once into a cache,
// and drives its batch mode (one JSON request per line) from a long-running child process.
import { createHash } from 'node:crypto';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { checkGo, goBuild } from '../e2e/cluster/build.js';
import type { Progress } from '../e2e/cluster/progress.js';

export const DIFFERENTIAL_DIR = fileURLToPath(new URL('.', import.meta.url));
export const HARNESS_MODULE_DIR = join(DIFFERENTIAL_DIR, 'istio');
const HARNESS_PACKAGE = 'meshgate.dev/differential/istio-harness';
export const HARNESS_BINARY = 'istio-harness';

/** The istio.io/istio version test/differential/istio/go.mod pins. */
export function istioPin(goMod = join(HARNESS_MODULE_DIR, 'go.mod')): string {
  const m = /^\s*(?:require\s+)?istio\.io\/istio\s+(v\S+)/m.exec(readFileSync(goMod, 'utf8'));
  if (!m?.[1]) throw new Error(`${goMod}: no "istio.io/istio vX" requirement`);
  return m[1];
}

/** ~/.cache/meshgate-differential unless MESHGATE_DIFFERENTIAL_CACHE says otherwise. */
export function harnessCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['MESHGATE_DIFFERENTIAL_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'meshgate-differential');
}

/** A digest of the harness sources, so an edited harness is rebuilt rather than reused. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(HARNESS_MODULE_DIR)
    .filter((n) => /\.go$|^go\.(mod|sum)$/.test(n))
    .sort()) {
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(HARNESS_MODULE_DIR, f)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** Returns the harness binary, building it first (minutes, once) when the cache lacks it. */
export async function ensureHarness(progress: Progress, cacheRoot = harnessCacheRoot()): Promise<string> {
  const pin = istioPin();
  const binDir = join(cacheRoot, pin, sourceDigest());
  const binary = join(binDir, HARNESS_BINARY);
  if (existsSync(binary)) {
    progress(`using the cached Istio harness (istio.io/istio ${pin}) in ${binDir}`);
    return binary;
  }
  await checkGo("the differential suite builds Istio's injector from the istio.io/istio module");
  progress(`building the Istio harness (istio.io/istio ${pin}) into ${binDir}: the first build takes 5-15 minutes on 2 cores`);
  const started = Date.now();
  await goBuild(binDir, [HARNESS_PACKAGE], '-s -w', progress, HARNESS_MODULE_DIR);
  progress(`built the Istio harness in ${Math.round((Date.now() - started) / 1000)}s`);
  return binary;
}

/** One batch request (test/differential/istio/request.go documents every field). */
export interface HarnessRequest {
  readonly op: 'inject' | 'webhook' | 'validate' | 'config';
  readonly input?: string;
  readonly review?: unknown;
  readonly values?: string;
  readonly mesh?: string;
  readonly config?: string;
  readonly nativeSidecars?: boolean;
  readonly revision?: string;
  readonly namespace?: string;
  readonly namespaceObject?: unknown;
  readonly path?: string;
  readonly dryRun?: boolean;
}

export interface ValidateResult {
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly allowed: boolean;
  readonly message?: string;
  readonly warnings?: string[];
}

export interface ChartData {
  readonly config: string;
  readonly values: string;
  readonly mesh: string;
  readonly hub: string;
  readonly tag: string;
}

export interface HarnessResponse {
  readonly id?: number;
  readonly op: string;
  readonly outcome: 'ok' | 'denied' | 'error';
  readonly message?: string;
  readonly warnings?: string[];
  readonly objects?: unknown[];
  readonly output?: string;
  readonly admissionResponse?: unknown;
  readonly pod?: unknown;
  /** webhook: the request.object Istio was sent (the Pod as Go encodes it, as an API server sends it). */
  readonly requestObject?: unknown;
  readonly results?: ValidateResult[];
  readonly data?: ChartData;
}

export interface IstioHarness {
  /** Sends one request; answers come back in order, so many may be in flight. */
  request(req: HarnessRequest): Promise<HarnessResponse>;
  /** Closes stdin and waits for the process to end. */
  close(): Promise<void>;
}

export interface StartHarnessOptions {
  readonly binary: string;
  /** istiod settings Istio reads from the environment at start (ENABLE_NATIVE_SIDECARS, PLATFORM, ...). */
  readonly env?: Readonly<Record<string, string>>;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'none';
}

/** Starts `istio-harness batch`. */
export function startHarness(opts: StartHarnessOptions): IstioHarness {
  const child = spawn(opts.binary, ['batch', '--log-level', opts.logLevel ?? 'none'], {
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return batchClient(child);
}

interface Pending {
  readonly resolve: (r: HarnessResponse) => void;
  readonly reject: (e: Error) => void;
}

function batchClient(child: ChildProcessWithoutNullStreams): IstioHarness {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stderr = '';
  let failure: Error | undefined;
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-8000)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const res = JSON.parse(line) as HarnessResponse;
    const p = res.id === undefined ? undefined : pending.get(res.id);
    if (!p || res.id === undefined) return;
    pending.delete(res.id);
    p.resolve(res);
  });
  const exited = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      failure = new Error(`istio-harness batch ended (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2000)}`);
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
      resolve();
    });
  });
  child.stdin.on('error', () => undefined);
  return {
    request: (req) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ ...req, id })}\n`);
      }),
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
