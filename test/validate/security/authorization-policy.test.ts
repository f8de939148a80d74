import { describe, expect, it } from 'vitest';
import { validateAuthorizationPolicy, expectIssues, testValidators } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, resource } from './helpers.js';

const ap = (spec: unknown, annotations?: Record<string, string>) => resource('security.istio.io/v1', 'AuthorizationPolicy', spec, annotations);
const errorsOf = (spec: unknown, annotations?: Record<string, string>) => validateAuthorizationPolicy(ap(spec, annotations)).errors;
const from = (source: unknown) => ({ rules: [{ from: [{ source }] }] });
const to = (operation: unknown) => ({ rules: [{ to: [{ operation }] }] });
const when = (condition: unknown) => ({ rules: [{ when: [condition] }] });
const SRC = 'spec.rules[0].from[0].source';
const OP = 'spec.rules[0].to[0].operation';
const COND = 'spec.rules[0].when[0]';

describe('AuthorizationPolicy: accepted', () => {
  it.each<[string, unknown]>([
    ['no spec (allow nothing)', undefined],
    [
      'ALLOW with sources and operations',
      {
        selector: { matchLabels: { app: 'httpbin' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }], to: [{ operation: { methods: ['GET'], paths: ['/info*'], ports: ['8080'] } }] }],
      },
    ],
    ['DENY with an empty rule (deny everything)', { action: 'DENY', rules: [{}] }],
    ['CUSTOM with a provider', { action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] }],
    ['AUDIT', { action: 'AUDIT', rules: [{ to: [{ operation: { methods: ['POST'] } }] }] }],
    ['service accounts in their own source', { rules: [{ from: [{ source: { serviceAccounts: ['ns1/sa1', 'sa2'] } }, { source: { principals: ['p'] } }] }] }],
    ['trust domains with edge wildcards', from({ trustDomains: ['cluster.local', 'prod-*', '*.local', '*'] })],
    ['IPs and CIDRs', from({ ipBlocks: ['10.0.0.1', '10.0.0.0/8', '2001:db8::/32'], notRemoteIpBlocks: ['192.168.1.1'] })],
    ['path templates', to({ paths: ['/{*}/foo', '/api/{**}', '/{**}/tail/template'], notPaths: ['/exact', '/prefix/*', '*/suffix'] })],
    ['a header condition', when({ key: 'request.headers[X-Token]', values: ['abc', 'pre-*'] })],
    ['a claim condition', when({ key: 'request.auth.claims[groups]', notValues: ['guests'] })],
    ['a nested experimental key', when({ key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', values: ['[update]'] })],
    ['destination.port values', when({ key: 'destination.port', values: ['0', '8080', '65535'] })],
    ['source.serviceAccount values', when({ key: 'source.serviceAccount', values: ['ns/sa', 'sa'] })],
    ['targetRefs to a Gateway', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }], rules: [{}] }],
    ['targetRef to a core Service', { targetRef: { kind: 'Service', name: 'reviews' } }],
    ['targetRef to a ServiceEntry', { targetRef: { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'ext' } }],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });

  it.each([
    ['ALLOW', 'true'],
    ['DENY', 'false'],
  ])('accepts the dry-run annotation with %s', (action, value) => {
    expect(errorsOf({ action, rules: [{}] }, { 'istio.io/dry-run': value })).toEqual([]);
  });
});

