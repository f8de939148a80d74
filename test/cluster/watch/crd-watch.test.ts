// The cluster CRD watch against a fake API server, wired as the server wires it (each set
// compiled completely, then swapped in): the list is applied (its items without apiVersion and
// kind, as the API server sends them; CRDs of other groups left out),
// watch events added, modified and deleted reload the validator, a CRD that does not compile
// keeps the last good validator, a watch the server ends resumes from the last version seen,
// an expired version (410) lists again, and a refused list falls back until it is allowed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { watchCrds, type CrdWatch } from '../../../src/cluster/watch/crd-watch.js';
import { connect } from '../../../src/cluster/api/kube.js';
import { compiledValidators, validatorsFor } from '../../../src/crds.js';
import { engineRef } from '../../../src/server/engines.js';
import { DEFAULT_SETTINGS, type Validators } from '../../../src/validate/index.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

interface FakeApi {
  readonly kubeconfig: string;
  /** Method and URL of every request, in order. */
  readonly requests: string[];
  /** Writes a watch event to the open watch stream. */
  push(type: string, object: unknown): void;
  /** Ends the open watch stream, as the API server does after timeoutSeconds. */
  endWatch(): void;
  close(): Promise<void>;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function fakeApi(list: (n: number) => { status: number; body: unknown }): Promise<FakeApi> {
  const requests: string[] = [];
  let stream: ServerResponse | undefined;
  let lists = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const url = req.url ?? '';
    if (!url.startsWith(CRDS)) {
      res.writeHead(404).end();
    } else if (url.includes('watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      stream = res;
    } else {
      const answer = list(lists++);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-crd-watch-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'users: [{name: fake, user: {token: t}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      '',
    ].join('\n'),
  );
  const api: FakeApi = {
    kubeconfig,
    requests,
    push: (type, object) => void stream?.write(`${JSON.stringify({ type, object })}\n`),
    endWatch: () => {
      stream?.end();
      stream = undefined;
    },
    close: async () => {
      stream?.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanup.push(() => api.close());
  return api;
}

/** A CRD as a list item: the API server leaves out apiVersion and kind (the list carries them). */
function item(c: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = c;
  return rest;
}

/** A CRD as the API server serves it: one namespaced kind of example.com with a size rule. */
function crd(kind: string, resourceVersion: string, rule = 'self.size <= 10', group = 'example.com'): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, resourceVersion },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', properties: { size: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule, message: `rule: ${rule}` }] },
              },
            },
          },
        },
      ],
    },
  };
}

