// The CRD layer against the bundled CRDs: what the API server does to a custom resource before
// storing it (decode, schema, list types, CEL, metadata), one behaviour per row.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/validate/index.js';
import { outcomeOf, testValidators } from '../../helpers/validators.js';

const GW = 'gateway.networking.k8s.io/v1';
const NOTE = 'some validation rules (x-kubernetes-validations) were not checked because of the errors above; correct them to complete validation';

function obj(apiVersion: string, kind: string, spec: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'example', namespace: 'default', ...metadata }, spec };
}

const route = (spec: Record<string, unknown>): KubeObject => obj(GW, 'HTTPRoute', { parentRefs: [{ name: 'gw' }], ...spec });
const backend = { name: 'svc', port: 80 };

function errors(o: KubeObject, old?: KubeObject): { path: string; message: string }[] {
  const out = outcomeOf(o, old);
  return out.checked ? out.errors : [];
}

describe('decoding: pruning, nulls and defaults', () => {
  it('reports every unknown field by path, including metadata and top-level keys', () => {
    const o = {
      ...obj('networking.istio.io/v1', 'VirtualService', { hosts: ['a'], http: [{ route: [{ destination: { host: 'a', bogus: 1 } }] }] }, { colour: 'red' }),
      extra: true,
    };
    expect(errors(o).map((e) => e.path)).toEqual(['extra', 'metadata.colour', 'spec.http[0].route[0].destination.bogus']);
  });

  it('keeps anything under x-kubernetes-preserve-unknown-fields (WasmPlugin pluginConfig)', () => {
    expect(errors(obj('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://r/x', pluginConfig: { any: { thing: [1, null] } } }))).toEqual([]);
  });

  it('drops a null optional field silently, as the API server does', () => {
    expect(errors(obj('networking.istio.io/v1', 'DestinationRule', { host: 'a', trafficPolicy: null, subsets: null }))).toEqual([]);
  });

  it('keeps a null list item, which the schema then rejects', () => {
    expect(errors(obj('networking.istio.io/v1', 'VirtualService', { hosts: ['a', null], http: [{ route: [{ destination: { host: 'a' } }] }] }))).toEqual([
      { path: 'spec.hosts[1]', message: 'must be a string, not null' },
      { path: 'spec', message: NOTE },
    ]);
  });

  it('applies defaults before the rules that depend on them (backendRef kind Service needs a port)', () => {
    expect(errors(route({ rules: [{ backendRefs: [{ name: 'svc' }] }] }))).toEqual([{ path: 'spec.rules[0].backendRefs[0]', message: 'Must have port for Service reference' }]);
  });

  it('defaults sessionPersistence.type to Cookie and accepts an empty sessionPersistence', () => {
    expect(errors(route({ rules: [{ sessionPersistence: {}, backendRefs: [backend] }] }))).toEqual([]);
  });

  it('keeps an explicitly empty list rather than defaulting it', () => {
    expect(errors(route({ rules: [{ matches: [], backendRefs: [backend] }] }))).toEqual([]);
  });
});

