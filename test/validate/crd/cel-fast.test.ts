// The closure compiler for CRD rules (src/validate/crd/cel/fast.ts) against the library it
// stands in for: on every expression both give the same value, or both fail. And every rule of
// the bundled CRDs but a few compiles to closures.
import { describe, expect, it } from 'vitest';
import { ruleEnvironment } from '../../../src/validate/crd/cel/environment.js';
import { compileFast } from '../../../src/validate/crd/cel/fast.js';
import { rewriteRule } from '../../../src/validate/crd/cel/rewrite.js';
import { bundledCrds } from '../../../src/crds.js';

type Outcome = { value: unknown } | { error: true };

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function viaLibrary(rule: string, self: unknown, oldSelf?: unknown): Outcome {
  try {
    const program = ruleEnvironment().parse(rewriteRule(rule)) as unknown as (vars: object) => unknown;
    return { value: plain(program(oldSelf === undefined ? { self } : { self, oldSelf })) };
  } catch {
    return { error: true };
  }
}

function viaClosures(rule: string, self: unknown, oldSelf?: unknown): Outcome {
  const parsed = ruleEnvironment().parse(rewriteRule(rule)) as unknown as { ast: unknown };
  const program = compileFast(parsed.ast);
  if (!program) throw new Error(`not compiled: ${rule}`);
  try {
    return { value: plain(program([self, oldSelf])) };
  } catch {
    return { error: true };
  }
}

const route = {
  filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
  matches: [{ path: { type: 'PathPrefix', value: '/' } }],
};

describe('closures agree with @marcbachmann/cel-js', () => {
  it.each<[string, unknown, unknown?]>([
    ["!(has(self.urlRewrite) && self.type != 'URLRewrite')", { type: 'CORS', urlRewrite: {} }],
    [
      "self.filters.exists_one(f, has(f.urlRewrite) && f.urlRewrite.path.type == 'ReplacePrefixMatch') ? size(self.matches) == 1 && self.matches[0].path.type == 'PathPrefix' : true",
      route,
    ],
    ['has(self.matches[0].path)', route],
    ['self.x', {}],
    ['self.missing || true', {}],
    ['false && self.missing', {}],
    ['self.missing && true', {}],
    ['self.all(k, 0 < int(k) && int(k) <= 65535)', { '80': {}, abc: {} }],
    ['self.all(k, 0 < int(k) && int(k) <= 65535)', { '0': {}, abc: {} }],
    ['self.all(k, 0 < int(k) && int(k) <= 65535)', { '+8080': {} }],
    ["duration(self) >= duration('1ms')", '0.5ms'],
    ["duration(self) >= duration('1ms')", '1d'],
    ["duration(self) >= duration('1ms')", '1h30m'],
    ['self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true', 'unix://'],
    ['self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true', 'unix:///x'],
    [
      "self.all(h, h.contains('*') ? (h.startsWith('*.') && h.substring(2).matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$')) : true)",
      ['*.a.com', 'b.*.com'],
    ],
    ["self.matches('^(?i)\\\\.?[a-z_][a-z_0-9]*(\\\\.[a-z_][a-z_0-9]*)*$')", 'Foo.Bar'],
    ['self.all(h, !isIP(h))', ['a.example.com', '10.0.0.1']],
    ['url(self).getScheme() in ["http", "https"]', 'ftp://x/y'],
    ['url(self).getScheme() in ["http", "https"]', 'not a url'],
    ['isURL(self) ? (url(self).getScheme() in ["", "http", "https"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http"])', 'localhost:5000/f'],
    ['self.filter(l, l.port == 80).size() <= 1', [{ port: 80 }, { port: 80 }]],
    ['self.size() == 0 || self.map(x, x.n).exists(n, n > 2)', [{ n: 1 }, { n: 3 }]],
    ['(has(self.selector) ? self.selector : {}).size() > 0', {}],
    ['self == oldSelf', 'a', 'b'],
    ['self.split("/")[0].size() < 253', 'a/b'],
    ["self.x in ['a', 'b'] && !(self.y in self.z)", { x: 'a', y: 'k', z: { k: 1 } }],
  ])('%s', (rule, self, oldSelf) => {
    expect(viaClosures(rule, self, oldSelf)).toEqual(viaLibrary(rule, self, oldSelf));
  });

  it('treats a whole number from JSON as a CEL int, as the API server does for integer fields', () => {
    // The library sees a JavaScript number as a double and has no double + int overload.
    expect(viaClosures('self.weight + 1 > 1.5', { weight: 1 })).toEqual({ value: true });
  });
});

describe('coverage', () => {
  it("compiles all but a handful of the bundled CRDs' rules to closures", () => {
    const rules = new Set<string>();
    const walk = (s: unknown): void => {
      if (!s || typeof s !== 'object') return;
      if (Array.isArray(s)) return s.forEach(walk);
      for (const r of ((s as Record<string, unknown>)['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? []) rules.add(r.rule);
      Object.values(s).forEach(walk);
    };
    walk(bundledCrds());
    const slow = [...rules].filter((r) => !compileFast((ruleEnvironment().parse(rewriteRule(r)) as unknown as { ast: unknown }).ast));
    expect(slow).toEqual(['size(self) == 0 || format.dns1123Label().validate(self) == null']);
  });
});
