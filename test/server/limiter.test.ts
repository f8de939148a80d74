// The in-flight limits on admission work: the budget derived from the heap cap, the two pools
// (small requests never wait behind large ones; the first large one always gets in), the queue,
// and the 429 a shed request gets through the app — with Retry-After, a Kubernetes Status body,
// and its metrics — before its body is read.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import type { Injector } from '../../src/inject/index.js';
import { flagMiB, inFlightBudget, oldSpaceOf, MIN_BUDGET_BYTES } from '../../src/server/heap-budget.js';
import { createGate, DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE_TIMEOUT_MS } from '../../src/server/limiter.js';
import { review, testApp } from '../helpers/app.js';

const MiB = 1024 * 1024;

describe('the in-flight budget', () => {
  it('reads V8 size flags as Node passes them, the last one winning', () => {
    expect(flagMiB(['--max-old-space-size=128'], 'max-old-space-size')).toBe(128 * MiB);
    expect(flagMiB(['--max_old_space_size', '256'], 'max-old-space-size')).toBe(256 * MiB);
    expect(flagMiB(['--max-old-space-size=128', '--max-old-space-size=64'], 'max-old-space-size')).toBe(64 * MiB);
    expect(flagMiB(['--max-semi-space-size=8'], 'max-old-space-size')).toBeUndefined();
  });

  it('is an eighth of --max-old-space-size, whatever the young generation adds to heap_size_limit', () => {
    // Node 24 with --max-old-space-size=128: heap_size_limit 320 MiB (3 x 64 MiB semi-spaces);
    // with --max-semi-space-size=8 added: 152 MiB. The old generation is 128 MiB either way.
    for (const limit of [320, 152]) {
      const b = inFlightBudget(0, { heapSizeLimit: limit * MiB, maxOldSpace: 128 * MiB });
      expect(b).toEqual({ bytes: 16 * MiB, oldSpace: 128 * MiB, source: 'max-old-space-size' });
    }
  });

  it('without --max-old-space-size, takes the young generation out of heap_size_limit when its size is known', () => {
    expect(oldSpaceOf({ heapSizeLimit: 152 * MiB, maxSemiSpace: 8 * MiB })).toEqual({ bytes: 128 * MiB, source: 'heap-size-limit' });
    expect(oldSpaceOf({ heapSizeLimit: 4288 * MiB })).toEqual({ bytes: 4288 * MiB, source: 'heap-size-limit' });
  });

  it('stays under a sixteenth of a container limit and above the floor; a configured figure wins', () => {
    expect(inFlightBudget(0, { heapSizeLimit: 4288 * MiB, cgroupLimit: 256 * MiB })).toMatchObject({ bytes: 16 * MiB, source: 'memory-limit' });
    expect(inFlightBudget(0, { heapSizeLimit: 320 * MiB, maxOldSpace: 128 * MiB, cgroupLimit: 512 * MiB })).toMatchObject({ bytes: 16 * MiB, source: 'max-old-space-size' });
    expect(inFlightBudget(0, { heapSizeLimit: 64 * MiB, maxOldSpace: 32 * MiB }).bytes).toBe(MIN_BUDGET_BYTES);
    expect(inFlightBudget(3 * MiB, { heapSizeLimit: 320 * MiB, maxOldSpace: 128 * MiB })).toMatchObject({ bytes: 3 * MiB, source: 'configured' });
  });

  it('has the defaults config.ts documents, and takes them from flags and environment', () => {
    const c = buildConfig({ flags: {}, env: {} });
    expect(c).toMatchObject({ maxInFlightBytes: 0, maxInFlight: DEFAULT_MAX_IN_FLIGHT, queueTimeoutMs: DEFAULT_QUEUE_TIMEOUT_MS });
    const set = buildConfig({ flags: { 'max-inflight': '8' }, env: { MESHGATE_MAX_INFLIGHT_BYTES: '1048576', MESHGATE_QUEUE_TIMEOUT_MS: '0' } });
    expect(set).toMatchObject({ maxInFlightBytes: MiB, maxInFlight: 8, queueTimeoutMs: 0 });
  });
});

const budget = { bytes: 16 * MiB, oldSpace: 128 * MiB, source: 'max-old-space-size' as const };

