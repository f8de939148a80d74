// The CEL environment CRD rules are compiled in: standard CEL from @marcbachmann/cel-js, with
// optional types, plus the Kubernetes extension libraries the API server adds (URLs, IPs and
// CIDRs, quantities, named formats, regex find, sets, list and string extensions). Regular
// expressions in matches() follow RE2 (see ../regex.ts): rules are rewritten to call our
// k8sMatches, since the library's own matches() uses JavaScript's engine.
import { Environment } from '@marcbachmann/cel-js';
import { matcherFor } from '../regex.js';
import { FormatNamespace, NamedFormat, namedFormat, NAMED_FORMATS, validateWith } from './formats.js';
import { CidrValue, IpValue, cidrContains, family, isKubeIP, parseCidr } from './ip.js';
import { QuantityValue, compare, parseQuantity } from './quantity.js';
import { UrlValue, hostnameOf, parseRequestUri, portOf } from './urls.js';

class SetsNamespace {}

type Env = Environment;
type Scalar = string | number | bigint | boolean;

function fail(message: string): never {
  throw new Error(message);
}

function registerStrings(env: Env): void {
  env
    .registerFunction('string.k8sMatches(string): bool', (s: string, re: string) => matcherFor(re).test(s))
    .registerFunction('string.find(string): string', (s: string, re: string) => firstMatch(s, re))
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => allMatches(s, re, -1))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => allMatches(s, re, Number(n)))
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => replaceN(s, a, b, Number(n)))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => charAt(s, Number(i)))
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));
}

function firstMatch(s: string, re: string): string {
  return new RegExp(re.replace(/^\(\?i\)/, ''), re.startsWith('(?i)') ? 'iu' : 'u').exec(s)?.[0] ?? '';
}

function allMatches(s: string, re: string, n: number): string[] {
  const all = [...s.matchAll(new RegExp(re.replace(/^\(\?i\)/, ''), re.startsWith('(?i)') ? 'giu' : 'gu'))].map((m) => m[0]);
  return n < 0 ? all : all.slice(0, n);
}

function replaceN(s: string, a: string, b: string, n: number): string {
  if (n < 0) return s.split(a).join(b);
  const parts = s.split(a);
  return parts.slice(0, n + 1).join(b) + (parts.length > n + 1 ? a + parts.slice(n + 1).join(a) : '');
}

function charAt(s: string, i: number): string {
  const cps = [...s];
  if (i < 0 || i > cps.length) fail(`index out of range: ${i}`);
  return cps[i] ?? '';
}

function registerLists(env: Env): void {
  env
    .registerFunction('list.isSorted(): bool', (l: Scalar[]) => l.every((x, i) => i === 0 || (l[i - 1] as Scalar) <= x))
    .registerFunction('list.sum(): dyn', (l: Scalar[]) =>
      l.reduce<Scalar>((a, b) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)), l.length > 0 && typeof l[0] !== 'bigint' ? 0 : 0n),
    )
    // biome-ignore lint/complexity/useMathMinMax: CEL values are bigints and strings as well as numbers
    .registerFunction('list.min(): dyn', (l: Scalar[]) => (l.length === 0 ? fail('min of an empty list') : l.reduce((a, b) => (b < a ? b : a))))
    // biome-ignore lint/complexity/useMathMinMax: CEL values are bigints and strings as well as numbers
    .registerFunction('list.max(): dyn', (l: Scalar[]) => (l.length === 0 ? fail('max of an empty list') : l.reduce((a, b) => (b > a ? b : a))))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => sameValue(x, y))))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(lastIndex(l, x)))
    .registerFunction('list.slice(int, int): list', (l: unknown[], a: bigint, b: bigint) => slice(l, Number(a), Number(b)))
    .registerFunction('list.distinct(): list', (l: unknown[]) => l.filter((x, i) => l.findIndex((y) => sameValue(x, y)) === i))
    .registerFunction('list.reverse(): list', (l: unknown[]) => [...l].reverse())
    .registerFunction('list.flatten(): list', (l: unknown[]) => l.flat());
}

function sameValue(a: unknown, b: unknown): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return Number(a) === Number(b);
  return JSON.stringify(a, jsonBig) === JSON.stringify(b, jsonBig);
}

