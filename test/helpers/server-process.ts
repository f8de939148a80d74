// Runs `meshgate serve` from dist/ as a real child process on a free port with fresh
// certificates, for tests that need the process itself (signals, files, sockets, logs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeCerts } from '../../src/certs/files.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface ServerProcess {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** JSON log lines parsed from stdout. */
  logs(): Record<string, unknown>[];
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
    s.on('error', rej);
  });
}

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request with its own connection (agent: false), trusting any certificate. */
export function https(port: number, opts: RequestOptions & { body?: string | Buffer }): Promise<HttpResult> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, rejectUnauthorized: false, agent: false, ...opts }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end(opts.body);
  });
}

export function postJSON(port: number, path: string, body: unknown): Promise<HttpResult> {
  return https(port, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function waitReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`meshgate exited ${child.exitCode}:\n${output()}`);
    try {
      const r = await https(port, { path: '/readyz' });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`meshgate did not become ready:\n${output()}`);
}

export async function startServer(args: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-proc-'));
  await writeCerts(dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'main.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), ...args],
    { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const output = (): string => out;
  await waitReady(port, child, output);
  return {
    port,
    dir,
    child,
    output,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited: () => exit,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
