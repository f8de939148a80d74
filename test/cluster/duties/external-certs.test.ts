// certManagement=external: the Secret another issuer (cert-manager) writes is read in its own
// format and only ever followed: meshgate never creates it. Also the pieces the chart relies on:
// owner references on what meshgate creates, Events, and the settings that switch these on.
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { readExternalSecret, type SecretLike } from '../../../src/cluster/decide/cert-state.js';
import { createCertSync } from '../../../src/cluster/duties/cert-sync.js';
import { eventBody } from '../../../src/cluster/events/events.js';
import type { Kube, Store, WriteResult } from '../../../src/cluster/api/kube.js';
import { ownedStore, withOwner, type OwnerReference } from '../../../src/cluster/api/owner.js';
import { issueCA, issueServing, type KeyPair } from '../../../src/certs/pki.js';
import { buildConfig, ConfigError } from '../../../src/config.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const NOW = new Date();
let ca: KeyPair;
let other: KeyPair;
let serving: KeyPair;

beforeAll(async () => {
  [ca, other] = await Promise.all([issueCA({ validityMs: 86_400_000, now: NOW }), issueCA({ validityMs: 86_400_000, now: NOW })]);
  serving = await issueServing(ca, { sans: ['meshgate.mesh.svc', '127.0.0.1'], validityMs: 86_400_000, now: NOW });
}, 60_000);