/** The errors the current validator gives a `kind` of this size; undefined when the kind is not checked. */
function verdict(v: Validators, kind: string, size: number): string[] | undefined {
  const outcome = v.validate({ object: { apiVersion: 'example.com/v1', kind, metadata: { name: 'x', namespace: 'ns' }, spec: { size } } });
  return outcome.checked ? outcome.errors.map((e) => `${e.path}: ${e.message}`) : undefined;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Wired {
  readonly watch: CrdWatch;
  readonly results: boolean[];
  readonly applied: string[][];
  current(): Validators;
}

/** The watch as the server wires it: compile the whole set, then swap; only example.com CRDs. */
function wire(api: FakeApi): Wired {
  const ref = engineRef(validatorsFor(DEFAULT_SETTINGS, [crd('Widget', '0', 'true')]));
  const results: boolean[] = [];
  const applied: string[][] = [];
  const watch = watchCrds({
    kube: connect(api.kubeconfig, 2_000),
    log: pino({ level: 'silent' }),
    groups: new Set(['example.com']),
    quietMs: 20,
    maxBackoffMs: 200,
    apply: async (crds) => {
      applied.push(crds.map((c) => c.metadata?.name ?? '').sort());
      ref.set(await compiledValidators(DEFAULT_SETTINGS, crds));
    },
    onResult: (ok) => results.push(ok),
  });
  cleanup.push(() => watch.stop());
  return { watch, results, applied, current: () => ref.get() };
}

describe('the cluster CRD watch', () => {
  it('applies the listed CRDs of its groups, then reloads on added, modified and deleted CRDs', async () => {
    const api = await fakeApi(() => ({
      status: 200,
      body: { metadata: { resourceVersion: '10' }, items: [crd('Widget', '5'), crd('Gadget', '6', 'self.size > 100', 'other.io')].map(item) },
    }));
    const w = wire(api);
    await w.watch.start();
    await until(() => w.results.length === 1, 'the listed CRDs to be applied');
    expect(w.results).toEqual([true]);
    expect(w.applied).toEqual([['widgets.example.com']]);
    expect(verdict(w.current(), 'Widget', 20)).toEqual(['spec: rule: self.size <= 10']);
    await until(() => api.requests.some((r) => r.includes('watch=true')), 'the watch');
    expect(api.requests.find((r) => r.includes('watch=true'))).toMatch(/resourceVersion=10\b.*allowWatchBookmarks=true/);

    api.push('MODIFIED', crd('Widget', '11', 'self.size <= 5'));
    await until(() => w.results.length === 2, 'the modified CRD');
    expect(verdict(w.current(), 'Widget', 8)).toEqual(['spec: rule: self.size <= 5']);

    api.push('ADDED', crd('Gizmo', '12', 'self.size > 4'));
    api.push('ADDED', crd('Gadget', '13', 'false', 'other.io'));
    await until(() => w.results.length === 3, 'the added CRD');
    expect(w.applied[2]).toEqual(['gizmos.example.com', 'widgets.example.com']);
    expect(verdict(w.current(), 'Gizmo', 3)).toEqual(['spec: rule: self.size > 4']);

    api.push('DELETED', crd('Gizmo', '14'));
    await until(() => w.results.length === 4, 'the deleted CRD');
    expect(w.results).toEqual([true, true, true, true]);
    expect(verdict(w.current(), 'Gizmo', 3)).toBeUndefined();
    expect(api.requests.filter((r) => !r.includes('watch=true'))).toHaveLength(1);
  });

  it('keeps the last good validator when a CRD does not compile, until a good one arrives', async () => {
    const api = await fakeApi(() => ({ status: 200, body: { metadata: { resourceVersion: '10' }, items: [crd('Widget', '5'), crd('Gizmo', '6', 'self.size > 0')].map(item) } }));
    const w = wire(api);
    await w.watch.start();
    await until(() => w.results.length === 1 && api.requests.some((r) => r.includes('watch=true')), 'the list and the watch');

    api.push('MODIFIED', crd('Widget', '11', 'self.size <= '));
    await until(() => w.results.length === 2, 'the broken CRD');
    expect(w.results).toEqual([true, false]);
    expect(verdict(w.current(), 'Widget', 20)).toEqual(['spec: rule: self.size <= 10']);
    expect(verdict(w.current(), 'Gizmo', 0)).toEqual(['spec: rule: self.size > 0']);

    api.push('MODIFIED', crd('Widget', '12', 'self.size <= 3'));
    await until(() => w.results.length === 3, 'the repaired CRD');
    expect(w.results).toEqual([true, false, true]);
    expect(verdict(w.current(), 'Widget', 4)).toEqual(['spec: rule: self.size <= 3']);
  });

  it('resumes a watch the server ends from the last version seen, and lists again after 410 Gone', async () => {
    const api = await fakeApi((n) => ({ status: 200, body: { metadata: { resourceVersion: n === 0 ? '10' : '30' }, items: [crd('Widget', n === 0 ? '5' : '25')].map(item) } }));
    const w = wire(api);
    await w.watch.start();
    const watches = (): string[] => api.requests.filter((r) => r.includes('watch=true'));
    await until(() => watches().length === 1, 'the first watch');
    api.push('BOOKMARK', { kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1', metadata: { resourceVersion: '20' } });
    api.endWatch();
    await until(() => watches().length === 2, 'the resumed watch');
    expect(watches()[1]).toMatch(/resourceVersion=20\b/);
    expect(api.requests.filter((r) => !r.includes('watch=true'))).toHaveLength(1);

    api.push('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 20 (25)' });
    await until(() => watches().length === 3, 'the watch after listing again');
    expect(api.requests.filter((r) => !r.includes('watch=true'))).toHaveLength(2);
    expect(watches()[2]).toMatch(/resourceVersion=30\b/);
    await until(() => w.results.length === 2, 'the relisted CRDs');
    expect(w.results).toEqual([true, true]);
  });

  it('validates with what it has while the list is refused, and applies the CRDs once it is allowed', async () => {
    const forbidden = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 403,
      reason: 'Forbidden',
      message: 'customresourcedefinitions.apiextensions.k8s.io is forbidden',
    };
    const api = await fakeApi((n) =>
      n < 2 ? { status: 403, body: forbidden } : { status: 200, body: { metadata: { resourceVersion: '10' }, items: [crd('Widget', '5')].map(item) } },
    );
    const w = wire(api);
    await w.watch.start();
    expect(w.results).toEqual([]);
    expect(verdict(w.current(), 'Widget', 20)).toEqual([]);
    await until(() => w.results.length === 1, 'the CRDs after the list is allowed');
    expect(w.results).toEqual([true]);
    expect(verdict(w.current(), 'Widget', 20)).toEqual(['spec: rule: self.size <= 10']);
  });
});
