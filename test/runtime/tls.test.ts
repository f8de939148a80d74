// TLS of the listener: the minimum version is enforced, and replacing the certificate files
// changes the served certificate without a restart.
import { testValidators } from '../helpers/validators.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import type { Server as HttpsServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { writeCerts } from '../../src/certs/files.js';
import { buildApp } from '../../src/server/app.js';
import { engineRef } from '../../src/server/engines.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createReadiness } from '../../src/runtime/readiness.js';
import { loadPair, watchTls, type TlsWatcher } from '../../src/runtime/tls.js';
import { fakeInjector } from '../helpers/app.js';
import type { FastifyInstance } from 'fastify';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(minVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<{ app: FastifyInstance; port: number; dir: string; watcher: TlsWatcher }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  await writeCerts(dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  const pair = await loadPair(files);
  const log = pino({ level: 'silent' });
  const app = buildApp({
    logger: log,
    metrics: createMetrics(new Registry()),
    readiness: createReadiness(),
    injector: engineRef(fakeInjector(() => ({ kind: 'skip', reason: 'explicitly_disabled', message: '' }))),
    validators: engineRef(testValidators()),
    limits: { bodyLimitBytes: 1 << 20, requestTimeoutMs: 5000, headersTimeoutMs: 5000, keepAliveTimeoutMs: 5000 },
    tls: { ...pair, minVersion },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const watcher = watchTls({ files, initial: pair, log, apply: (p) => (app.server as unknown as HttpsServer).setSecureContext({ ...p, minVersion }), pollMs: 60_000 });
  cleanups.push(async () => {
    watcher.close();
    await app.close();
  });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : 0, dir, watcher };
}

interface Handshake {
  readonly ok: boolean;
  readonly serial?: string;
  readonly error?: string;
}

function handshake(port: number, version?: SecureVersion): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(version ? { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    });
    socket.once('secureConnect', () => {
      resolve({ ok: true, serial: socket.getPeerCertificate().serialNumber });
      socket.end();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: `${err.code ?? ''} ${err.message}` }));
  });
}

describe('TLS minimum version', () => {
  it('refuses a TLS 1.1 client and accepts TLS 1.2 by default', async () => {
    const { port } = await serve('TLSv1.2');
    const old = await handshake(port, 'TLSv1.1');
    expect(old.ok).toBe(false);
    expect(old.error).toMatch(/PROTOCOL_VERSION|unsupported protocol|no protocols available/i);
    expect((await handshake(port, 'TLSv1.2')).ok).toBe(true);
  });

  it('refuses TLS 1.2 when the minimum is 1.3', async () => {
    const { port } = await serve('TLSv1.3');
    expect((await handshake(port, 'TLSv1.2')).ok).toBe(false);
    expect((await handshake(port, 'TLSv1.3')).ok).toBe(true);
  });
});

describe('certificate hot reload', () => {
  it('serves the new certificate after the files are replaced, without a restart', async () => {
    const { port, dir, watcher } = await serve('TLSv1.2');
    const before = await handshake(port);
    expect(before.ok).toBe(true);
    await writeCerts(dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], reuseCA: true });
    // File events trigger the reload; check() makes the test independent of their timing.
    await watcher.check();
    const after = await handshake(port);
    expect(after.ok).toBe(true);
    expect(after.serial).toBeDefined();
    expect(after.serial).not.toBe(before.serial);
  });

  it('keeps serving the old certificate when the new key does not match', async () => {
    const { port, dir, watcher } = await serve('TLSv1.2');
    const before = await handshake(port);
    const other = mkdtempSync(join(tmpdir(), 'meshgate-tls-other-'));
    cleanups.push(() => rmSync(other, { recursive: true, force: true }));
    await writeCerts(other, { dnsNames: ['localhost'] });
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(other, 'tls.key'), join(dir, 'tls.key'));
    expect(await watcher.check()).toBe(false);
    const after = await handshake(port);
    expect(after.ok).toBe(true);
    expect(after.serial).toBe(before.serial);
  });
});