describe('the gate', () => {
  it('lets the first large request in whatever its size, holds the next that does not fit, and lets small ones pass', () => {
    const gate = createGate({ budget, maxInFlight: 200, queueTimeoutMs: 1000, bodyLimitBytes: 7 * MiB });
    expect(gate.smallMax).toBe(256 * 1024);
    const big = 6.5 * MiB;
    const large = gate.poolOf(big);
    expect(gate.tryTake(big, large)).toBe('taken');
    expect(gate.tryTake(big, large)).toBe('taken');
    // 13 MiB of the large pool's 14 MiB are taken.
    expect(gate.tryTake(big, large)).toBe('wait');
    const small = gate.poolOf(5000);
    for (let i = 0; i < 100; i++) expect(gate.tryTake(5000, small)).toBe('taken');
    expect(gate.state()).toMatchObject({ inFlight: 102, inFlightBytes: 2 * big + 100 * 5000 });
    // The small pool (2 MiB) bounds small ones by bytes, the concurrency limit by count.
    for (let i = 0; i < 98; i++) expect(gate.tryTake(1000, small)).toBe('taken');
    expect(gate.tryTake(1000, small)).toBe('wait');
    const alone = createGate({ budget: { ...budget, bytes: 4 * MiB }, maxInFlight: 64, queueTimeoutMs: 1000, bodyLimitBytes: 7 * MiB });
    expect(alone.tryTake(7 * MiB, alone.poolOf(7 * MiB))).toBe('taken');
  });

  it('grants a waiter when room is given back, and expires it when none comes', async () => {
    const gate = createGate({ budget, maxInFlight: 2, queueTimeoutMs: 50, bodyLimitBytes: 7 * MiB });
    const pool = gate.poolOf(1000);
    expect(gate.tryTake(1000, pool)).toBe('taken');
    expect(gate.tryTake(1000, pool)).toBe('taken');
    expect(gate.tryTake(1000, pool)).toBe('wait');
    const events: string[] = [];
    gate.wait(
      1000,
      pool,
      () => events.push('granted'),
      () => events.push('expired'),
    );
    expect(gate.state().queued).toBe(1);
    gate.give(1000, pool);
    expect(events).toEqual(['granted']);
    expect(gate.state()).toMatchObject({ inFlight: 2, queued: 0 });
    gate.wait(
      1000,
      pool,
      () => events.push('granted'),
      () => events.push('expired'),
    );
    await new Promise((r) => setTimeout(r, 120));
    expect(events).toEqual(['granted', 'expired']);
    expect(gate.state().queued).toBe(0);
  });

  it('sheds at once when the queue is full or waiting is off', () => {
    const gate = createGate({ budget, maxInFlight: 1, queueTimeoutMs: 1000, bodyLimitBytes: 7 * MiB });
    const pool = gate.poolOf(1000);
    expect(gate.tryTake(1000, pool)).toBe('taken');
    const cancel = gate.wait(
      1000,
      pool,
      () => undefined,
      () => undefined,
    );
    expect(gate.tryTake(1000, pool)).toBe('queue_full');
    cancel();
    const none = createGate({ budget, maxInFlight: 1, queueTimeoutMs: 0, bodyLimitBytes: 7 * MiB });
    expect(none.tryTake(1000, pool)).toBe('taken');
    expect(none.tryTake(1000, pool)).toBe('queue_full');
  });
});

/** An injector whose Namespace lookup the test releases, so requests stay in flight. */
function heldApp(limits: { maxInFlight: number; queueTimeoutMs: number; maxInFlightBytes?: number }) {
  const release: (() => void)[] = [];
  const injector = { templateNames: ['sidecar'], revision: '', needsNamespace: true, inject: () => ({ kind: 'inject', patch: [], warnings: [] }) } as unknown as Injector;
  const t = testApp({ injector, limits, namespaces: () => new Promise((r) => release.push(() => r(undefined))) });
  return { ...t, release };
}

describe('POST /inject over the limits', () => {
  it('is answered 429 with Retry-After and a Kubernetes Status, counted and logged, while admitted ones finish', async () => {
    const t = heldApp({ maxInFlight: 1, queueTimeoutMs: 0 });
    const first = t.app.inject({ method: 'POST', url: '/inject', payload: review() });
    for (let i = 0; i < 50 && t.release.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const shed = await t.app.inject({ method: 'POST', url: '/inject/cluster/a/net/b', payload: review() });
    expect(shed.statusCode).toBe(429);
    expect(shed.headers['retry-after']).toBe('1');
    const body = shed.json() as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'TooManyRequests', code: 429, error: 'TOO_MANY_REQUESTS', statusCode: 429 });
    expect(String(body['message'])).toMatch(/^meshgate is at its in-flight limit \(1 requests, .* retry in 1 s$/);
    t.release.forEach((r) => r());
    expect((await first).statusCode).toBe(200);
    const metrics = await t.metrics.registry.metrics();
    expect(metrics).toContain('meshgate_admission_shed_total{route="inject",reason="queue_full"} 1');
    expect(metrics).toContain('sidecar_injection_failure_total{reason="too_many_requests"} 1');
    expect(metrics).toMatch(/meshgate_admission_inflight_requests 0\n/);
    expect(t.logs().find((l) => l['msg'] === 'request shed')).toMatchObject({ status: 429, reason: 'queue_full', path: '/inject/cluster/a/net/b' });
  });

  it('waits for room in the queue and is answered once an earlier request finishes', async () => {
    const t = heldApp({ maxInFlight: 1, queueTimeoutMs: 5000 });
    const first = t.app.inject({ method: 'POST', url: '/inject', payload: review() });
    for (let i = 0; i < 50 && t.release.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const second = t.app.inject({ method: 'POST', url: '/validate', payload: review() });
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.metrics.registry.getSingleMetricAsString('meshgate_admission_queued_requests')).toMatch(/ 1$/m);
    t.release.forEach((r) => r());
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
  });

  it('leaves a body over the body limit to the 413, and other routes alone', async () => {
    const t = heldApp({ maxInFlight: 1, queueTimeoutMs: 0 });
    const held = t.app.inject({ method: 'POST', url: '/inject', payload: review() });
    for (let i = 0; i < 50 && t.release.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const huge = await t.app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json', 'content-length': String(8 * MiB) }, payload: 'x' });
    expect(huge.statusCode).toBe(413);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    t.release.forEach((r) => r());
    await held;
  });
});
