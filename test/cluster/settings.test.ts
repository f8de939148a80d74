// Cluster-mode settings: defaults, durations, SAN lists, and errors that name the setting.
import { describe, expect, it } from 'vitest';
import { ConfigError, buildConfig } from '../../src/config.js';
import { durationMillis } from '../../src/lib/duration.js';

describe('cluster settings', () => {
  it("are off by default, with the install's names", () => {
    const c = buildConfig({ flags: {}, env: {} });
    expect(c).toMatchObject({
      cluster: false,
      namespace: 'meshgate-system',
      secretName: 'meshgate-certs',
      serviceName: 'meshgate',
      mutatingWebhookName: 'meshgate-sidecar-injector',
      validatingWebhookName: 'meshgate-validator',
      istioNamespace: 'istio-system',
      controlPlaneEnv: {},
      leaseName: 'meshgate-leader',
      probeNamespace: 'default',
      certExtraSans: [],
      certValidity: 8760 * 3_600_000,
      caValidity: 87600 * 3_600_000,
      apiTimeoutMs: 15_000,
    });
    expect(c.rotateAt).toBeCloseTo(2 / 3);
    expect(c.kubeconfig).toBeUndefined();
  });

  it('istiod settings that change injection: KEY=VALUE pairs, comma-separated, each checked', () => {
    expect(buildConfig({ flags: { 'control-plane-env': 'COMPLIANCE_POLICY=fips-140-3,ENABLE_NATIVE_SIDECARS=false' }, env: {} }).controlPlaneEnv).toEqual({
      COMPLIANCE_POLICY: 'fips-140-3',
      ENABLE_NATIVE_SIDECARS: 'false',
    });
    expect(buildConfig({ flags: { 'control-plane-env': ['COMPLIANCE_POLICY=fips-140-3', 'PILOT_X=a,b'] }, env: {} }).controlPlaneEnv).toEqual({
      COMPLIANCE_POLICY: 'fips-140-3',
      PILOT_X: 'a,b',
    });
    expect(() => buildConfig({ flags: {}, env: { MESHGATE_CONTROL_PLANE_ENV: 'bad' } })).toThrow(
      /controlPlaneEnv \(--control-plane-env \/ MESHGATE_CONTROL_PLANE_ENV\): "bad" is not KEY=VALUE/,
    );
    expect(buildConfig({ flags: { 'istio-namespace': 'istio-canary-ns' }, env: {} }).istioNamespace).toBe('istio-canary-ns');
  });

  it("take the pod's namespace as the default namespace, below flags and environment", () => {
    expect(buildConfig({ flags: {}, env: {}, podNamespace: 'mesh' }).namespace).toBe('mesh');
    expect(buildConfig({ flags: {}, env: { MESHGATE_NAMESPACE: 'env' }, podNamespace: 'mesh' }).namespace).toBe('env');
  });

  it('parse durations, fractions and SAN lists', () => {
    const c = buildConfig({
      flags: { cluster: true, 'cert-validity': '90s', 'ca-validity': '1h30m', 'rotate-at': '0.5', 'cert-extra-sans': '127.0.0.1, localhost' },
      env: { MESHGATE_VALIDATING_WEBHOOK_NAME: '' },
    });
    expect(c).toMatchObject({ cluster: true, certValidity: 90_000, caValidity: 5_400_000, rotateAt: 0.5, certExtraSans: ['127.0.0.1', 'localhost'] });
    expect(buildConfig({ flags: { 'validating-webhook-name': '' }, env: {} }).validatingWebhookName).toBe('');
  });

  it.each([
    [{ 'cert-validity': '10x' }, 'certValidity (--cert-validity / MESHGATE_CERT_VALIDITY): must be a duration'],
    [{ 'cert-validity': '1s' }, 'certValidity (--cert-validity / MESHGATE_CERT_VALIDITY): must be from 1m to 87600h'],
    [{ 'rotate-at': '1' }, 'rotateAt (--rotate-at / MESHGATE_ROTATE_AT): must be at most 0.95'],
    [{ namespace: 'Mesh_System' }, 'namespace (--namespace / MESHGATE_NAMESPACE): must be a namespace name'],
    [{ 'secret-name': 'Certs!' }, 'secretName (--secret-name / MESHGATE_SECRET_NAME): must be a Kubernetes object name'],
    [{ 'cert-extra-sans': 'a b' }, 'certExtraSans (--cert-extra-sans / MESHGATE_CERT_EXTRA_SANS): must be DNS names or IP addresses'],
    [{ 'api-timeout-ms': '200' }, 'apiTimeoutMs (--api-timeout-ms / MESHGATE_API_TIMEOUT_MS)'],
  ])('reject %j naming the setting', (flags, message) => {
    expect(() => buildConfig({ flags, env: {} })).toThrow(ConfigError);
    expect(() => buildConfig({ flags, env: {} })).toThrow(message);
  });
});

describe('certificate lifetimes (Go durations plus days)', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['365d', 365 * 86_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('%s', (text, ms) => expect(durationMillis(text, { days: true })).toBe(ms));

  it.each(['', '10', 'h', '1y', '1h 30m'])('rejects %j', (text) => expect(durationMillis(text, { days: true })).toBeUndefined());

  it('rejects a negative lifetime by its bounds', () => {
    expect(() => buildConfig({ flags: { 'cert-validity': '-1s' }, env: {} })).toThrow('must be from 1m to 87600h');
  });
});
