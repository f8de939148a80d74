// The one way meshgate records Kubernetes Events: the admission Events people need to see (a
// Pod not injected though its namespace asked, a denied Pod, a denied object), on the object a
// person applied — the Pod's owning workload (pod-owners.ts) or the object itself — and the
// operational Events of events.ts (leadership, certificates, ...) on meshgate's own objects.
// Like client-go's recorder, it aggregates: the same reason and message on the same object is one Event whose count and
// lastTimestamp grow (a Deployment of 50 skipped Pods is one Event with count 50). Writes are
// rate-limited three ways: one write per Event per flush interval (counts in between are
// folded into the next), a token bucket for all writes, and a cap on distinct Events per object.
// Recording never blocks a request: notices are queued (bounded; overflow is dropped and
// counted) and written later. A refused write is logged at debug level and counted.
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { AdmissionNotice, NoticeSink, ObjectRef } from '../../admission/notice.js';
import type { OwnerResolver } from './pod-owners.js';

/** The two API calls the recorder makes; tests give fakes. */
export interface EventWriter {
  /** Creates the Event; resolves its name. */
  create(namespace: string, body: CoreV1Event): Promise<string>;
  /** Sets count and lastTimestamp; 'gone' when the Event no longer exists (expired or deleted). */
  update(namespace: string, name: string, count: number, last: Date): Promise<'ok' | 'gone'>;
}

export interface EventLimits {
  /** Least time between two writes of the same Event (default 10 s). */
  readonly flushMs: number;
  /** Writes allowed at once, and refilled per second (defaults 25 and 5). */
  readonly burst: number;
  readonly perSecond: number;
  /** Distinct Events per object within the aggregation window (default 10). */
  readonly perObject: number;
  /** How long an Event keeps aggregating after its last occurrence (default 10 min). */
  readonly windowMs: number;
  /** Notices waiting to be written (default 1000); more are dropped. */
  readonly queue: number;
  /** Events remembered for aggregation (default 2048). */
  readonly entries: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = { flushMs: 10_000, burst: 25, perSecond: 5, perObject: 10, windowMs: 10 * 60_000, queue: 1000, entries: 2048 };

export type EventResult = 'created' | 'updated' | 'aggregated' | 'dropped' | 'failed';

export interface EventAggregatorOptions {
  readonly writer: EventWriter;
  readonly resolver: OwnerResolver;
  /** The replica's identity (reportingInstance). */
  readonly instance: string;
  readonly log: Logger;
  readonly onResult?: (reason: string, result: EventResult) => void;
  readonly limits?: Partial<EventLimits>;
  readonly now?: () => number;
}

export interface EventAggregator extends NoticeSink {
  /** Resolves once everything queued so far has been written or scheduled (tests). */
  settle(): Promise<void>;
  stop(): void;
}

interface Entry {
  readonly key: string;
  readonly objectKey: string;
  readonly target: ObjectRef;
  readonly notice: AdmissionNotice;
  readonly first: number;
  last: number;
  count: number;
  written: number;
  name?: string;
  lastWrite: number;
  timer?: NodeJS.Timeout;
  busy: boolean;
}

const NAME_CHARS = /[^a-z0-9.-]/g;

/** A valid generateName prefix from an object name that may end in `*` (a Pod without a name yet). */
function namePrefix(name: string): string {
  const base = name
    .toLowerCase()
    .replace(NAME_CHARS, '')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 200);
  return `${base || 'meshgate'}.`;
}

export function eventBody(target: ObjectRef, notice: AdmissionNotice, instance: string, at: { first: Date; last: Date; count: number }): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: namePrefix(target.name), namespace: target.namespace || 'default' },
    involvedObject: {
      apiVersion: target.apiVersion,
      kind: target.kind,
      name: target.name,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.uid ? { uid: target.uid } : {}),
    },
    reason: notice.reason,
    message: notice.message.slice(0, 1024),
    type: notice.type,
    source: { component: 'meshgate' },
    reportingComponent: 'meshgate',
    reportingInstance: instance.slice(0, 128),
    firstTimestamp: at.first,
    lastTimestamp: at.last,
    count: at.count,
  };
}

