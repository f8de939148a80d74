import { describe, expect, it } from 'vitest';
import { validateWasmPlugin, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, resource } from '../security/helpers.js';

const wasm = (spec: unknown) => resource('extensions.istio.io/v1alpha1', 'WasmPlugin', spec);
const withUrl = (fields: Record<string, unknown>) => ({ url: 'oci://ghcr.io/example/filter:1.0', ...fields });
const SHA = 'a'.repeat(64);

describe('WasmPlugin', () => {
  it.each<[string, unknown]>([
    ['an OCI image', withUrl({})],
    ['a bare registry reference (read as http)', { url: 'ghcr.io/example/filter:1.0' }],
    ['a file path', { url: 'file:///opt/filters/f.wasm' }],
    ['an absolute path', { url: '/opt/filters/f.wasm' }],
    ['an https URL with checksum', { url: 'https://example.com/f.wasm', sha256: SHA }],
    ['an empty checksum', withUrl({ sha256: '' })],
    [
      'everything else',
      withUrl({
        selector: { matchLabels: { app: 'gw' } },
        phase: 'AUTHN',
        priority: 10,
        type: 'HTTP',
        failStrategy: 'FAIL_OPEN',
        imagePullPolicy: 'Always',
        imagePullSecret: 'pull-secret',
        pluginName: 'root',
        pluginConfig: { any: { nested: [1, 2] } },
        vmConfig: {
          env: [
            { name: 'POD', valueFrom: 'HOST' },
            { name: 'MODE', value: 'strict' },
            { name: 'X', valueFrom: 'INLINE', value: 'y' },
          ],
        },
        match: [{ mode: 'SERVER', ports: [{ number: 8080 }, { number: 9090 }] }],
      }),
    ],
  ])('accepts %s', (_name, spec) => {
    expect(validateWasmPlugin(wasm(spec)).errors).toEqual([]);
  });

  it.each<[string, unknown, Issue[]]>([
    ['no spec', undefined, [issue('spec', 'required field is missing')]],
    ['a null spec', null, [issue('spec', 'must be an object, not null (is the content below it indented under spec?)')]],
    ['no url', {}, [issue('spec.url', 'required field is missing')]],
    ['an empty url', { url: '' }, [issue('spec.url', 'must not be empty')]],
    ['a null url', { url: null }, [issue('spec.url', 'must be a string, not null')]],
    [
      'a registry with a port (read as the URL scheme "localhost", which the CRD rule refuses)',
      { url: 'localhost:5000/filter' },
      [issue('spec.url', 'url must have schema one of [http, https, file, oci]')],
    ],
    ['an unsupported scheme', { url: 'fake://example.com/f.wasm' }, [issue('spec.url', 'uses the unsupported scheme "fake"; use oci://, https://, http:// or file://')]],
    ['an unparsable url', { url: '#%blah$#@' }, [issue('spec.url', '"#%blah$#@" is not a valid URL')]],
    ['a short checksum', withUrl({ sha256: 'abc' }), [issue('spec.sha256', 'must be a SHA-256 checksum: 64 lower-case hexadecimal digits')]],
    ['an upper-case checksum', withUrl({ sha256: 'A'.repeat(64) }), [issue('spec.sha256', 'must be a SHA-256 checksum: 64 lower-case hexadecimal digits')]],
    ['an empty pull secret', withUrl({ imagePullSecret: '' }), [issue('spec.imagePullSecret', 'must not be empty')]],
    ['a long pull secret', withUrl({ imagePullSecret: 's'.repeat(254) }), [issue('spec.imagePullSecret', 'must be at most 253 characters long; this one has 254')]],
    ['an empty plugin name', withUrl({ pluginName: '' }), [issue('spec.pluginName', 'must not be empty')]],
    ['an unknown phase', withUrl({ phase: 'ROUTING' }), [issue('spec.phase', 'must be one of "UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"; got the string "ROUTING"')]],
    ['an env var without name', withUrl({ vmConfig: { env: [{ value: 'x' }] } }), [issue('spec.vmConfig.env[0].name', 'required field is missing')]],
    ['a duplicate env var', withUrl({ vmConfig: { env: [{ name: 'a' }, { name: 'a' }] } }), [issue('spec.vmConfig.env[1].name', 'duplicate environment variable "a"')]],
    [
      'a HOST env var with a value',
      withUrl({ vmConfig: { env: [{ name: 'a', valueFrom: 'HOST', value: 'x' }] } }),
      [issue('spec.vmConfig.env[0].value', "must not be set when valueFrom is HOST (the value is read from the proxy's environment)")],
    ],
    ['a port without number', withUrl({ match: [{ ports: [{}] }] }), [issue('spec.match[0].ports[0].number', 'required field is missing')]],
    ['port 0', withUrl({ match: [{ ports: [{ number: 0 }] }] }), [issue('spec.match[0].ports[0].number', 'must be at least 1; got the number 0')]],
    ['a duplicate port', withUrl({ match: [{ ports: [{ number: 80 }, { number: 80 }] }] }), [issue('spec.match[0].ports[1].number', 'duplicate port 80')]],
    ['a null match', withUrl({ match: [null] }), [issue('spec.match[0]', 'must be an object (a map of fields), not null')]],
    [
      'a selector and targetRefs',
      withUrl({ selector: { matchLabels: { a: 'b' } }, targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g' }] }),
      [issue('spec.targetRefs', 'set only one of selector, targetRef and targetRefs; this policy sets selector and targetRefs')],
    ],
    [
      'a wildcard selector key',
      withUrl({ selector: { matchLabels: { 'istio*': 'bar' } } }),
      [issue('spec.selector.matchLabels["istio*"]', 'selector label key "istio*" contains "*"; selectors match exact labels, wildcards are not supported')],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(validateWasmPlugin(wasm(spec)).errors, expected);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateWasmPlugin, 'extensions.istio.io/v1alpha1', 'WasmPlugin', [
      'url',
      'sha256',
      'selector',
      'targetRef',
      'targetRefs',
      'phase',
      'priority',
      'vmConfig',
      'env',
      'name',
      'value',
      'valueFrom',
      'match',
      'ports',
      'number',
      'mode',
      'pluginConfig',
      'pluginName',
      'imagePullSecret',
    ]);
  });
});
