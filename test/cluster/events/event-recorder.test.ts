// Admission Events: one Event per object, reason and message, whose count grows; writes limited
// per Event, overall and per object; the owning workload resolved through owner references.
import type { CoreV1Event } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AdmissionNotice, ObjectRef } from '../../../src/admission/notice.js';
import { createEventAggregator, type EventResult, type EventWriter } from '../../../src/cluster/events/event-recorder.js';
import { createOwnerResolver, type OwnerResolver } from '../../../src/cluster/events/pod-owners.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (up to 5 s) for timers the recorder scheduled; a loaded machine runs them late. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await sleep(20);
}

interface Call {
  readonly op: 'create' | 'update';
  readonly namespace: string;
  readonly name: string;
  readonly count: number;
  readonly body?: CoreV1Event;
}

function fakeWriter(opts: { gone?: boolean; fail?: boolean } = {}): { writer: EventWriter; calls: Call[] } {
  const calls: Call[] = [];
  let n = 0;
  return {
    calls,
    writer: {
      create: async (namespace, body) => {
        if (opts.fail) throw new Error('events is forbidden');
        const name = `${body.metadata?.generateName ?? ''}${++n}`;
        calls.push({ op: 'create', namespace, name, count: body.count ?? 0, body });
        return name;
      },
      update: async (namespace, name, count) => {
        calls.push({ op: 'update', namespace, name, count });
        return opts.gone ? 'gone' : 'ok';
      },
    },
  };
}

const asIs: OwnerResolver = { resolve: async (ref) => ref };

const deployment: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'cart', uid: 'd-1' };

function notice(object: ObjectRef = deployment, message = 'The Istio sidecar was not injected (host_network): the Pod uses the host network'): AdmissionNotice {
  return { type: 'Warning', reason: 'SidecarInjectionSkipped', message, object };
}

describe('admission Events', () => {
  it('fifty Pods of one workload become one Event whose count is fifty, written twice', async () => {
    const { writer, calls } = fakeWriter();
    const results: EventResult[] = [];
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'replica-a', log, limits: { flushMs: 50 }, onResult: (_r, res) => results.push(res) });
    for (let i = 0; i < 50; i++) events.notify(notice());
    await events.settle();
    await until(() => calls.length >= 2);
    await events.settle();
    expect(calls.map((c) => [c.op, c.count])).toEqual([
      ['create', 1],
      ['update', 50],
    ]);
    const body = calls[0]?.body as CoreV1Event;
    expect(body).toMatchObject({
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'shop', uid: 'd-1' },
      reason: 'SidecarInjectionSkipped',
      type: 'Warning',
      source: { component: 'meshgate' },
      reportingComponent: 'meshgate',
      reportingInstance: 'replica-a',
      metadata: { generateName: 'cart.', namespace: 'shop' },
    });
    expect(results.filter((r) => r === 'aggregated')).toHaveLength(49);
    events.stop();
  });

  it('different messages on one object are different Events, up to the per-object cap', async () => {
    const { writer, calls } = fakeWriter();
    const dropped: string[] = [];
    const events = createEventAggregator({
      writer,
      resolver: asIs,
      instance: 'i',
      log,
      limits: { perObject: 3 },
      onResult: (reason, r) => r === 'dropped' && dropped.push(reason),
    });
    for (let i = 0; i < 5; i++) events.notify(notice(deployment, `message ${i}`));
    await events.settle();
    expect(calls.filter((c) => c.op === 'create').map((c) => c.body?.message)).toEqual(['message 0', 'message 1', 'message 2']);
    expect(dropped).toHaveLength(2);
    events.stop();
  });

  it('spreads writes for many objects over time with the token bucket', async () => {
    const { writer, calls } = fakeWriter();
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'i', log, limits: { burst: 2, perSecond: 20 } });
    for (let i = 0; i < 4; i++) events.notify(notice({ ...deployment, name: `app-${i}`, uid: `u-${i}` }));
    await events.settle();
    expect(calls).toHaveLength(2);
    await until(() => calls.length >= 4);
    await events.settle();
    expect(calls.map((c) => c.body?.involvedObject.name).sort()).toEqual(['app-0', 'app-1', 'app-2', 'app-3']);
    events.stop();
  });

  it('an Event that expired is created again with the whole count', async () => {
    const { writer, calls } = fakeWriter({ gone: true });
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'i', log, limits: { flushMs: 20 } });
    events.notify(notice());
    await events.settle();
    events.notify(notice());
    events.notify(notice());
    await events.settle();
    await until(() => calls.length >= 3);
    await events.settle();
    expect(calls.map((c) => [c.op, c.count])).toEqual([
      ['create', 1],
      ['update', 3],
      ['create', 3],
    ]);
    events.stop();
  });

  it('a refused write is counted and never thrown to the caller', async () => {
    const { writer } = fakeWriter({ fail: true });
    const results: EventResult[] = [];
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'i', log, onResult: (_r, res) => results.push(res) });
    expect(() => events.notify(notice())).not.toThrow();
    await events.settle();
    expect(results).toEqual(['failed']);
    events.stop();
  });

  it('a full queue drops notices instead of growing', async () => {
    const { writer } = fakeWriter();
    const results: EventResult[] = [];
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'i', log, limits: { queue: 2 }, onResult: (_r, res) => results.push(res) });
    for (let i = 0; i < 5; i++) events.notify(notice());
    expect(results.filter((r) => r === 'dropped')).toHaveLength(3);
    await events.settle();
    events.stop();
  });

  it('a Pod without a name gets a valid generateName and its Event names the Pod prefix', async () => {
    const { writer, calls } = fakeWriter();
    const events = createEventAggregator({ writer, resolver: asIs, instance: 'i', log });
    events.notify(notice({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'cart-7d9f-*' }));
    await events.settle();
    expect(calls[0]?.body?.metadata?.generateName).toBe('cart-7d9f.');
    expect(calls[0]?.body?.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'cart-7d9f-*', namespace: 'shop' });
    events.stop();
  });
});

