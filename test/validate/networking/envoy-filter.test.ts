import { describe, expect, it } from 'vitest';
import { validateEnvoyFilter, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown) => reportOf(validateEnvoyFilter, 'EnvoyFilter', spec);
const errorsOf = (spec: unknown) => report(spec).errors;
const ALWAYS = 'EnvoyFilter patches Envoy internals, which change between releases; prefer other APIs and retest on upgrades';
const HCM = 'envoy.filters.network.http_connection_manager';
const patch = (cp: Record<string, unknown>) => ({ configPatches: [cp] });
const remove = (applyTo: string, match: unknown) => patch({ applyTo, match, patch: { operation: 'REMOVE' } });
const P = 'spec.configPatches[0]';

describe('EnvoyFilter: accepted', () => {
  it.each<[string, unknown]>([
    ['no patches', {}],
    ['adding a cluster', patch({ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: { name: 'lua_cluster', connect_timeout: '0.5s' } } })],
    [
      'inserting an HTTP filter before the router',
      patch({
        applyTo: 'HTTP_FILTER',
        match: { context: 'SIDECAR_INBOUND', listener: { portNumber: 8080, filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua' } } },
      }),
    ],
    [
      'merging and replacing lists',
      patch({ applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { transportProtocol: 'tls' } } }, patch: { operation: 'MERGE_AND_REPLACE_LIST', value: {} } }),
    ],
    ['a proxy version regex', patch({ applyTo: 'LISTENER', match: { proxy: { proxyVersion: '^1\\.2[0-9].*' } }, patch: { operation: 'REMOVE' } })],
    ['a route configuration patch', remove('VIRTUAL_HOST', { routeConfiguration: { vhost: { name: 'a:80' } } })],
    [
      'a waypoint HTTP filter',
      patch({
        applyTo: 'HTTP_FILTER',
        match: { context: 'WAYPOINT', waypoint: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } },
        patch: { operation: 'INSERT_BEFORE', value: {} },
      }),
    ],
    [
      'a TypedStruct whose free-form value has an "@type" key',
      patch({
        applyTo: 'HTTP_FILTER',
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'x',
            typed_config: { '@type': 'type.googleapis.com/xds.type.v3.TypedStruct', type_url: 'type.googleapis.com/example.v1.Config', value: { '@type': 'plain data' } },
          },
        },
      }),
    ],
    ['targetRefs', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }], configPatches: [] }],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('EnvoyFilter: rejected', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no applyTo', patch({ patch: { operation: 'REMOVE' } }), [issue(`${P}.applyTo`, 'applyTo is required: say which kind of Envoy object the patch changes')]],
    ['no patch', patch({ applyTo: 'LISTENER' }), [issue(`${P}.patch`, 'a config patch needs a patch (operation and value)')]],
    ['no operation', patch({ applyTo: 'LISTENER', patch: {} }), [issue(`${P}.patch.operation`, 'patch.operation is required, such as MERGE, ADD or REMOVE')]],
    ['no value for ADD', patch({ applyTo: 'LISTENER', patch: { operation: 'ADD' } }), [issue(`${P}.patch.value`, 'operation ADD needs a patch value')]],
    [
      'a proxy version RE2 rejects',
      patch({ applyTo: 'LISTENER', match: { proxy: { proxyVersion: 'a++' } }, patch: { operation: 'REMOVE' } }),
      [
        issue(
          `${P}.match.proxy.proxyVersion`,
          'not a valid RE2 regular expression (invalid nested repetition operator: `++`); Envoy uses RE2 syntax, which has no look-arounds or back-references',
        ),
      ],
    ],
    [
      'a listener patch with a cluster match',
      remove('LISTENER', { cluster: {} }),
      [issue(`${P}.match`, 'applyTo LISTENER patches listeners, so the match must be a listener match, not cluster')],
    ],
    [
      'a virtual host patch with a cluster match',
      remove('VIRTUAL_HOST', { cluster: {} }),
      [issue(`${P}.match`, 'applyTo VIRTUAL_HOST patches route configuration, so the match must be a routeConfiguration match, not cluster')],
    ],
    [
      'a cluster patch with a listener match',
      remove('CLUSTER', { listener: {} }),
      [issue(`${P}.match`, 'applyTo CLUSTER patches clusters, so the match must be a cluster match, not listener')],
    ],
    [
      'a filter match without a name',
      remove('NETWORK_FILTER', { listener: { filterChain: { sni: '124', filter: {} } } }),
      [issue(`${P}.match.listener.filterChain.filter.name`, 'a filter match needs the name of the filter')],
    ],
    [
      'a subFilter with NETWORK_FILTER',
      remove('NETWORK_FILTER', { listener: { filterChain: { filter: { name: 'random', subFilter: {} } } } }),
      [issue(`${P}.match.listener.filterChain.filter.subFilter`, 'a subFilter match works only with applyTo HTTP_FILTER')],
    ],
    [
      'a subFilter outside the HTTP connection manager',
      remove('HTTP_FILTER', { listener: { filterChain: { filter: { name: 'random', subFilter: {} } } } }),
      [issue(`${P}.match.listener.filterChain.filter.name`, `a subFilter match needs the filter to be ${HCM}`)],
    ],
    [
      'a subFilter without a name',
      remove('HTTP_FILTER', { listener: { filterChain: { filter: { name: HCM, subFilter: {} } } } }),
      [issue(`${P}.match.listener.filterChain.filter.subFilter.name`, 'a subFilter match needs the name of the HTTP filter')],
    ],
    [
      'a non-string name in the value',
      patch({ applyTo: 'CLUSTER', match: { cluster: {} }, patch: { operation: 'ADD', value: { name: false } } }),
      [issue(`${P}.patch.value.name`, 'the name of an Envoy object must be a string')],
    ],
    [
      'an @type that names no message',
      patch({ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'ALLOW' } } } }),
      [issue(`${P}.patch.value`, '"ALLOW" is not a type URL: after its last "/" it needs a package-qualified message name (type.googleapis.com/<package>.<Message>)')],
    ],
    [
      'an @type that is not a string',
      patch({ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 7 } } } }),
      [issue(`${P}.patch.value`, '@type must be a type URL string such as "type.googleapis.com/envoy.config.listener.v3.Filter", got 7')],
    ],
    [
      'a v2 type',
      patch({
        applyTo: 'NETWORK_FILTER',
        patch: { operation: 'INSERT_FIRST', value: { typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.network.ext_authz.v2.ExtAuthz' } } },
      }),
      [issue(`${P}.patch.value`, '"type.googleapis.com/envoy.config.filter.network.ext_authz.v2.ExtAuthz" is a v2 xDS type, which Envoy no longer supports; use the v3 type')],
    ],
    [
      'an unknown applyTo',
      patch({ applyTo: 'ROUTE', patch: { operation: 'REMOVE' } }),
      [
        issue(
          `${P}.applyTo`,
          'must be one of "INVALID", "LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER", "ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE", "CLUSTER", "EXTENSION_CONFIG", "BOOTSTRAP", "LISTENER_FILTER"; got the string "ROUTE"',
        ),
      ],
    ],
    ['a null patch', { configPatches: [null] }, [issue(P, 'a config patch may not be null')]],
    [
      'targetRefs and a selector',
      { workloadSelector: { labels: { app: 'a' } }, targetRefs: [{ kind: 'Gateway', name: 'gw', namespace: 'other' }] },
      [
        issue('spec.targetRefs', 'set either targetRefs or workloadSelector, not both'),
        issue('spec.targetRefs[0].namespace', 'targetRefs can only refer to objects in the same namespace; remove namespace'),
      ],
    ],
    [
      'a wildcard selector',
      { workloadSelector: { labels: { app: '*' } } },
      [issue('spec.workloadSelector.labels.app', 'selector label value "*" contains "*"; selectors match exact labels, wildcards are not supported')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('EnvoyFilter: waypoints', () => {
  const W = `${P}.match.waypoint`;
  it.each<[string, unknown, Issue[]]>([
    [
      'a listener match with context WAYPOINT (CRD)',
      remove('HTTP_FILTER', { context: 'WAYPOINT', listener: { filterChain: { filter: { name: HCM } } } }),
      [issue(`${P}.match`, 'context WAYPOINT uses a waypoint match; listener, routeConfiguration and cluster matches do not apply')],
    ],
    [
      'a waypoint match without context WAYPOINT (CRD)',
      remove('HTTP_FILTER', { waypoint: { portNumber: 80 } }),
      [issue(W, 'a waypoint match needs context WAYPOINT'), issue(`${P}.match`, 'applyTo HTTP_FILTER patches listeners, so the match must be a listener match, not waypoint')],
    ],
    [
      'a waypoint port out of range (CRD)',
      patch({ applyTo: 'CLUSTER', match: { context: 'WAYPOINT', waypoint: { portNumber: 65536 } } }),
      [issue(`${W}.portNumber`, 'must be at most 65535; got the number 65536')],
    ],
    // The webhook skips WAYPOINT patches: nothing beyond the CRD's match rules is checked.
    ['LISTENER on a waypoint (skipped)', patch({ applyTo: 'LISTENER', match: { context: 'WAYPOINT', waypoint: {} } }), []],
    ['a cluster patch with a route match (skipped)', patch({ applyTo: 'CLUSTER', match: { context: 'WAYPOINT', waypoint: { route: { name: 'r' } } } }), []],
    [
      'an HTTP filter outside the connection manager (skipped)',
      patch({ applyTo: 'HTTP_FILTER', match: { context: 'WAYPOINT', waypoint: { filter: { name: 'x', subFilter: { name: 'y' } } } } }),
      [],
    ],
    ['a waypoint patch without applyTo or patch (skipped)', patch({ match: { context: 'WAYPOINT', waypoint: { portNumber: 80 } } }), []],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('EnvoyFilter: warnings', () => {
  it('always warns that EnvoyFilter is fragile, even when valid', () => {
    expect(report({})).toEqual({ errors: [], warnings: [ALWAYS] });
  });

  it('warns about deprecated filter names, ignored filter matches and empty selectors', () => {
    const r = report({
      workloadSelector: {},
      configPatches: [
        { applyTo: 'HTTP_FILTER', match: { listener: { filterChain: { filter: { name: 'envoy.http_connection_manager' } } } }, patch: { operation: 'INSERT_FIRST', value: {} } },
        { applyTo: 'FILTER_CHAIN', match: { listener: { filterChain: { filter: { name: HCM } } } }, patch: { operation: 'REMOVE' } },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      ALWAYS,
      'spec.workloadSelector: workload selector has no labels, so it applies to every workload in the namespace',
      `${P}: rename filter envoy.http_connection_manager to ${HCM}`,
      'spec.configPatches[1].match.listener.filterChain.filter: a filter match has no effect when applyTo is FILTER_CHAIN',
    ]);
  });
});

describe('EnvoyFilter: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateEnvoyFilter, 'EnvoyFilter', [
      'workloadSelector',
      'labels',
      'targetRefs',
      'configPatches',
      'priority',
      'applyTo',
      'match',
      'patch',
      'context',
      'proxy',
      'proxyVersion',
      'listener',
      'routeConfiguration',
      'cluster',
      'waypoint',
      'filterChain',
      'filter',
      'subFilter',
      'name',
      'operation',
      'value',
      'portNumber',
      'route',
    ]);
  });
});