function jsonBig(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function lastIndex(l: readonly unknown[], x: unknown): number {
  for (let i = l.length - 1; i >= 0; i--) if (sameValue(l[i], x)) return i;
  return -1;
}

function slice(l: readonly unknown[], a: number, b: number): unknown[] {
  if (a < 0 || b > l.length || a > b) fail(`cannot slice(${a}, ${b}) a list of size ${l.length}`);
  return l.slice(a, b);
}

function registerSets(env: Env): void {
  const has = (l: unknown[], x: unknown): boolean => l.some((y) => sameValue(x, y));
  env
    .registerType('kubernetes.Sets', SetsNamespace)
    .registerConstant('sets', 'kubernetes.Sets', new SetsNamespace())
    .registerFunction('kubernetes.Sets.contains(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)))
    .registerFunction('kubernetes.Sets.equivalent(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)) && a.every((x) => has(b, x)))
    .registerFunction('kubernetes.Sets.intersects(list, list): bool', (_s: unknown, a: unknown[], b: unknown[]) => b.some((x) => has(a, x)));
}

function parsedUrl(s: string): UrlValue {
  return parseRequestUri(s) ?? fail(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: invalid URI for request`);
}

function registerUrls(env: Env): void {
  env
    .registerType('kubernetes.URL', UrlValue)
    .registerFunction('url(string): kubernetes.URL', parsedUrl)
    .registerFunction('isURL(string): bool', (s: string) => parseRequestUri(s) !== undefined)
    .registerFunction('kubernetes.URL.getScheme(): string', (u: UrlValue) => u.scheme)
    .registerFunction('kubernetes.URL.getHost(): string', (u: UrlValue) => u.host)
    .registerFunction('kubernetes.URL.getHostname(): string', (u: UrlValue) => hostnameOf(u))
    .registerFunction('kubernetes.URL.getPort(): string', (u: UrlValue) => portOf(u))
    .registerFunction('kubernetes.URL.getEscapedPath(): string', (u: UrlValue) => u.path)
    .registerFunction('kubernetes.URL.getQuery(): map<string, list<string>>', (u: UrlValue) => queryOf(u.query));
}

function queryOf(q: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(q)) (out[k] ??= []).push(v);
  return out;
}

function registerNet(env: Env): void {
  env
    .registerType('net.IP', IpValue)
    .registerType('net.CIDR', CidrValue)
    .registerFunction('isIP(string): bool', isKubeIP)
    .registerFunction('ip(string): net.IP', (s: string) => (isKubeIP(s) ? new IpValue(s) : fail(`IP Address ${JSON.stringify(s)} parse error`)))
    .registerFunction('net.IP.family(): int', family)
    .registerFunction('isCIDR(string): bool', (s: string) => parseCidr(s) !== undefined)
    .registerFunction('cidr(string): net.CIDR', (s: string) => parseCidr(s) ?? fail(`network address ${JSON.stringify(s)} parse error`))
    .registerFunction('net.CIDR.containsIP(string): bool', (c: CidrValue, s: string) => cidrContains(c, s))
    .registerFunction('net.CIDR.containsIP(net.IP): bool', (c: CidrValue, ip: IpValue) => cidrContains(c, ip.text))
    .registerFunction('net.CIDR.prefixLength(): int', (c: CidrValue) => BigInt(c.bits));
}

function registerQuantities(env: Env): void {
  const q = (s: string): QuantityValue => parseQuantity(s) ?? fail(`quantities must match the regular expression; got ${JSON.stringify(s)}`);
  env
    .registerType('kubernetes.Quantity', QuantityValue)
    .registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined)
    .registerFunction('quantity(string): kubernetes.Quantity', q)
    .registerFunction('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', compare)
    .registerFunction('kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool', (a: QuantityValue, b: QuantityValue) => compare(a, b) < 0n)
    .registerFunction('kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool', (a: QuantityValue, b: QuantityValue) => compare(a, b) > 0n)
    .registerFunction('kubernetes.Quantity.asApproximateFloat(): double', (a: QuantityValue) => a.amount)
    .registerFunction('kubernetes.Quantity.asInteger(): int', (a: QuantityValue) => (Number.isInteger(a.amount) ? BigInt(a.amount) : fail('cannot convert value to integer')));
}

function registerFormats(env: Env): void {
  env
    .registerType('kubernetes.FormatNamespace', FormatNamespace)
    .registerType('kubernetes.NamedFormat', NamedFormat)
    .registerConstant('format', 'kubernetes.FormatNamespace', new FormatNamespace())
    .registerFunction('kubernetes.FormatNamespace.named(string): optional<kubernetes.NamedFormat>', (_f: unknown, n: string) => namedFormat(n))
    .registerFunction('kubernetes.NamedFormat.validate(string): optional<list<string>>', validateWith);
  for (const name of Object.keys(NAMED_FORMATS)) {
    env.registerFunction(`kubernetes.FormatNamespace.${name}(): kubernetes.NamedFormat`, () => {
      const check = NAMED_FORMATS[name];
      return new NamedFormat(check ?? (() => []));
    });
  }
  // cel-go: an optional never equals null.
  env.registerOperator('optional<list<string>> == null', () => false);
}

function build(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  for (const register of [registerStrings, registerLists, registerSets, registerUrls, registerNet, registerQuantities, registerFormats]) register(env);
  return env;
}

let shared: Environment | undefined;

/** The one environment every rule compiles in (building it is the expensive part). */
export function ruleEnvironment(): Environment {
  shared ??= build();
  return shared;
}