/** A Secret as cert-manager's CA issuer writes it. */
const certManagerSecret = (over: Record<string, string | undefined> = {}): SecretLike => ({
  metadata: { annotations: { 'cert-manager.io/certificate-name': 'meshgate-serving' } },
  data: Object.fromEntries(
    Object.entries({ 'tls.crt': b64(`${serving.cert}${ca.cert}`), 'tls.key': b64(serving.key), 'ca.crt': b64(ca.cert), ...over }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>,
});

describe("readExternalSecret (cert-manager's Secret format)", () => {
  it('serves tls.crt with its chain and trusts ca.crt', () => {
    const r = readExternalSecret(certManagerSecret());
    expect(r.kind).toBe('valid');
    if (r.kind !== 'valid') return;
    expect(r.state.serving.cert).toContain(serving.cert.trim());
    expect(r.state.serving.cert).toContain(ca.cert.trim());
    expect(r.state.bundle).toHaveLength(1);
    expect(r.state.servingSignedByCA).toBe(true);
    expect(r.state.ca.key).toBe('');
    expect(r.state.servingInfo.sans).toEqual(['127.0.0.1', 'meshgate.mesh.svc']);
  });

  it('takes the CA from the chain when there is no ca.crt', () => {
    const r = readExternalSecret(certManagerSecret({ 'ca.crt': undefined }));
    expect(r.kind === 'valid' && r.state.bundle.length).toBe(1);
  });

  it('names what is wrong: a key of another certificate, a missing certificate, no Secret', () => {
    const wrongKey = readExternalSecret(certManagerSecret({ 'tls.key': b64(other.key) }));
    expect(wrongKey.kind === 'invalid' && wrongKey.problem).toBe('tls.key does not belong to tls.crt');
    const noCert = readExternalSecret(certManagerSecret({ 'tls.crt': undefined }));
    expect(noCert.kind === 'invalid' && noCert.problem).toBe('key tls.crt is missing');
    expect(readExternalSecret(undefined)).toEqual({ kind: 'absent' });
  });
});

describe('certificate Secret in external mode', () => {
  it('is never created by meshgate, even when absent', async () => {
    const calls: string[] = [];
    const store: Store<never> = {
      get: async () => void calls.push('get') as undefined,
      create: async (): Promise<WriteResult> => {
        calls.push('create');
        return 'ok';
      },
      replace: async (): Promise<WriteResult> => {
        calls.push('replace');
        return 'ok';
      },
    };
    const sync = createCertSync({
      kube: {} as Kube,
      secrets: store,
      namespace: 'mesh',
      secretName: 'meshgate-certs',
      certDir: '/nonexistent',
      issue: { certValidityMs: 1, caValidityMs: 1, sans: ['x'] },
      log: pino({ level: 'silent' }),
      onFilesWritten: async () => undefined,
      management: 'external',
    });
    await sync.ensure();
    expect(calls).toEqual([]);
  });
});

describe('owner references', () => {
  const owner: OwnerReference = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'meshgate', uid: 'u-1' };

  it('are added to created objects once, and only there', async () => {
    const created: unknown[] = [];
    const replaced: unknown[] = [];
    let lookups = 0;
    const base: Store<{ metadata?: { name?: string; ownerReferences?: OwnerReference[] } }> = {
      get: async () => undefined,
      create: async (b) => {
        created.push(b);
        return 'ok';
      },
      replace: async (b) => {
        replaced.push(b);
        return 'ok';
      },
    };
    const store = ownedStore(base, async () => {
      lookups++;
      return owner;
    });
    await store.create({ metadata: { name: 'a' } });
    await store.replace({ metadata: { name: 'a' } });
    expect(created).toEqual([{ metadata: { name: 'a', ownerReferences: [owner] } }]);
    expect(replaced).toEqual([{ metadata: { name: 'a' } }]);
    expect(withOwner({ metadata: { ownerReferences: [owner] } }, owner).metadata?.ownerReferences).toHaveLength(1);
    expect(withOwner({ metadata: {} }, undefined)).toEqual({ metadata: {} });
    expect(lookups).toBe(1);
  });
});

describe('Events', () => {
  it("name an object in meshgate's namespace and say who reported them", () => {
    const e = eventBody(
      'mesh',
      'meshgate-abc',
      { object: { kind: 'Secret', name: 'meshgate-certs' }, reason: 'CertificateSecretUpdated', message: 'Certificate rotation step renew-serving' },
      NOW,
    );
    expect(e).toMatchObject({
      metadata: { generateName: 'meshgate-certs.', namespace: 'mesh' },
      involvedObject: { apiVersion: 'v1', kind: 'Secret', name: 'meshgate-certs', namespace: 'mesh' },
      reason: 'CertificateSecretUpdated',
      type: 'Normal',
      reportingComponent: 'meshgate',
      reportingInstance: 'meshgate-abc',
      count: 1,
    });
  });

  it("about Istio's ConfigMap, go to Istio's namespace (the API server takes an Event only in its object's namespace)", () => {
    const e = eventBody(
      'mesh',
      'meshgate-abc',
      { object: { kind: 'ConfigMap', name: 'istio-sidecar-injector', namespace: 'istio-system' }, reason: 'InjectionConfigRejected', type: 'Warning', message: 'rejected' },
      NOW,
    );
    expect(e).toMatchObject({
      metadata: { generateName: 'istio-sidecar-injector.', namespace: 'istio-system' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'istio-sidecar-injector', namespace: 'istio-system' },
      type: 'Warning',
    });
  });
});

describe("settings for the chart's modes", () => {
  it('parse from the environment the chart renders', () => {
    const c = buildConfig({
      flags: {},
      env: { MESHGATE_CERT_MANAGEMENT: 'external', MESHGATE_VALIDATING_FAIL_CLOSED: 'false', MESHGATE_EVENTS: 'true', MESHGATE_OWNER_DEPLOYMENT: 'meshgate' },
    });
    expect([c.certManagement, c.validatingFailClosed, c.events, c.ownerDeployment]).toEqual(['external', false, true, 'meshgate']);
    const d = buildConfig({ flags: {}, env: {} });
    expect([d.certManagement, d.validatingFailClosed, d.events, d.ownerDeployment]).toEqual(['builtin', true, false, undefined]);
  });

  it('refuse an unknown certificate management with the flag and variable named', () => {
    expect(() => buildConfig({ flags: { 'cert-management': 'vault' }, env: {} })).toThrow(ConfigError);
    expect(() => buildConfig({ flags: { 'cert-management': 'vault' }, env: {} })).toThrow(
      /certManagement \(--cert-management \/ MESHGATE_CERT_MANAGEMENT\): must be builtin or external/,
    );
  });
});
