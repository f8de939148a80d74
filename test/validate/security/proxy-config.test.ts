import { describe, expect, it } from 'vitest';
import { validateProxyConfig, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, resource } from './helpers.js';

const pc = (spec: unknown) => resource('networking.istio.io/v1beta1', 'ProxyConfig', spec);

describe('ProxyConfig', () => {
  it.each<[string, unknown]>([
    ['concurrency only', { concurrency: 2 }],
    ['concurrency 0 (all cores)', { concurrency: 0 }],
    ['everything', { selector: { matchLabels: { app: 'ratings' } }, concurrency: 1, environmentVariables: { ISTIO_META_X: 'y' }, image: { imageType: 'distroless' } }],
  ])('accepts %s', (_name, spec) => {
    expect(validateProxyConfig(pc(spec)).errors).toEqual([]);
  });

  it.each<[string, unknown, Issue[]]>([
    ['negative concurrency', { concurrency: -1 }, [issue('spec.concurrency', 'must be 0 or more (0 means one worker thread per CPU core)')]],
    ['fractional concurrency', { concurrency: 1.5 }, [issue('spec.concurrency', 'must be a whole number, not the fraction 1.5')]],
    ['concurrency as a string', { concurrency: '2' }, [issue('spec.concurrency', 'must be a number, not the string "2"')]],
    ['a numeric environment value', { environmentVariables: { A: 1 } }, [issue('spec.environmentVariables.A', 'must be a string, not the number 1')]],
    ['an empty selector key', { selector: { matchLabels: { '': 'bar' } } }, [issue('spec.selector.matchLabels', 'selector label keys must not be empty')]],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(validateProxyConfig(pc(spec)).errors, expected);
  });

  it('rejects fields its CRD does not have, such as targetRef', () => {
    const report = validateProxyConfig(pc({ targetRef: { kind: 'Service', name: 's' } }));
    expect(report.errors).toEqual([{ path: 'spec.targetRef', message: 'unknown field (the ProxyConfig v1beta1 schema has no such field)' }]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateProxyConfig, 'networking.istio.io/v1beta1', 'ProxyConfig', ['selector', 'matchLabels', 'concurrency', 'environmentVariables', 'image', 'imageType']);
  });
});
