import { describe, expect, it } from 'vitest';
import { validateWorkloadGroup, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const errorsOf = (spec: unknown) => reportOf(validateWorkloadGroup, 'WorkloadGroup', spec).errors;
const probe = (p: unknown) => ({ template: {}, probe: p });

describe('WorkloadGroup: accepted', () => {
  it.each<[string, unknown]>([
    ['an empty template (VMs fill in the address)', { template: {} }],
    [
      'metadata, template and an HTTP probe',
      {
        metadata: { labels: { app: 'vm' }, annotations: { note: 'x' } },
        template: { serviceAccount: 'sa', network: 'net', ports: { http: 8080 } },
        probe: { periodSeconds: 5, httpGet: { port: 8080, path: '/ready', scheme: 'HTTPS', httpHeaders: [{ name: 'X-Probe', value: '1' }] } },
      },
    ],
    ['a TCP probe', probe({ tcpSocket: { port: 5432 } })],
    ['an exec probe', probe({ exec: { command: ['/bin/check'] } })],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('WorkloadGroup: rejected', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no template (CRD)', {}, [issue('spec.template', 'required field is missing')]],
    [
      'a bad metadata label',
      { template: {}, metadata: { labels: { '.': '~' } } },
      [
        issue('spec.metadata.labels["."]', 'label key "." must be an optional DNS prefix and "/" followed by a name of letters, digits, "-", "_" or "."'),
        issue('spec.metadata.labels["."]', 'label value "~" may contain only letters, digits, "-", "_" and ".", and must start and end with a letter or digit'),
      ],
    ],
    ['a probe without method', probe({ periodSeconds: 1 }), [issue('spec.probe', 'the probe needs a method: httpGet, tcpSocket or exec')]],
    ['an HTTP probe on port 0', probe({ httpGet: { port: 0 } }), [issue('spec.probe.httpGet.port', 'port 0 is out of range; ports are 1-65535')]],
    [
      'a probe header name with stars',
      probe({ httpGet: { port: 80, httpHeaders: [{ name: '**' }] } }),
      [issue('spec.probe.httpGet.httpHeaders[0].name', '"**" is not a valid header name; use only letters, digits and "-"')],
    ],
    ['a probe scheme of ftp', probe({ httpGet: { port: 80, scheme: 'FTP' } }), [issue('spec.probe.httpGet.scheme', 'scheme must be HTTP or HTTPS, not "FTP"')]],
    ['a TCP probe without port (CRD)', probe({ tcpSocket: {} }), [issue('spec.probe.tcpSocket.port', 'required field is missing')]],
    ['an exec probe without command', probe({ exec: {} }), [issue('spec.probe.exec.command', 'an exec probe needs a command')]],
    ['two methods', probe({ exec: { command: ['x'] }, tcpSocket: { port: 1 } }), [issue('spec.probe', 'set only one probe method; tcpSocket and exec are set')]],
    ['a negative period', probe({ periodSeconds: -1, exec: { command: ['x'] } }), [issue('spec.probe.periodSeconds', 'periodSeconds must not be negative')]],
    ['a gRPC probe', probe({ grpc: { port: 9090 } }), [issue('spec.probe.grpc', 'Istio does not run grpc readiness probes for WorkloadGroups; use httpGet, tcpSocket or exec')]],
    [
      'a unix template with ports',
      { template: { address: 'unix:///a.sock', ports: { http: 80 } } },
      [issue('spec.template.ports', 'an endpoint on a unix socket has no ports; remove ports')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('WorkloadGroup: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateWorkloadGroup, 'WorkloadGroup', [
      'metadata',
      'labels',
      'annotations',
      'template',
      'probe',
      'httpGet',
      'tcpSocket',
      'exec',
      'grpc',
      'port',
      'scheme',
      'httpHeaders',
      'name',
      'command',
      'periodSeconds',
      'address',
      'ports',
    ]);
  });
});
