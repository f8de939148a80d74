// Bounded memory under bursts: admission requests (POST /inject, /validate) reserve their body's
// size from an in-flight byte budget and a slot from a concurrency limit before fastify reads the
// body, taking the size from Content-Length, so a body over the budget is never read, let alone
// parsed. Small requests (the usual Pod or route) draw on their own eighth of the budget, so a
// burst of large Pods never delays or sheds them; large ones share the rest, and the first of
// them is always let in, so any body within the body limit can be served. What does not fit
// waits in a short queue, with its body unread in the socket, and is answered 429 with
// Retry-After when the queue is full or the wait runs out: the API server's webhook client
// retries a 429 carrying Retry-After within the webhook's timeout, and only then applies the
// failure policy. The gauges are read when /metrics is scraped, never on the request path.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Budget } from './heap-budget.js';

export interface LimiterOptions {
  readonly budget: Budget;
  /** Admission requests in flight at once. */
  readonly maxInFlight: number;
  /** Longest wait for room before a request is shed; 0 sheds at once. */
  readonly queueTimeoutMs: number;
  /** The body limit: a body of unknown length (chunked) reserves this much. */
  readonly bodyLimitBytes: number;
}

/** Defaults of --max-inflight and --queue-timeout-ms (config.ts repeats them; a test keeps them equal). */
export const DEFAULT_MAX_IN_FLIGHT = 64;
export const DEFAULT_QUEUE_TIMEOUT_MS = 1000;

export type ShedReason = 'queue_full' | 'queue_timeout';

export interface ShedEvent {
  readonly route: 'inject' | 'validate';
  readonly reason: ShedReason;
  readonly bytes: number;
  readonly message: string;
}

export interface LimiterState {
  readonly inFlight: number;
  readonly inFlightBytes: number;
  readonly queued: number;
  readonly budgetBytes: number;
}

export interface Limiter {
  /** A fastify onRequest hook; requests other than admission POSTs pass untouched. */
  readonly onRequest: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;
  state(): LimiterState;
}

interface Pool {
  used: number;
  count: number;
  readonly capacity: number;
  /** The first request of the pool is let in whatever its size. */
  readonly firstAlways: boolean;
}

interface Waiter {
  readonly size: number;
  readonly pool: Pool;
  readonly grant: () => void;
  timer?: NodeJS.Timeout;
}

const MiB = 1024 * 1024;
const mib = (n: number): string => (n / MiB).toFixed(1);

function routeOf(url: string): 'inject' | 'validate' | undefined {
  if (url.startsWith('/inject')) return 'inject';
  if (url.startsWith('/validate')) return 'validate';
  return undefined;
}

/** Content-Length as a number; undefined when absent or malformed (fastify answers those itself). */
function declaredLength(request: FastifyRequest): number | undefined {
  const raw = request.headers['content-length'];
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function limiterMetrics(registry: Registry, state: () => LimiterState) {
  const gauge = (name: string, help: string, read: (s: LimiterState) => number): Gauge => {
    return new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(state()));
      },
    });
  };
  gauge(
    'meshgate_admission_inflight_bytes',
    'Bytes of admission request bodies reserved by requests in flight (Content-Length, or the body limit for a body of unknown length).',
    (s) => s.inFlightBytes,
  );
  gauge('meshgate_admission_inflight_requests', 'Admission requests in flight (admitted by the limiter, not yet answered).', (s) => s.inFlight);
  gauge('meshgate_admission_queued_requests', 'Admission requests waiting for room in the in-flight limits, their bodies unread.', (s) => s.queued);
  gauge('meshgate_admission_inflight_bytes_limit', 'The in-flight byte budget (--max-inflight-bytes, or derived from the heap cap).', (s) => s.budgetBytes);
  return new Counter({
    name: 'meshgate_admission_shed_total',
    help: 'Admission requests answered 429 because the in-flight limits had no room, by route and reason (queue_full, queue_timeout).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
}

function shedBody(message: string): string {
  // A Kubernetes Status, so the API server shows the message when it gives up retrying; plus
  // meshgate's own error fields, as every other refused request carries.
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'TooManyRequests',
    code: 429,
    details: { retryAfterSeconds: 1 },
    error: 'TOO_MANY_REQUESTS',
    statusCode: 429,
  });
}

