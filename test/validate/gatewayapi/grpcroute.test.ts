import { describe, expect, it } from 'vitest';
import { validateGRPCRoute } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const backend = { name: 'echo', port: 9000 };
const route = (rule: Record<string, unknown>, spec: Record<string, unknown> = {}): unknown => ({
  parentRefs: [{ name: 'edge' }],
  rules: [{ backendRefs: [backend], ...rule }],
  ...spec,
});
const method = (m: Record<string, unknown>): Record<string, unknown> => ({ matches: [{ method: m }] });
const report = (spec: unknown): ReturnType<typeof validateGRPCRoute> => validateGRPCRoute(resource('GRPCRoute', spec));

describe('GRPCRoute', () => {
  it.each<[string, unknown]>([
    ['a route without matches', route({})],
    ['a service and method match', route(method({ service: 'echo.v1.Echo', method: 'Say' }))],
    ['a service-only match with a leading dot and mixed case', route(method({ type: 'Exact', service: '.Grpc.Health.v1.Health' }))],
    ['an RE2 method regex', route(method({ type: 'RegularExpression', service: 'echo\\..*', method: 'Say[A-Z][a-z]+' }))],
    ['header matches', route({ matches: [{ headers: [{ name: 'x-tenant', value: 'a' }, { type: 'RegularExpression', name: 'x-env', value: 'canary|beta' }] }] })],
    ['header modifiers and mirrors', route({ filters: [
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 9000 } } },
    ] })],
    ['hostnames', route({}, { hostnames: ['grpc.example.com'] })],
    ['128 matches in total next to a rule without matches (GRPCRoute has no default match)', { rules: [
      ...Array.from({ length: 2 }, () => ({ matches: Array.from({ length: 64 }, () => ({ method: { service: 'echo.v1.Echo' } })), backendRefs: [backend] })),
      { backendRefs: [backend] },
    ] }],
  ])('accepts %s', (_name, spec) => {
    expect(report(spec).errors).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['an empty method match', route(method({})), 'spec.rules[0].matches[0].method', 'set service, method or both; a method match with neither matches nothing in particular'],
    ['a service with a slash', route(method({ service: 'echo/Echo' })), 'spec.rules[0].matches[0].method.service', '"echo/Echo" is not a gRPC service name: dot-separated identifiers such as foo.bar.v1.Echo'],
    ['a method starting with a digit', route(method({ method: '1Say' })), 'spec.rules[0].matches[0].method.method', '"1Say" is not a gRPC method name: letters, digits and "_", not starting with a digit'],
    ['a look-behind in a method regex', route(method({ type: 'RegularExpression', method: '(?<=Say).*' })), 'spec.rules[0].matches[0].method.method', 'not a valid RE2 regular expression (invalid named capture: `(?<=Say).*`); Envoy uses RE2 syntax, which has no look-arounds or back-references'],
    ['an unknown method match type', route(method({ type: 'Prefix', service: 'a' })), 'spec.rules[0].matches[0].method.type', 'must be one of "Exact", "RegularExpression"; got the string "Prefix"'],
    ['a service name over 1024 characters', route(method({ service: 'a'.repeat(1025) })), 'spec.rules[0].matches[0].method.service', 'must be at most 1024 characters long; this one has 1025'],
    ['one header matched twice in different case', route({ matches: [{ headers: [{ name: 'X-Tenant', value: 'a' }, { name: 'x-tenant', value: 'b' }] }] }), 'spec.rules[0].matches[0].headers[1].name', 'header "x-tenant" is already matched by rules[0].matches[0].headers[0] (header names are case-insensitive); keep one entry per header'],
    ['an HTTP-only filter type', route({ filters: [{ type: 'URLRewrite', urlRewrite: {} }] }), 'spec.rules[0].filters[0].type', 'must be one of "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef"; got the string "URLRewrite"'],
    ['two response header modifiers', route({ filters: [
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['a'] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['b'] } },
    ] }), 'spec.rules[0].filters[1].type', 'rules[0].filters[0] is already a ResponseHeaderModifier filter; this filter type may appear only once per list'],
    ['a mirror filter carrying a header modifier', route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend }, requestHeaderModifier: {} }] }), 'spec.rules[0].filters[0].requestHeaderModifier', 'only allowed in a filter of type RequestHeaderModifier; this filter has type RequestMirror'],
    ['an extension filter without its reference', route({ filters: [{ type: 'ExtensionRef' }] }), 'spec.rules[0].filters[0].extensionRef', 'required for a filter of type ExtensionRef'],
    ['a header both added and set', route({ backendRefs: [{ ...backend, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x', value: '1' }], set: [{ name: 'X', value: '2' }] } }] }] }), 'spec.rules[0].backendRefs[0].filters[0].requestHeaderModifier.add[0].name', 'header "x" is already handled by rules[0].backendRefs[0].filters[0].requestHeaderModifier.set[0]; a modifier may act on each header only once (names are case-insensitive)'],
    ['a Service backend without a port', route({ backendRefs: [{ name: 'echo', kind: 'Service' }] }), 'spec.rules[0].backendRefs[0].port', 'required when the backend is a Service: give the Service port (not the target port) to send traffic to'],
    ['two parentRefs to one Gateway, mixing sectionName and port', route({}, { parentRefs: [{ name: 'edge', sectionName: 'grpc' }, { name: 'edge', port: 443 }] }), 'spec.parentRefs[1]', 'parentRefs[0] refers to the same parent; when a parent is listed more than once, every entry must set sectionName (or port) the same way to pick a distinct part of it'],
    ['two rules with one name', { rules: [{ name: 'a', backendRefs: [backend] }, { name: 'a', backendRefs: [backend] }] }, 'spec.rules[1].name', 'rules[0] already has the name "a"; rule names must be unique within the route'],
    ['header-based sessions without header settings', route({ sessionPersistence: { type: 'Header' } }), 'spec.rules[0].sessionPersistence.header', 'required when type is Header: it says which header carries the session'],
    ['more than 128 matches in total', { rules: Array.from({ length: 3 }, () => ({ matches: Array.from({ length: 43 }, () => ({ method: { service: 'a' } })), backendRefs: [backend] })) }, 'spec.rules', 'the rules have 129 matches in total; a route may have at most 128 across all its rules'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(report(spec).errors).toEqual([issue(path, message)]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateGRPCRoute, 'GRPCRoute', ['parentRefs', 'hostnames', 'rules', 'matches', 'method', 'service', 'type', 'headers',
      'name', 'value', 'filters', 'requestHeaderModifier', 'responseHeaderModifier', 'set', 'add', 'remove', 'requestMirror',
      'backendRef', 'extensionRef', 'backendRefs', 'port', 'weight', 'sessionPersistence']);
  });
});