describe('the owning workload of a Pod', () => {
  const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9f', uid: 'rs-1', controller: true };
  const pod: ObjectRef = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'cart-7d9f-*', ownerReferences: [rsOwner] };

  function fakeCustom(
    objects: Record<string, unknown>,
    reads: string[],
  ): { custom: { getNamespacedCustomObject: (p: { group: string; plural: string; namespace: string; name: string }) => Promise<unknown> } } {
    return {
      custom: {
        getNamespacedCustomObject: async (p) => {
          const key = `${p.group}/${p.plural}/${p.namespace}/${p.name}`;
          reads.push(key);
          if (!(key in objects)) throw Object.assign(new Error('not found'), { code: 404 });
          return objects[key];
        },
      },
    };
  }

  it('ReplicaSet → Deployment, read once for many Pods', async () => {
    const reads: string[] = [];
    const kube = fakeCustom(
      { 'apps/replicasets/shop/cart-7d9f': { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', uid: 'd-1', controller: true }] } } },
      reads,
    );
    const resolver = createOwnerResolver({ kube: kube as never });
    for (let i = 0; i < 3; i++) expect(await resolver.resolve(pod)).toEqual(deployment);
    expect(reads).toEqual(['apps/replicasets/shop/cart-7d9f']);
  });

  it('Job → CronJob', async () => {
    const reads: string[] = [];
    const job = { apiVersion: 'batch/v1', kind: 'Job', name: 'backup-2901', uid: 'j-1', controller: true };
    const kube = fakeCustom(
      { 'batch/jobs/ops/backup-2901': { metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'c-1', controller: true }] } } },
      reads,
    );
    const resolver = createOwnerResolver({ kube: kube as never });
    expect(await resolver.resolve({ apiVersion: 'v1', kind: 'Pod', namespace: 'ops', name: 'backup-2901-*', ownerReferences: [job] })).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      name: 'backup',
      uid: 'c-1',
      namespace: 'ops',
    });
  });

  it('a StatefulSet is the owner as the Pod names it, without a read', async () => {
    const reads: string[] = [];
    const resolver = createOwnerResolver({ kube: fakeCustom({}, reads) as never });
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's-1', controller: true };
    expect(await resolver.resolve({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'db-0', ownerReferences: [sts] })).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'db',
      uid: 's-1',
      namespace: 'shop',
    });
    expect(reads).toEqual([]);
  });

  it('a ReplicaSet that cannot be read is the owner, and the failure is reported', async () => {
    const problems: string[] = [];
    const resolver = createOwnerResolver({ kube: fakeCustom({}, []) as never, onError: (m) => problems.push(m) });
    expect(await resolver.resolve(pod)).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9f', uid: 'rs-1', namespace: 'shop' });
    expect(problems[0]).toContain('cannot read ReplicaSet shop/cart-7d9f');
  });

  it('a bare Pod is its own object', async () => {
    const resolver = createOwnerResolver({ kube: fakeCustom({}, []) as never });
    const bare: ObjectRef = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'debug' };
    expect(await resolver.resolve(bare)).toBe(bare);
  });
});