function tokenBucket(burst: number, perSecond: number, now: () => number): { take(): number } {
  let tokens = burst;
  let at = now();
  return {
    /** 0 when a token was taken, else the milliseconds until one is available. */
    take: () => {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
      at = t;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}

export function createEventAggregator(opts: EventAggregatorOptions): EventAggregator {
  const limits: EventLimits = { ...DEFAULT_EVENT_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  const bucket = tokenBucket(limits.burst, limits.perSecond, now);
  const entries = new Map<string, Entry>();
  const perObject = new Map<string, number>();
  const queue: AdmissionNotice[] = [];
  let draining: Promise<void> | undefined;
  let stopped = false;
  const result = (reason: string, r: EventResult): void => opts.onResult?.(reason, r);

  const forget = (e: Entry): void => {
    if (e.timer) clearTimeout(e.timer);
    entries.delete(e.key);
    const n = (perObject.get(e.objectKey) ?? 1) - 1;
    if (n <= 0) perObject.delete(e.objectKey);
    else perObject.set(e.objectKey, n);
  };
  const expire = (): void => {
    const t = now();
    for (const e of entries.values()) if (t - e.last > limits.windowMs && e.written === e.count && !e.busy) forget(e);
    while (entries.size >= limits.entries) {
      const oldest = entries.values().next().value as Entry;
      forget(oldest);
    }
  };
  const inflight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const schedule = (e: Entry, ms: number): void => {
    if (e.timer || stopped) return;
    e.timer = setTimeout(
      () => {
        e.timer = undefined;
        track(write(e));
      },
      Math.max(ms, 0),
    );
    e.timer.unref();
  };
  const send = async (e: Entry): Promise<void> => {
    const count = e.count;
    const at = { first: new Date(e.first), last: new Date(e.last), count };
    const ns = e.target.namespace || 'default';
    if (e.name !== undefined && (await opts.writer.update(ns, e.name, count, at.last)) === 'ok') {
      result(e.notice.reason, 'updated');
    } else {
      e.name = await opts.writer.create(ns, eventBody(e.target, e.notice, opts.instance, at));
      result(e.notice.reason, 'created');
    }
    e.written = count;
  };
  const write = async (e: Entry): Promise<void> => {
    if (e.busy || e.written === e.count || stopped) return;
    const early = e.lastWrite + limits.flushMs - now();
    if (early > 0) return schedule(e, early);
    const wait = bucket.take();
    if (wait > 0) return schedule(e, wait);
    e.busy = true;
    e.lastWrite = now();
    try {
      await send(e);
    } catch (err) {
      result(e.notice.reason, 'failed');
      opts.log.debug({ err: (err as Error).message, reason: e.notice.reason, object: `${e.target.kind} ${e.target.namespace}/${e.target.name}` }, 'cannot record an Event');
      e.written = e.count;
    } finally {
      e.busy = false;
    }
    if (e.written !== e.count) schedule(e, limits.flushMs);
  };
  const record = async (n: AdmissionNotice): Promise<void> => {
    const target = await opts.resolver.resolve(n.object);
    const objectKey = `${target.namespace}/${target.apiVersion}/${target.kind}/${target.name}/${target.uid ?? ''}`;
    const key = `${objectKey}\u0000${n.type}\u0000${n.reason}\u0000${n.message}`;
    const t = now();
    const known = entries.get(key);
    if (known) {
      known.count += 1;
      known.last = t;
      result(n.reason, 'aggregated');
      return write(known);
    }
    expire();
    if ((perObject.get(objectKey) ?? 0) >= limits.perObject) return result(n.reason, 'dropped');
    perObject.set(objectKey, (perObject.get(objectKey) ?? 0) + 1);
    const e: Entry = { key, objectKey, target, notice: n, first: t, last: t, count: 1, written: 0, lastWrite: -Infinity, busy: false };
    entries.set(key, e);
    return write(e);
  };
  const drain = async (): Promise<void> => {
    while (queue.length > 0 && !stopped) {
      const n = queue.shift() as AdmissionNotice;
      await record(n).catch((err: unknown) => opts.log.debug({ err: (err as Error).message }, 'cannot record an Event'));
    }
    draining = undefined;
  };
  return {
    notify: (n) => {
      if (stopped) return;
      if (queue.length >= limits.queue) return result(n.reason, 'dropped');
      queue.push(n);
      draining ??= new Promise<void>((r) => setImmediate(r)).then(drain);
    },
    settle: async () => {
      while (draining || inflight.size > 0) {
        if (draining) await draining;
        await Promise.all([...inflight]);
      }
    },
    stop: () => {
      stopped = true;
      for (const e of entries.values()) if (e.timer) clearTimeout(e.timer);
    },
  };
}
