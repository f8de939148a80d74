import { describe, expect, it } from 'vitest';
import { validateWorkloadEntry, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown) => reportOf(validateWorkloadEntry, 'WorkloadEntry', spec);
const errorsOf = (spec: unknown) => report(spec).errors;

describe('WorkloadEntry: accepted', () => {
  it.each<[string, unknown]>([
    ['an IP address', { address: '1.2.3.4' }],
    ['an IPv6 address with ports', { address: '2001:db8::1', ports: { http: 8080, '7777': 7777 } }],
    ['a host name', { address: 'vm1.example.com', ports: { grpc: 9090 } }],
    ['a unix socket', { address: 'unix:///var/run/app.sock' }],
    ['an abstract unix socket', { address: 'unix://@app' }],
    ['everything else', { address: '10.0.0.1', labels: { app: 'vm', version: 'v1' }, network: 'net1', locality: 'us/east/a', weight: 10, serviceAccount: 'vm-sa' }],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('WorkloadEntry: rejected', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no address', {}, [issue('spec.address', 'an address is required (it may be left out only when network is set)')]],
    ['a host name with a port', { address: 'invaliddns.com:9443' }, [issue('spec.address', '"invaliddns.com:9443" is neither an IP address nor a valid host name')]],
    ['a unix socket with ports', { address: 'unix:///lon/google/com', ports: { http: 80 } }, [issue('spec.ports', 'an endpoint on a unix socket has no ports; remove ports')]],
    [
      'a unix socket directory',
      { address: 'unix:///var/run/' },
      [issue('spec.address', '"/var/run/" must be an absolute path to a socket file (or @name for an abstract socket)')],
    ],
    ['a port out of range (CRD)', { address: '1.1.1.1', ports: { http: 70000 } }, [issue('spec.ports.http', 'must be at most 65535; got the number 70000')]],
    [
      'a port name with an underscore',
      { address: '1.1.1.1', ports: { my_port: 80 } },
      [issue('spec.ports.my_port', 'port name "my_port" must be a DNS label (letters, digits and inner dashes)')],
    ],
    [
      'a bad label key',
      { address: '1.1.1.1', labels: { '.': 'x' } },
      [issue('spec.labels["."]', 'label key "." must be an optional DNS prefix and "/" followed by a name of letters, digits, "-", "_" or "."')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });

  it('warns when only a network is given', () => {
    expect(report({ network: 'remote' })).toEqual({ errors: [], warnings: ['spec: no address, so traffic reaches it through the gateway of network "remote"'] });
  });
});

describe('WorkloadEntry: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateWorkloadEntry, 'WorkloadEntry', ['address', 'ports', 'labels', 'network', 'locality', 'weight', 'serviceAccount', 'http']);
  });
});
