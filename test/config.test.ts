// Configuration: one zod-validated object from defaults, a file, environment and flags; an
// invalid setting stops start-up with a message naming it.
import { describe, expect, it } from 'vitest';
import { ConfigError, buildConfig, splitListen } from '../src/config.js';

describe('buildConfig', () => {
  it('fills every default', () => {
    const c = buildConfig({ flags: {}, env: {} });
    expect(c).toMatchObject({
      listen: '0.0.0.0:9443',
      tlsMinVersion: 'TLSv1.2',
      bodyLimitBytes: 7 * 1024 * 1024,
      nativeSidecars: 'auto',
      metricsListen: '',
      admissionEvents: true,
      revisionTags: [],
      revision: '',
      logLevel: 'info',
      dev: false,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes flags over environment over file', () => {
    const c = buildConfig({
      file: { listen: '0.0.0.0:1', logLevel: 'warn', revision: 'blue' },
      env: { MESHGATE_LISTEN: '0.0.0.0:2', MESHGATE_LOG_LEVEL: 'debug' },
      flags: { listen: '127.0.0.1:3' },
    });
    expect(c.listen).toBe('127.0.0.1:3');
    expect(c.logLevel).toBe('debug');
    expect(c.revision).toBe('blue');
  });

  it('coerces numbers, booleans and TLS versions', () => {
    const c = buildConfig({ flags: { 'body-limit': '2048', 'native-sidecars': 'false', 'tls-min-version': '1.3' }, env: {} });
    expect(c.bodyLimitBytes).toBe(2048);
    expect(c.nativeSidecars).toBe('false');
    expect(c.tlsMinVersion).toBe('TLSv1.3');
  });

  it('development mode serves on loopback with certificates in ./certs', () => {
    const c = buildConfig({ flags: { dev: true }, env: {} });
    expect(c).toMatchObject({ listen: '127.0.0.1:9443', tlsCertFile: 'certs/tls.crt', tlsKeyFile: 'certs/tls.key' });
  });

  it.each([
    [{ flags: { 'tls-min-version': '1.1' }, env: {} }, 'tlsMinVersion (--tls-min-version / MESHGATE_TLS_MIN_VERSION): must be 1.2 or 1.3'],
    [{ flags: {}, env: { MESHGATE_BODY_LIMIT: 'lots' } }, 'bodyLimitBytes (--body-limit / MESHGATE_BODY_LIMIT): must be a number'],
    [{ flags: { listen: 'localhost' }, env: {} }, 'listen (--listen / MESHGATE_LISTEN): must be HOST:PORT'],
    [{ flags: { listen: ':70000' }, env: {} }, 'listen (--listen / MESHGATE_LISTEN): the port must be at most 65535; got 70000'],
    [{ flags: { revision: 'Canary!' }, env: {} }, 'revision (--revision / MESHGATE_REVISION): must be empty or a DNS label'],
    [{ flags: { 'native-sidecars': 'maybe' }, env: {} }, 'nativeSidecars (--native-sidecars / MESHGATE_NATIVE_SIDECARS)'],
    [{ flags: {}, env: {}, file: { listenAddress: ':1' } }, 'unknown setting(s) listenAddress'],
  ])('rejects %j naming the setting', (sources, message) => {
    expect(() => buildConfig(sources)).toThrow(ConfigError);
    expect(() => buildConfig(sources)).toThrow(message);
  });

  it('says one thing about a bad listen address, on one line', () => {
    expect(() => buildConfig({ flags: { listen: 'foo' }, env: {} })).toThrow(
      new ConfigError('invalid configuration: listen (--listen / MESHGATE_LISTEN): must be HOST:PORT, e.g. 0.0.0.0:9443, 127.0.0.1:9443 or :9443; got "foo"'),
    );
  });
});

describe('splitListen', () => {
  it.each([
    ['0.0.0.0:9443', { host: '0.0.0.0', port: 9443 }],
    [':9443', { host: '0.0.0.0', port: 9443 }],
    ['[::1]:8443', { host: '::1', port: 8443 }],
  ])('%s', (input, want) => expect(splitListen(input)).toEqual(want));
});
