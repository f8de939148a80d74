import { describe, expect, it } from 'vitest';
import {
  fqdnProblem,
  hostIsSubsetOf,
  hostsOverlap,
  isLabel,
  isWildcardLabel,
  namespacedHostProblems,
  partialWildcardProblem,
  wildcardHostProblem,
} from '../../../src/validate/common/hosts.js';

describe('labels', () => {
  it.each<[string, boolean, boolean]>([
    ['foo', true, true],
    ['Foo-1', true, true],
    ['*', false, true],
    ['*foo', false, true],
    ['*-foo', false, true],
    ['-foo', false, false],
    ['foo-', false, false],
    ['fo_o', false, false],
    ['a'.repeat(63), true, true],
    ['a'.repeat(64), false, false],
  ])('%s: label %s, wildcard label %s', (text, label, wildcard) => {
    expect(isLabel(text)).toBe(label);
    expect(isWildcardLabel(text)).toBe(wildcard);
  });
});

describe('host names', () => {
  it.each<[string, string | undefined]>([
    ['reviews', undefined],
    ['reviews.default.svc.cluster.local', undefined],
    ['istio.io.', undefined],
    ['UPPER.example.com', undefined],
    ['', 'a host name must not be empty'],
    ['a.1', '"a.1" ends in the all-numeric label "1"; a domain name needs a non-numeric top-level label'],
    ['*.example.com', '"*.example.com" has an invalid label "*" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)'],
    ['foo..com', '"foo..com" has an invalid label "" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)'],
  ])('fqdn %j', (host, problem) => {
    expect(fqdnProblem(host)).toBe(problem);
  });

  it.each<[string, string | undefined]>([
    ['*', undefined],
    ['*.example.com', undefined],
    ['*foo.example.com', undefined],
    ['*-foo.example.com', undefined],
    ['123', undefined],
    ['foo.*', '"foo.*" has an invalid label "*" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)'],
    ['f*o.com', '"f*o.com" has a wildcard in the wrong place; "*" may only stand for (or start) the first label, as in "*.example.com"'],
    ['1.2.3.4', '"1.2.3.4" ends in the all-numeric label "4"; a domain name needs a non-numeric top-level label'],
    ['x'.repeat(256), `"${'x'.repeat(40)}…" is longer than 255 characters`],
  ])('wildcard host %j', (host, problem) => {
    expect(wildcardHostProblem(host)).toBe(problem);
  });

  it.each<[string, boolean]>([
    ['*', false],
    ['*.a.com', false],
    ['*a.com', true],
    ['a.*.com', true],
    ['a.com', false],
  ])('partial wildcard %s', (host, partial) => {
    expect(partialWildcardProblem(host) !== undefined).toBe(partial);
  });
});

describe('host matching (as Istio compares hosts)', () => {
  it.each<[string, string, boolean, boolean]>([
    ['a.com', 'a.com', true, true],
    ['a.com', 'b.com', false, false],
    ['a.foo.com', '*.foo.com', true, true],
    ['*.foo.com', 'a.foo.com', true, false],
    ['*.foo.bar', '*.bar', true, true],
    ['*.bar', '*.foo.bar', true, false],
    ['*', 'a.com', true, false],
    ['a.com', '*', true, true],
  ])('%s vs %s: overlap %s, subset %s', (a, b, overlap, subset) => {
    expect(hostsOverlap(a, b)).toBe(overlap);
    expect(hostIsSubsetOf(a, b)).toBe(subset);
  });
});

describe('namespace/host', () => {
  it.each<[string, boolean, string[]]>([
    ['ns1/foo.example.com', false, []],
    ['./*', false, []],
    ['*/*', false, []],
    ['~/*', false, []],
    ['~ns1/*', false, []],
    ['foo.example.com', true, []],
    ['1.1.1.1', true, []],
    ['1.1.1.1', false, ['"1.1.1.1" must have the form namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"']],
    ['~/foo.com', true, ['"~" is not a valid namespace; use "*", "." or a namespace name']],
    [
      '/',
      false,
      [
        '"/" needs both a namespace and a host around the "/"',
        '"" is a short name; use a fully qualified name such as "svc.namespace.svc.cluster.local" or "*"',
        'a host name must not be empty',
      ],
    ],
    ['ns/foo', true, ['"foo" is a short name; use a fully qualified name such as "foo.namespace.svc.cluster.local" or "*"']],
  ])('%s (gateway %s)', (value, gateway, problems) => {
    expect(namespacedHostProblems(value, { gateway })).toEqual(problems);
  });
});
