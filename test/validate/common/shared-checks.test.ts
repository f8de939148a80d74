import { describe, expect, it } from 'vitest';
import { durationProblem } from '../../../src/validate/common/duration.js';
import { unixSocketProblem } from '../../../src/validate/common/net.js';
import { isHTTPProtocol, isTCPProtocol, isTLSProtocol, parseProtocol, portNameProblem, portNumberProblem, protocolProblem } from '../../../src/validate/common/ports.js';
import { checkExportTo, checkLabelMap, checkWorkloadSelector, istioLabelKeyProblem } from '../../../src/validate/common/selectors.js';
import { isKnownCipherSuite } from '../../../src/validate/common/tls.js';
import { collector, type Report } from '../../../src/validate/issues.js';

function run(fn: (c: ReturnType<typeof collector>) => void): Report {
  const c = collector();
  fn(c);
  return { errors: c.errors, warnings: c.warnings };
}

describe('durations', () => {
  it.each<[string, Parameters<typeof durationProblem>[1], string | undefined]>([
    ['1ms', {}, undefined],
    ['1m30s', {}, undefined],
    ['0.5s', {}, undefined],
    ['0s', {}, '"0s" is too short; durations must be at least 1ms'],
    ['0s', { allowZero: true }, undefined],
    ['1.5ms', {}, '"1.5ms" is more precise than a millisecond; Istio supports whole milliseconds only'],
    ['1500ms', { seconds: true }, '"1500ms" must be a whole number of seconds'],
    ['10', {}, '"10" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"'],
    ['0.1ms', { syntaxOnly: true }, undefined],
  ])('%s %j', (text, rules, problem) => {
    expect(durationProblem(text, rules)).toBe(problem);
  });
});

describe('ports and protocols', () => {
  it('parses protocols without regard to case and knows their families', () => {
    expect(parseProtocol('grpc-web')).toBe('GRPC-WEB');
    expect(parseProtocol('kafka')).toBeUndefined();
    expect([isHTTPProtocol('http2'), isTLSProtocol('https'), isTCPProtocol('mongo'), isTCPProtocol('http')]).toEqual([true, true, true, false]);
    expect(protocolProblem('')).toBeUndefined();
    expect(protocolProblem('QUIC')).toBe('"QUIC" is not a supported protocol; use one of TCP, UDP, GRPC, GRPC-WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL');
  });

  it('bounds port numbers and names', () => {
    expect([portNumberProblem(1), portNumberProblem(65535)]).toEqual([undefined, undefined]);
    expect(portNumberProblem(0)).toBe('port 0 is out of range; ports are 1-65535');
    expect(portNumberProblem(1.5)).toBe('port 1.5 is out of range; ports are 1-65535');
    expect(portNameProblem('http-web')).toBeUndefined();
    expect(portNameProblem('')).toBe('port name "" must be a DNS label: letters, digits and inner dashes, at most 63 characters');
  });

  it('accepts absolute and abstract unix sockets only', () => {
    expect([unixSocketProblem('/var/run/a.sock'), unixSocketProblem('@abstract')]).toEqual([undefined, undefined]);
    expect(unixSocketProblem('a.sock')).toBe('"a.sock" must be an absolute path to a socket file (or @name for an abstract socket)');
    expect(unixSocketProblem('')).toBe('the unix socket path must not be empty');
  });
});

describe('labels, selectors and exportTo', () => {
  it('checks label keys like Istio (DNS prefix, then a qualified name)', () => {
    expect(istioLabelKeyProblem('app.kubernetes.io/name')).toBeUndefined();
    expect(istioLabelKeyProblem(`a/${'b'.repeat(64)}`)).toBe(`label key "a/${'b'.repeat(64)}" has a name longer than 63 characters`);
    expect(run((c) => checkLabelMap(c, 'x.labels', { ok: 'v', 'bad key': '' })).errors).toEqual([
      { path: 'x.labels["bad key"]', message: 'label key "bad key" must be an optional DNS prefix and "/" followed by a name of letters, digits, "-", "_" or "."' },
    ]);
  });

  it('refuses wildcards and empty keys in selectors and warns about empty ones', () => {
    const opts = { field: 'matchLabels', kindWord: 'workload' } as const;
    expect(run((c) => checkWorkloadSelector(c, 'spec.selector', { matchLabels: { 'a*': 'b', '': 'c' } }, opts)).errors).toEqual([
      { path: 'spec.selector.matchLabels["a*"]', message: 'selector label key "a*" contains "*"; selectors match exact labels, wildcards are not supported' },
      { path: 'spec.selector.matchLabels', message: 'selector label keys must not be empty' },
    ]);
    expect(run((c) => checkWorkloadSelector(c, 'spec.selector', {}, opts)).warnings).toEqual([
      'spec.selector: workload selector has no labels, so it applies to every workload in the namespace',
    ]);
  });

  it.each<[unknown, Parameters<typeof checkExportTo>[4], string[]]>([
    [['.', '*'], {}, ['"*" already exports to every namespace; remove the other entries']],
    [['~'], {}, ['"~" (visible to no one) is only allowed on ServiceEntry']],
    [['~'], { allowNone: true }, []],
    [['a', 'a'], {}, ['"a" is listed more than once']],
    [['default', 'x'], { selectorScoped: true }, ['a DestinationRule with a workloadSelector can only list its own namespace in exportTo']],
  ])('exportTo %j %j', (exportTo, opts, messages) => {
    expect(run((c) => checkExportTo(c, 'spec.exportTo', exportTo, 'default', opts)).errors.map((e) => e.message)).toEqual(messages);
  });

  it('knows OpenSSL cipher suite names and lets operators through', () => {
    expect(['ECDHE-RSA-AES128-GCM-SHA256', 'ALL', '-AES128-SHA', '!aNULL'].every(isKnownCipherSuite)).toBe(true);
    expect(isKnownCipherSuite('TLS_MADE_UP')).toBe(false);
  });
});
