import { describe, expect, it } from 'vitest';
import { validateGatewayClass } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const errorsOf = (spec: unknown, apiVersion?: string): unknown => validateGatewayClass(resource('GatewayClass', spec, apiVersion)).errors;

describe('GatewayClass', () => {
  it.each<[string, unknown, string | undefined]>([
    ['a controller name with a path', { controllerName: 'istio.io/gateway-controller' }, undefined],
    ['parameters and a description', { controllerName: 'example.com/gw', description: 'edge', parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'proxy', namespace: 'envoy' } }, undefined],
    ['v1beta1', { controllerName: 'example.com/gw' }, 'gateway.networking.k8s.io/v1beta1'],
  ])('accepts %s', (_name, spec, apiVersion) => {
    expect(errorsOf(spec, apiVersion)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no controller name', {}, 'spec.controllerName', 'required field is missing'],
    ['a controller name without a path', { controllerName: 'example.com' }, 'spec.controllerName', 'must be a domain-prefixed path such as example.com/gateway-controller'],
    ['an upper-case domain', { controllerName: 'Example.com/gw' }, 'spec.controllerName', 'must be a domain-prefixed path such as example.com/gateway-controller'],
    ['a description over 64 characters', { controllerName: 'example.com/gw', description: 'x'.repeat(65) }, 'spec.description', 'must be at most 64 characters long; this one has 65'],
    ['parameters without a kind', { controllerName: 'example.com/gw', parametersRef: { group: '', name: 'cfg' } }, 'spec.parametersRef.kind', 'required field is missing'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([issue(path, message)]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateGatewayClass, 'GatewayClass', ['controllerName', 'parametersRef', 'description', 'group', 'kind', 'name', 'namespace']);
  });
});