describe('schema keywords', () => {
  it.each<[string, KubeObject, { path: string; message: string }[]]>([
    [
      'an enum',
      obj('networking.istio.io/v1', 'ServiceEntry', { hosts: ['a'], resolution: 'dns' }),
      [
        { path: 'spec.resolution', message: 'must be one of "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"; got the string "dns"' },
        { path: 'spec', message: NOTE },
      ],
    ],
    [
      'a pattern (Gateway API hostname)',
      route({ hostnames: ['Bad_Host'], rules: [{ backendRefs: [backend] }] }),
      [{ path: 'spec.hostnames[0]', message: 'must match the pattern ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$; got the string "Bad_Host"' }],
    ],
    [
      'maxItems',
      route({ hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`), rules: [{ backendRefs: [backend] }] }),
      [
        { path: 'spec.hostnames', message: 'must have at most 16 entries; it has 17' },
        { path: 'spec', message: NOTE },
      ],
    ],
    [
      'at most one of two oneOf fields (Istio)',
      obj('networking.istio.io/v1', 'DestinationRule', { host: 'a', trafficPolicy: { loadBalancer: { simple: 'RANDOM', consistentHash: { useSourceIp: true } } } }),
      [
        {
          path: 'spec.trafficPolicy.loadBalancer',
          message: 'sets simple and consistentHash, which exclude each other; at most one of simple, consistentHash, backendUtilization may be set',
        },
      ],
    ],
    [
      'a map list with a duplicate key',
      obj('networking.istio.io/v1', 'ServiceEntry', {
        hosts: ['a.example.com'],
        ports: [
          { number: 80, name: 'http' },
          { number: 81, name: 'http' },
        ],
        resolution: 'DNS',
      }),
      [{ path: 'spec.ports[1]', message: 'duplicate entry with {"name":"http"}; each entry of this list must be unique' }],
    ],
  ])('%s', (_name, o, expected) => {
    // istiod's hand-written rules may name the same problem again in their own words.
    expect(errors(o)).toEqual(expect.arrayContaining(expected));
  });

  it('counts code points, not UTF-16 units, for maxLength', () => {
    const long = '😀'.repeat(63);
    expect(errors(obj('networking.istio.io/v1', 'DestinationRule', { host: 'a', workloadSelector: { matchLabels: { app: long } } }))).toEqual([]);
  });
});

describe('CEL rules', () => {
  it('runs rules with the Kubernetes libraries (url(), duration())', () => {
    expect(errors(obj('security.istio.io/v1', 'RequestAuthentication', { jwtRules: [{ issuer: 'a', jwksUri: 'ftp://x/jwks' }] }))).toContainEqual({
      path: 'spec.jwtRules[0].jwksUri',
      message: 'url must have scheme http:// or https://',
    });
  });

  it('reports a rule that cannot be evaluated with the reason', () => {
    const [e] = errors(obj('networking.istio.io/v1', 'VirtualService', { hosts: ['a'], http: [{ timeout: '1d', route: [{ destination: { host: 'a' } }] }] }));
    expect(e?.path).toBe('spec.http[0].timeout');
    expect(e?.message).toMatch(/^must be a valid duration greater than 1ms \(the rule could not be evaluated: /);
  });

  it('compares an optional with null as cel-go does: never equal (XBackend port names)', () => {
    const o = obj('gateway.networking.x-k8s.io/v1alpha1', 'XBackend', {
      type: 'ExternalHostname',
      externalHostname: { hostname: 'a.example.com' },
      port: { name: 'http', port: 80 },
    });
    expect(errors(o)).toContainEqual({ path: 'spec.port.name', message: 'Name must be a valid DNS label' });
  });

  it('runs transition rules only on UPDATE (GatewayClass controllerName is immutable)', () => {
    const gc = (controllerName: string): KubeObject => ({ apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'gc' }, spec: { controllerName } });
    expect(errors(gc('example.com/b'))).toEqual([]);
    expect(errors(gc('example.com/b'), gc('example.com/a'))).toEqual([{ path: 'spec.controllerName', message: 'Value is immutable' }]);
  });
});

describe('ratcheting on UPDATE', () => {
  const relabel = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { touched: 'yes' } } });
  const bad = route({ hostnames: ['Bad_Host'], rules: [{ backendRefs: [backend] }] });

  it('drops a schema error on a part the update leaves unchanged', () => {
    expect(errors(relabel(bad), bad)).toEqual([]);
  });

  it('keeps it when the update touches that part (an atomic list counts as a whole)', () => {
    const changed = route({ hostnames: ['Bad_Host', 'ok.example.com'], rules: [{ backendRefs: [backend] }] });
    expect(errors(changed, bad).map((e) => e.path)).toEqual(['spec.hostnames[0]']);
  });

  it('turns a failing CEL rule on an unchanged value into a warning', () => {
    const gw = obj(GW, 'Gateway', { gatewayClassName: 'gc', listeners: [{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example.com' }] });
    expect(errors(gw)).toEqual([{ path: 'spec.listeners', message: "hostname must not be specified for protocols ['TCP', 'UDP']" }]);
    const out = outcomeOf(relabel(gw), gw);
    expect(out.checked && out.errors).toEqual([]);
    expect(out.checked && out.warnings[0]).toMatch(/^spec\.listeners: hostname must not be specified/);
  });
});

describe('metadata', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a name that is not a DNS subdomain', { name: 'Bad_Name' }, ['metadata.name']],
    ['no name', { name: undefined }, ['metadata.name']],
    ['a namespace that is not a DNS label', { namespace: 'a.b' }, ['metadata.namespace']],
    ['a label value over 63 characters', { labels: { app: 'x'.repeat(64) } }, ['metadata.labels.app']],
    ['a bad label key', { labels: { 'a/b/c': 'x' } }, ['metadata.labels["a/b/c"]']],
  ])('rejects %s', (_name, metadata, paths) => {
    const grant = { from: [{ group: '', kind: 'Service', namespace: 'other' }], to: [{ group: '', kind: 'Service' }] };
    expect(errors(obj('gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', grant, metadata)).map((e) => e.path)).toEqual(paths);
  });

  it('ignores a namespace on a cluster-scoped kind (the API server clears it)', () => {
    expect(errors({ apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'gc', namespace: 'x' }, spec: { controllerName: 'example.com/gc' } })).toEqual([]);
  });
});

describe('which kinds and versions exist', () => {
  it('validates every kind the CRDs define, TrafficExtension included', () => {
    const kinds = testValidators()
      .kinds()
      .map((k) => `${k.group}/${k.kind}`);
    expect(kinds).toContain('extensions.istio.io/TrafficExtension');
    expect(kinds).toContain('gateway.networking.x-k8s.io/XBackendTrafficPolicy');
    expect(outcomeOf(obj('extensions.istio.io/v1alpha1', 'TrafficExtension', null)).checked).toBe(true);
  });

  it('reports a kind without a CRD as not checked', () => {
    expect(outcomeOf(obj('example.com/v1', 'Widget', {})).checked).toBe(false);
  });

  it('rejects a version the CRD does not serve', () => {
    expect(errors(obj('networking.istio.io/v1', 'EnvoyFilter', {}))).toEqual([
      { path: 'apiVersion', message: 'EnvoyFilter is served in networking.istio.io/v1alpha3, not networking.istio.io/v1' },
    ]);
  });
});

describe('settings', () => {
  const o = obj('networking.istio.io/v1', 'DestinationRule', { host: 'a', bogus: 1 });

  it.each<['Warn' | 'Ignore', string[]]>([
    ['Warn', ['unknown field "spec.bogus" dropped (the DestinationRule v1 schema has no such field)']],
    ['Ignore', []],
  ])('field validation %s', (fieldValidation, warnings) => {
    const out = testValidators({ fieldValidation }).validate({ object: o });
    expect(out.checked && out.errors).toEqual([]);
    expect(out.checked && out.warnings).toEqual(warnings);
  });

  it('regex check warn: an RE2-invalid Gateway API regex is a warning, not an error', () => {
    const r = route({ rules: [{ matches: [{ path: { type: 'RegularExpression', value: '/(?=x)' } }], backendRefs: [backend] }] });
    expect(errors(r).map((e) => e.path)).toEqual(['spec.rules[0].matches[0].path.value']);
    const warned = testValidators({ regexCheck: 'warn' }).validate({ object: r });
    expect(warned.checked && warned.errors).toEqual([]);
    expect(warned.checked && warned.warnings[0]).toMatch(/^spec\.rules\[0\]\.matches\[0\]\.path\.value: not a valid RE2/);
  });
});
