// The Go template language as meshgate runs it: actions, pipelines, variables, control
// structures, trim markers, builtins, Go's value formatting and truthiness, missing keys,
// parse-time and execution-time errors with their positions. Expected values are Go's
// documented behaviour (pkg.go.dev/text/template, fmt, strconv), written here by hand.
import { describe, expect, it } from 'vitest';
import { GoTemplateError, injectionFuncs, parseGoTemplate } from '../../../src/inject/render/gotemplate/index.js';
import { T } from '../../../src/inject/render/gotemplate/types.js';
import { fromRaw } from '../../../src/inject/render/gotemplate/value.js';

const funcs = injectionFuncs({ PLATFORM_NAME: 'test' });
const data = {
  a: 1,
  b: 'x',
  n: 1000000,
  big: 123456789,
  small: 0.00001,
  f: 1.5,
  t: true,
  no: false,
  zero: 0,
  e: '',
  l: [1, 'a', true],
  m: { z: 1, a: 2, '10': 'ten', '9': 'nine' },
  nul: null,
  s: 'héllo',
  nested: { x: { y: 'deep' } },
};
const run = (text: string, d: unknown = data): string => parseGoTemplate('t', text, funcs).execute(fromRaw(T.anyMap, d));
const error = (text: string, d: unknown = data): GoTemplateError => {
  try {
    run(text, d);
  } catch (e) {
    if (e instanceof GoTemplateError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
};

describe('printing follows fmt', () => {
  it.each([
    ['{{ .a }}', '1'],
    ['{{ .n }}', '1e+06'],
    ['{{ .big }}', '1.23456789e+08'],
    ['{{ .small }}', '1e-05'],
    ['{{ .f }}', '1.5'],
    ['{{ .l }}', '[1 a true]'],
    ['{{ .m }}', 'map[10:ten 9:nine a:2 z:1]'],
    ['{{ .missing }}', '<no value>'],
    ['{{ .nul }}', '<no value>'],
    ['{{ 3 }} {{ 1.0 }} {{ "s" }} {{ true }}', '3 1 s true'],
    ['{{ print 1 2 "a" "b" 3 }}', '1 2ab3'],
    ['{{ println 1 "a" }}', '1 a\n'],
  ])('%s → %j', (text, want) => expect(run(text)).toBe(want));
});

describe('printf verbs', () => {
  it.each([
    ['{{ printf "%s|%d|%v|%q" .b 3 .n .b }}', 'x|3|1e+06|"x"'],
    ['{{ printf "%5.2f|%-4d|%04d|%x|%X|%o|%b" 3.14159 7 42 255 255 8 5 }}', ' 3.14|7   |0042|ff|FF|10|101'],
    ['{{ printf "%e|%g|%.3g|%G" 1234.5678 0.000012 1234.5678 1e21 }}', '1.234568e+03|1.2e-05|1.23e+03|1E+21'],
    ['{{ printf "%t|%v|%c|%U" true false 65 65 }}', 'true|false|A|U+0041'],
    ['{{ printf "%s" 1 }}', '%!s(int=1)'],
    ['{{ printf "%d %d" 1 }}', '1 %!d(MISSING)'],
    ['{{ printf "%d" 1 2 }}', '1%!(EXTRA int=2)'],
    ['{{ printf "%[2]s %[1]s" "a" "b" }}', 'b a'],
    ['{{ printf "%*d|%-*d|" 4 1 3 2 }}', '   1|2  |'],
    ['{{ printf "100%%" }}', '100%'],
    ['{{ printf "%q" "a\\tb\\x01\\u200b" }}', '"a\\tb\\x01\\u200b"'],
    ['{{ printf "%T %T %T" 1 .f .m }}', 'int float64 map[string]interface {}'],
  ])('%s → %j', (text, want) => expect(run(text)).toBe(want));
});

describe('truthiness, comparisons and logic', () => {
  it.each([
    ['{{ if .a }}y{{ else }}n{{ end }}', 'y'],
    ['{{ if .zero }}y{{ else }}n{{ end }}', 'n'],
    ['{{ if .e }}y{{ else if .no }}n1{{ else }}n2{{ end }}', 'n2'],
    ['{{ if .missing }}y{{ else }}n{{ end }}', 'n'],
    ['{{ if "false" }}y{{ end }}', 'y'],
    ['{{ with .b }}[{{ . }}]{{ else }}none{{ end }}', '[x]'],
    ['{{ with .e }}[{{ . }}]{{ else with .b }}<{{ . }}>{{ end }}', '<x>'],
    ['{{ and 1 "" 3 }}|{{ or 0 "" "z" }}|{{ not .t }}', '|z|false'],
    ['{{ eq .a 1.0 }} {{ eq .b "y" "x" }} {{ ne .b "x" }} {{ eq .missing "x" }}', 'true true false false'],
    ['{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.0 }}', 'true true true false'],
    ['{{ len .l }} {{ len .s }} {{ index .l 1 }} {{ index .m "a" }} {{ index .m "nope" }}', '3 6 a 2 <no value>'],
    ['{{ slice .s 1 3 }}|{{ slice .l 1 }}', 'é|[a true]'],
  ])('%s → %j', (text, want) => expect(run(text)).toBe(want));

  it.each([
    ['{{ eq .a 1 }}', /incompatible types for comparison: float64 and int/],
    ['{{ lt .l 1 }}', /invalid type for comparison/],
    ['{{ index .missing 1 }}', /index of untyped nil/],
    ['{{ index .l 5 }}', /index out of range: 5/],
  ])('%s fails', (text, reason) => expect(error(text).reason).toMatch(reason));
});

describe('variables, range and templates', () => {
  it.each([
    ['{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
    ['{{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }}', '31'],
    ['{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}', '0=1;1=a;2=true;'],
    ['{{ range $k, $v := .m }}{{ $k }},{{ end }}', '10,9,a,z,'],
    ['{{ range .missing }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ range 3 }}{{ . }}{{ end }}', '012'],
    ['{{ range .l }}{{ if eq (printf "%v" .) "a" }}{{ break }}{{ end }}{{ . }}{{ end }}', '1'],
    ['{{ range .l }}{{ if eq (printf "%v" .) "a" }}{{ continue }}{{ end }}{{ . }}{{ end }}', '1true'],
    ['{{ range .l }}{{ $.b }}{{ end }}', 'xxx'],
    ['{{ define "inner" }}({{ . }}){{ end }}{{ template "inner" .b }}{{ template "inner" }}', '(x)(<no value>)'],
    ['{{ block "blk" .a }}B{{ . }}{{ end }}', 'B1'],
    ['{{ (.nested).x.y }} {{ (.nul).y }}', 'deep <no value>'],
    ['{{ .b | printf "%s-%s" "p" }}', 'p-x'],
  ])('%s → %j', (text, want) => expect(run(text)).toBe(want));
});

describe('whitespace trimming and comments', () => {
  it.each([
    ['a  {{- 1 -}}  b', 'a1b'],
    ['a\n  {{- /* note */ -}}\n  b', 'ab'],
    ['a {{/* c */}} b', 'a  b'],
    ['{{ 3 -}} \n\t x', '3x'],
    ['{{-3}}', '-3'],
  ])('%j → %j', (text, want) => expect(run(text)).toBe(want));
});

describe('errors name the template, line and column', () => {
  it('a missing key is no value, a nil or scalar step is an error', () => {
    expect(error('line1\n  {{ .nul.c }}').message).toMatch(/^template "t" line 2 column 10, at <\.nul\.c>: nil pointer evaluating interface \{\}\.c$/);
    expect(error('{{ .b.c }}').reason).toBe("can't evaluate field c in type interface {}");
  });

  it.each([
    ['{{ nosuch 1 }}', 'function "nosuch" not defined', 1, 4],
    ['{{ now }}', 'function "now" is not available: its result would depend on the clock or the host', 1, 4],
    ['{{ genCA "x" 1 }}', 'function "genCA" is a Sprig function meshgate does not implement', 1, 4],
    ['a\n{{ $x }}', 'undefined variable "$x"', 2, 4],
    ['{{ if 1 }}', 'unexpected EOF', 1, 11],
    ['{{ break }}', '{{break}} outside {{range}}', 1, 4],
    ['{{ "unterminated }}', 'unterminated quoted string', 1, 4],
    ['{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}', 'template "x" is defined more than once', 1, 37],
  ])('parse: %s', (text, reason, line, column) => {
    const e = error(text);
    expect([e.reason, e.line, e.column]).toEqual([reason, line, column]);
  });

  it('execution errors happen only on the branch taken', () => {
    expect(run('{{ if false }}{{ .b.c }}{{ template "nowhere" }}{{ end }}ok')).toBe('ok');
    expect(error('{{ template "nowhere" }}').reason).toBe('template "nowhere" not defined');
  });
});

describe('Sprig and Istio functions', () => {
  it.each([
    ['{{ .b | quote }} {{ .missing | quote }}|{{ quote 1 .nul "a" }}', '"x" |"1" "a"'],
    ['{{ default "d" .e }} {{ default "d" .b }} {{ default "d" .zero }} {{ .missing | default "m" }}', 'd x d m'],
    ['{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trimAll "-_" "--a_b-" }}', 'abc ef a_b'],
    ['{{ list 1 "a" | toJson }} {{ dict "b" 1 "a" (list) | toJson }}', '[1,"a"] {"a":[],"b":1}'],
    ['{{ "a,b" | splitList "," | join "+" }} {{ list "x" .nul "y" | join "," }}', 'a+b x,y'],
    ['{{ nindent 2 "a\\nb" }}|{{ indent 2 "a\\nb" }}', '\n  a\n  b|a\n  b'],
    ['{{ toYaml .m }}', '"9": nine\n"10": ten\na: 2\nz: 1\n'],
    ['{{ toYaml (dict "on" "yes" "n" 1 "s" "a: b" "e" "" "multi" "x\\ny") }}', 'e: ""\nmulti: |-\n  x\n  y\n"n": 1\n"on": "yes"\ns: \'a: b\'\n'],
    ['{{ valueOrDefault .e "d" }} {{ valueOrDefault .zero "d" }} {{ valueOrDefault .missing "d" }}', 'd 0 d'],
    ['{{ excludeInboundPort 15020 "" }}|{{ excludeInboundPort "15020" "80, 81" }}|{{ excludeInboundPort 15020 "80, 15020" }}', '15020|80,81,15020|80,15020,15020'],
    [
      '{{ appendMultusNetwork "" "ns/net" }}|{{ appendMultusNetwork "a, b" "c" }}|{{ appendMultusNetwork "[{\\"name\\": \\"a\\"}]" "ns/b" }}',
      'ns/net|a, b, c|[{"name": "a"}, {"name": "b", "namespace": "ns"}]',
    ],
    ['{{ strdict "a" "1" "b" | toJsonMap }} {{ omit (strdict "a" "1" "b" "2") "a" | toJSON }}', '{"a":"1","b":""} {"b":"2"}'],
    ['{{ fromJSON "{\\"k\\": [1, 2]}" }} {{ fromJSON "bad" }}', 'map[k:[1 2]] {}'],
    ['{{ env "PLATFORM_NAME" "none" }} {{ env "UNSET" "none" }}', 'test none'],
    ['{{ directory "/a/b.pem" }}|{{ directory "b.pem" }}', '/a/|'],
    ['{{ omitNil (dict "a" .nul "b" (dict "c" .nul)) | toJson }}', 'null'],
    ['{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ "42" | int }} {{ max 1 5 3 }}', '6 3 6 3 42 5'],
    ['{{ ternary "y" "n" true }} {{ coalesce .e .zero .b }} {{ empty .l }} {{ hasKey .m "a" }}', 'y x false true'],
    ['{{ regexMatch "^a.c$" "abc" }} {{ "AbC" | lower }} {{ hasPrefix "ab" "abc" }} {{ contains "b" "abc" }}', 'true abc true true'],
  ])('%s → %j', (text, want) => expect(run(text)).toBe(want));

  it('set on a dict the template made works; on the configuration it is refused', () => {
    expect(run('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ toJson $d }}')).toBe('{"a":1,"b":2}');
    const frozen = Object.freeze({ v: Object.freeze({ a: 1 }) });
    expect(error('{{ $_ := set .v "b" 2 }}', frozen).reason).toMatch(/cannot change the injector's configuration/);
  });

  it('Istio functions check their argument types as Go does', () => {
    expect(error('{{ isset .m "a" }}').reason).toBe('wrong type for value; expected map[string]string; got map[string]interface {}');
    expect(error('{{ contains "/" .missing }}').reason).toBe('invalid value; expected string');
    expect(error('{{ indent .a "x" }}').reason).toBe('wrong type for value; expected int; got float64');
  });
});