describe('AuthorizationPolicy: actions', () => {
  it.each<[string, unknown, Issue[]]>([
    ['DENY without rules', { action: 'DENY' }, [issue('spec.rules', 'a DENY policy without rules never applies; add an empty rule {} to apply it to every request')]],
    [
      'DENY with an empty rule list',
      { action: 'DENY', rules: [] },
      [issue('spec.rules', 'a DENY policy without rules never applies; add an empty rule {} to apply it to every request')],
    ],
    [
      'CUSTOM without rules',
      { action: 'CUSTOM', provider: { name: 'x' } },
      [issue('spec.rules', 'a CUSTOM policy without rules never applies; add an empty rule {} to apply it to every request')],
    ],
    ['CUSTOM without provider', { action: 'CUSTOM', rules: [{}] }, [issue('spec.provider', 'a CUSTOM policy must name the extension provider that decides')]],
    [
      'CUSTOM with an empty provider name',
      { action: 'CUSTOM', provider: { name: '' }, rules: [{}] },
      [issue('spec.provider.name', 'a CUSTOM policy must name the extension provider that decides')],
    ],
    ['a provider on an ALLOW policy', { provider: { name: 'x' } }, [issue('spec.provider', "is only used by the CUSTOM action; this policy's action is ALLOW")]],
    ['an unknown action', { action: 'REJECT' }, [issue('spec.action', 'must be one of "ALLOW", "DENY", "AUDIT", "CUSTOM"; got the string "REJECT"')]],
    [
      'CUSTOM matching on identities',
      { action: 'CUSTOM', provider: { name: 'x' }, rules: [{ from: [{ source: { namespaces: ['ns'] } }], when: [{ key: 'request.auth.principal', values: ['p'] }] }] },
      [
        issue(`${SRC}.namespaces`, 'is not supported with the CUSTOM action; match it in the external authorizer instead'),
        issue(`${COND}.key`, '"request.auth.principal" is not supported with the CUSTOM action; match it in the external authorizer instead'),
      ],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });

  it.each<[string, string, Record<string, string>, string]>([
    ['a non-boolean dry-run value', 'ALLOW', { 'istio.io/dry-run': 'maybe' }, 'must be "true" or "false", got "maybe"'],
    ['dry-run with CUSTOM', 'CUSTOM', { 'istio.io/dry-run': 'true' }, 'dry-run works only with the ALLOW and DENY actions, not CUSTOM'],
    ['dry-run with AUDIT', 'AUDIT', { 'istio.io/dry-run': 'true' }, 'dry-run works only with the ALLOW and DENY actions, not AUDIT'],
  ])('rejects %s', (_name, action, annotations, message) => {
    expect(errorsOf({ action, provider: action === 'CUSTOM' ? { name: 'x' } : undefined, rules: [{}] }, annotations)).toEqual([
      issue('metadata.annotations["istio.io/dry-run"]', message),
    ]);
  });

  it('warns that a DENY rule with only HTTP attributes also blocks TCP', () => {
    const report = validateAuthorizationPolicy(ap({ action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual(['spec.rules[0]: a DENY rule with only HTTP attributes also denies all TCP traffic; add ports to limit it']);
  });

  it('does not warn when the DENY rule names ports', () => {
    const report = validateAuthorizationPolicy(ap({ action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['80'] } }] }] }));
    expect(report.warnings).toEqual([]);
  });
});

