// What the long-running scripts (bench, fuzz, soak) share: a free port, fresh certificates,
// and `meshgate serve` started as the Deployment runs it (its Node options), plus small
// HTTPS helpers that trust the run's self-signed certificate.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The Node options manifests/deployment.yaml gives meshgate (the heap cap shapes RSS, the semi-space the GC cost). */
export function deploymentNodeOptions() {
  return readFileSync(join(ROOT, 'manifests', 'deployment.yaml'), 'utf8').match(/--max-(?:old|semi)-space-size=\d+/g) ?? [];
}

/** A temporary directory with ca.crt, tls.crt and tls.key for 127.0.0.1 and localhost. */
export function certDir() {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-run-'));
  execFileSync(process.execPath, [join(ROOT, 'bin', 'meshgate.js'), 'certs', '--out', dir, '--dns', 'localhost', '--ip', '127.0.0.1'], { stdio: 'ignore' });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Node's arguments for `meshgate serve` from dist/ on 127.0.0.1:`port` with the certificates in `certsDir`, under the Deployment's Node options. */
export function serveArgv(port, certsDir, { nodeArgs = [], serveArgs = [] } = {}) {
  const serve = ['serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', join(certsDir, 'tls.crt'), '--tls-key', join(certsDir, 'tls.key')];
  return [...deploymentNodeOptions(), ...nodeArgs, join(ROOT, 'dist', 'main.js'), ...serve, ...serveArgs];
}

/**
 * Starts `meshgate serve` from dist/ on a free port; `stdio` as for spawn (stdout carries the
 * JSON logs). Resolves when /readyz answers.
 */
export async function startMeshgate({ nodeArgs = [], serveArgs = [], stdio = ['ignore', 'ignore', 'pipe'] } = {}) {
  const port = await freePort();
  const certs = certDir();
  const child = spawn(process.execPath, serveArgv(port, certs.dir, { nodeArgs, serveArgs }), { stdio });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`meshgate exited with ${child.exitCode} before it was ready`);
    const ready = await httpsGet(port, '/readyz').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (i > 300) throw new Error('meshgate did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    certs.cleanup();
  };
  return { port, child, certDir: certs.dir, exited, stop };
}

export function httpsGet(port, path, agent) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, ...(agent ? { agent } : {}) }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    })
      .on('error', reject)
      .end();
  });
}

/** A gauge or counter value from Prometheus text (NaN when absent). */
export function metric(text, name) {
  return Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
}

export async function rssMB(port, agent) {
  return metric((await httpsGet(port, '/metrics', agent)).text, 'process_resident_memory_bytes') / 2 ** 20;
}

let ticksPerSecond;

/** CPU time (user + system) a process has used so far, in microseconds, from /proc/<pid>/stat. */
export function cpuMicros(pid) {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}