/** The limiter's bookkeeping: two pools, a concurrency count and a queue, without fastify. */
export function createGate(opts: LimiterOptions) {
  const smallCapacity = Math.floor(opts.budget.bytes / 8);
  const small: Pool = { used: 0, count: 0, capacity: smallCapacity, firstAlways: false };
  const large: Pool = { used: 0, count: 0, capacity: opts.budget.bytes - smallCapacity, firstAlways: true };
  /** The largest request that counts as small. */
  const smallMax = Math.floor(smallCapacity / 8);
  const queue: Waiter[] = [];
  let inFlight = 0;

  const fits = (size: number, pool: Pool): boolean => inFlight < opts.maxInFlight && ((pool.firstAlways && pool.count === 0) || pool.used + size <= pool.capacity);
  const take = (size: number, pool: Pool): void => {
    pool.used += size;
    pool.count++;
    inFlight++;
  };
  const drain = (): void => {
    for (let i = 0; i < queue.length; ) {
      const w = queue[i] as Waiter;
      if (!fits(w.size, w.pool)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      clearTimeout(w.timer);
      take(w.size, w.pool);
      w.grant();
    }
  };
  const give = (size: number, pool: Pool): void => {
    pool.used -= size;
    pool.count--;
    inFlight--;
    drain();
  };
  return {
    smallMax,
    poolOf: (size: number): Pool => (size <= smallMax ? small : large),
    /** Takes room now, or says why not. */
    tryTake(size: number, pool: Pool): 'taken' | 'wait' | 'queue_full' {
      // The first that fits goes in: whoever waits does not fit its pool now (drain would have let it in).
      if (fits(size, pool)) {
        take(size, pool);
        return 'taken';
      }
      return opts.queueTimeoutMs > 0 && queue.length < opts.maxInFlight ? 'wait' : 'queue_full';
    },
    /** Waits for room; `grant` runs once room is taken, `expire` if the wait runs out first. Returns a cancel function. */
    wait(size: number, pool: Pool, grant: () => void, expire: () => void): () => void {
      const w: Waiter = { size, pool, grant };
      w.timer = setTimeout(() => {
        const i = queue.indexOf(w);
        if (i >= 0) queue.splice(i, 1);
        expire();
      }, opts.queueTimeoutMs);
      queue.push(w);
      return () => {
        const i = queue.indexOf(w);
        if (i >= 0) queue.splice(i, 1);
        clearTimeout(w.timer);
      };
    },
    give,
    state: (): LimiterState => ({ inFlight, inFlightBytes: small.used + large.used, queued: queue.length, budgetBytes: opts.budget.bytes }),
  };
}

export function createLimiter(opts: LimiterOptions, registry: Registry, onShed: (event: ShedEvent, request: FastifyRequest, reply: FastifyReply) => void): Limiter {
  const gate = createGate(opts);
  const shedCount = limiterMetrics(registry, gate.state);

  const shed = (route: 'inject' | 'validate', reason: ShedReason, size: number, request: FastifyRequest, reply: FastifyReply): void => {
    const s = gate.state();
    const wait = reason === 'queue_timeout' ? `after waiting ${opts.queueTimeoutMs} ms ` : '';
    const message = `meshgate is at its in-flight limit ${wait}(${s.inFlight} requests, ${mib(s.inFlightBytes)} of ${mib(s.budgetBytes)} MiB; this body ${mib(size)} MiB, ${s.queued} waiting); retry in 1 s`;
    shedCount.labels({ route, reason }).inc();
    onShed({ route, reason, bytes: size, message }, request, reply);
    void reply.code(429).header('retry-after', '1').type('application/json').send(shedBody(message));
  };

  const onRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const route = request.method === 'POST' ? routeOf(request.url) : undefined;
    if (route === undefined) return done();
    const declared = declaredLength(request);
    // Over the body limit: fastify answers 413 without reading the body.
    if (declared !== undefined && declared > opts.bodyLimitBytes) return done();
    const size = declared ?? opts.bodyLimitBytes;
    const pool = gate.poolOf(size);
    let held = false;
    let cancel: (() => void) | undefined;
    // Released when the answer is sent or the connection closes, whichever comes first.
    reply.raw.once('close', () => {
      cancel?.();
      if (held) {
        held = false;
        gate.give(size, pool);
      }
    });
    const outcome = gate.tryTake(size, pool);
    if (outcome === 'taken') {
      held = true;
      return done();
    }
    if (outcome === 'queue_full') return shed(route, 'queue_full', size, request, reply);
    cancel = gate.wait(
      size,
      pool,
      () => {
        held = true;
        cancel = undefined;
        done();
      },
      () => {
        cancel = undefined;
        shed(route, 'queue_timeout', size, request, reply);
      },
    );
  };

  return { onRequest, state: gate.state };
}