describe('AuthorizationPolicy: rules', () => {
  it.each<[string, unknown, Issue[]]>([
    ['an integer port', to({ ports: [3306] }), [issue(`${OP}.ports[0]`, 'ports are strings in this API: write it in quotes, e.g. "3306"')]],
    ['a port out of range', to({ notPorts: ['65536'] }), [issue(`${OP}.notPorts[0]`, '"65536" is not a port number (0-65535)')]],
    ['a from entry without source', { rules: [{ from: [{}] }] }, [issue(SRC, 'is required: each entry of from needs a source')]],
    ['an empty source', from({}), [issue(SRC, 'is empty; set at least one of its fields, such as principals, requestPrincipals, namespaces')]],
    ['an empty operation', to({}), [issue(OP, 'is empty; set at least one of its fields, such as hosts, ports, methods')]],
    ['an empty principal', from({ principals: ['a', ''] }), [issue(`${SRC}.principals[1]`, 'must not be empty')]],
    ['an empty path', to({ paths: [''] }), [issue(`${OP}.paths[0]`, 'must not be empty')]],
    ['a bad IP block', from({ ipBlocks: ['10.0.0.300'] }), [issue(`${SRC}.ipBlocks[0]`, '"10.0.0.300" is not a valid IP address or CIDR block')]],
    ['a bad remote CIDR', from({ remoteIpBlocks: ['10.0.0.0/33'] }), [issue(`${SRC}.remoteIpBlocks[0]`, '"10.0.0.0/33" is not a valid IP address or CIDR block')]],
    [
      'service accounts next to namespaces',
      from({ serviceAccounts: ['ns/sa'], namespaces: ['ns'] }),
      [issue(`${SRC}.serviceAccounts`, 'cannot be combined with namespaces in the same source; use separate from entries')],
    ],
    ['a wildcard service account', from({ serviceAccounts: ['ns/*'] }), [issue(`${SRC}.serviceAccounts[0]`, '"ns/*": wildcards are not allowed in service accounts')]],
    [
      'a service account with two slashes',
      from({ notServiceAccounts: ['a/b/c'] }),
      [issue(`${SRC}.notServiceAccounts[0]`, '"a/b/c" must be "serviceAccount" or "namespace/serviceAccount"')],
    ],
    [
      'too many service accounts',
      from({ serviceAccounts: Array.from({ length: 17 }, (_, i) => `sa${i}`) }),
      [issue(`${SRC}.serviceAccounts`, 'must have at most 16 entries; it has 17')],
    ],
    [
      'a trust domain with a slash',
      from({ trustDomains: ['td/ns/foo'] }),
      [issue(`${SRC}.trustDomains[0]`, '"td/ns/foo" is a trust domain, which cannot contain "/" (is it a principal?)')],
    ],
    [
      'a trust domain with a middle wildcard',
      from({ notTrustDomains: ['a*b'] }),
      [issue(`${SRC}.notTrustDomains[0]`, '"a*b": a wildcard is allowed only as the whole value or at its start or end')],
    ],
    ['a named variable in a path', to({ paths: ['/{id}'] }), [issue(`${OP}.paths[0]`, 'path "/{id}": "{" and "}" may only appear as whole {*} or {**} segments')]],
    ['{**} before {*}', to({ paths: ['/{**}/{*}'] }), [issue(`${OP}.paths[0]`, 'path template "/{**}/{*}": {**} must be the last {*} or {**} segment')]],
    [
      'a glob next to a template',
      to({ notPaths: ['/{*}/**'] }),
      [issue(`${OP}.notPaths[0]`, 'path template "/{*}/**": segment "**" has characters a path template does not allow')],
    ],
    ['rules that are not a list', { rules: { from: [] } }, [issue('spec.rules', 'must be a list, not an object')]],
    ['a null rule', { rules: [null] }, [issue('spec.rules[0]', 'must be an object (a map of fields), not null')]],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('AuthorizationPolicy: conditions', () => {
  it.each<[string, unknown, Issue[]]>([
    ['a missing key', { values: ['v'] }, [issue(`${COND}.key`, 'required field is missing')]],
    ['an empty key', { key: '', values: ['v'] }, [issue(`${COND}.key`, 'must not be empty')]],
    ['no values', { key: 'source.principal' }, [issue(`${COND}.values`, 'condition on "source.principal" must set values, notValues, or both')]],
    ['an empty value', { key: 'request.headers[x]', values: ['a', ''] }, [issue(`${COND}.values[1]`, 'must not be empty')]],
    ['a bad source.ip', { key: 'source.ip', values: ['a.b.c.d'] }, [issue(`${COND}.values[0]`, '"a.b.c.d" is not a valid IP address or CIDR block')]],
    [
      'a bad destination.ip notValue',
      { key: 'destination.ip', notValues: ['1.2.3.4/99'] },
      [issue(`${COND}.notValues[0]`, '"1.2.3.4/99" is not a valid IP address or CIDR block')],
    ],
    ['a bad port', { key: 'destination.port', values: ['http'] }, [issue(`${COND}.values[0]`, '"http" is not a port number (0-65535)')]],
    [
      'an empty service account name',
      { key: 'source.serviceAccount', values: ['ns/'] },
      [issue(`${COND}.values[0]`, '"ns/" must be "serviceAccount" or "namespace/serviceAccount", with neither part empty')],
    ],
    [
      'a header key without a name',
      { key: 'request.headers[]', values: ['v'] },
      [issue(`${COND}.key`, '"request.headers[]" must name an entry in brackets, like request.headers[name]')],
    ],
    [
      'a claim key without brackets',
      { key: 'request.auth.claims', values: ['v'] },
      [issue(`${COND}.key`, '"request.auth.claims" must name an entry in brackets, like request.auth.claims[name]')],
    ],
    [
      'destination.namespace',
      { key: 'destination.namespace', values: ['ns'] },
      [issue(`${COND}.key`, 'attribute "destination.namespace" is not supported; a policy applies in its own namespace (metadata.namespace)')],
    ],
    [
      'destination.labels',
      { key: 'destination.labels[app]', values: ['x'] },
      [issue(`${COND}.key`, 'attribute "destination.labels[app]" is not supported; choose workloads with spec.selector instead')],
    ],
    ['destination.user', { key: 'destination.user', values: ['x'] }, [issue(`${COND}.key`, 'attribute "destination.user" was only supported by the old v1alpha1 API')]],
  ])('rejects %s', (_name, condition, expected) => {
    expectIssues(errorsOf(when(condition)), expected);
  });

  it('names the supported keys when the key is unknown', () => {
    const [e] = errorsOf(when({ key: 'source.user', values: ['x'] }));
    expect(e?.path).toBe(`${COND}.key`);
    expect(e?.message).toMatch(/^unknown attribute "source\.user"; supported keys are request\.headers\[<name>\], source\.ip/);
  });
});

describe('AuthorizationPolicy: selector and targets', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      'a wildcard label key',
      { selector: { matchLabels: { 'app*': 'x' } } },
      [issue('spec.selector.matchLabels["app*"]', 'selector label key "app*" contains "*"; selectors match exact labels, wildcards are not supported')],
    ],
    [
      'a long label value',
      { selector: { matchLabels: { app: 'x'.repeat(64) } } },
      [issue('spec.selector.matchLabels.app', 'label value is 64 characters long; at most 63 are allowed')],
    ],
    ['a numeric label value', { selector: { matchLabels: { version: 1 } } }, [issue('spec.selector.matchLabels.version', 'must be a string, not the number 1')]],
    [
      'selector and targetRefs together',
      { selector: { matchLabels: { a: 'b' } }, targetRefs: [{ kind: 'Service', name: 's' }] },
      [issue('spec.targetRefs', 'set only one of selector, targetRef and targetRefs; this policy sets selector and targetRefs')],
    ],
    [
      'a target in another namespace',
      { targetRef: { kind: 'Service', name: 's', namespace: 'other' } },
      [issue('spec.targetRef.namespace', 'must be empty: a policy can only target resources in its own namespace')],
    ],
    ['a target without name', { targetRef: { kind: 'Service' } }, [issue('spec.targetRef.name', 'required field is missing')]],
    [
      'a Pod target',
      { targetRef: { kind: 'Pod', name: 'p' } },
      [
        issue(
          'spec.targetRef.kind',
          'a policy can target only a Service, a ServiceEntry (networking.istio.io), or a Gateway or GatewayClass (gateway.networking.k8s.io); got group "", kind "Pod"',
        ),
      ],
    ],
    [
      'a target in an unknown group',
      { targetRefs: [{ group: 'apps', kind: 'Deployment', name: 'd' }] },
      [
        issue(
          'spec.targetRefs[0].group',
          'a policy can target only a Service, a ServiceEntry (networking.istio.io), or a Gateway or GatewayClass (gateway.networking.k8s.io); got group "apps", kind "Deployment"',
        ),
      ],
    ],
    [
      'a malformed group',
      { targetRef: { group: 'Bad_Group', kind: 'Gateway', name: 'g' } },
      [issue('spec.targetRef.group', '"Bad_Group" is not a valid API group (lower-case DNS name, at most 253 characters)')],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('AuthorizationPolicy: the shape of the object', () => {
  it('names misplaced top-level fields and the empty spec above them', () => {
    const obj = { ...ap(null), selector: { matchLabels: { app: 'nginx' } }, action: 'ALLOW', rules: [] };
    const unknown = 'unknown field (the AuthorizationPolicy v1 schema has no such field; is it meant to be under spec?)';
    expect(validateAuthorizationPolicy(obj).errors).toEqual([issue('action', unknown), issue('rules', unknown), issue('selector', unknown)]);
  });

  it('names an empty top-level key', () => {
    expect(validateAuthorizationPolicy({ ...ap({}), '': 'x' }).errors).toEqual([
      issue('[""]', 'unknown field (the AuthorizationPolicy v1 schema has no such field; is it meant to be under spec?)'),
    ]);
  });

  it('keeps an unknown-field warning (--field-validation=Warn) under 120 characters', () => {
    const outcome = testValidators({ fieldValidation: 'Warn' }).validate({ object: ap(to({ methods: ['GET'], ['v'.repeat(150)]: ['x'] })) });
    expect(outcome.checked && outcome.errors).toEqual([]);
    expect(outcome.checked && outcome.warnings[0]?.length).toBeLessThan(120);
  });

  it('rejects unknown fields inside rules, or only warns with --field-validation=Warn', () => {
    const obj = ap({ rules: [{ to: [{ operation: { methods: ['GET'], verbs: ['x'] } }] }] });
    expect(validateAuthorizationPolicy(obj).errors).toEqual([issue('spec.rules[0].to[0].operation.verbs', 'unknown field (the AuthorizationPolicy v1 schema has no such field)')]);
    const warned = testValidators({ fieldValidation: 'Warn' }).validate({ object: obj });
    expect(warned.checked && warned.errors).toEqual([]);
    expect(warned.checked && warned.warnings).toEqual(['unknown field "spec.rules.0.to.0.operation.verbs" dropped (the AuthorizationPolicy v1 schema has no such field)']);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateAuthorizationPolicy, 'security.istio.io/v1', 'AuthorizationPolicy', [
      'selector',
      'matchLabels',
      'targetRef',
      'targetRefs',
      'group',
      'kind',
      'name',
      'namespace',
      'action',
      'provider',
      'rules',
      'from',
      'source',
      'to',
      'operation',
      'when',
      'key',
      'values',
      'notValues',
      'principals',
      'namespaces',
      'serviceAccounts',
      'ipBlocks',
      'trustDomains',
      'ports',
      'paths',
      'methods',
      'hosts',
    ]);
  });
});
