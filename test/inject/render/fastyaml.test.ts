// The fast reader of rendered templates agrees with the full YAML 1.1 parser on what it reads,
// resolves scalars as yaml.v2 does, and hands everything else to the full parser.
import { describe, expect, it } from 'vitest';
import { parseFast, resolvePlain, Unsupported } from '../../../src/inject/render/gotemplate/fastyaml.js';
import { parseRendered } from '../../../src/inject/render/gotemplate/overlay.js';

describe('parseFast', () => {
  it.each([
    [
      'block mappings and sequences (a key y reads as true, as in YAML 1.1)',
      'a:\n  b: 1\n  c:\n  - x\n  - y: 2\n    z: 3\nd: [1, two, "3"]\n',
      { a: { b: 1, c: ['x', { true: 2, z: 3 }] }, d: [1, 'two', '3'] },
    ],
    ['a flow mapping over lines, indented loosely, with a trailing comma', 'm: {\n    a.b/c: "1",\n  k: \'v\',\n\n  }\nn: 2\n', { m: { 'a.b/c': '1', k: 'v' }, false: 2 }],
    ['literal blocks keep or strip the last newline', 'a: |\n     {"x":1}\nb: |-\n  [\n    1\n  ]\nc: x\n', { a: '{"x":1}\n', b: '[\n  1\n]', c: 'x' }],
    ['comments and blank lines with spaces', '# top\na: 1 # note\n  \nb:   # empty\nc: "#no"\n', { a: 1, b: null, c: '#no' }],
    ['sequence items that are sequences, empty items', 'l:\n- - a\n  - b\n-\n- c\n', { l: [['a', 'b'], null, 'c'] }],
    ['the last duplicate key wins', 'a: 1\na: 2\n', { a: 2 }],
    ['quoted escapes', "a: \"t\\tn\\n\\u00e9\\x41\"\nb: 'it''s'\n", { a: 't\tn\né\x41', b: "it's" }],
  ])('%s', (_name, text, want) => expect(parseFast(text)).toEqual(want));

  it.each([
    ['on', true],
    ['No', false],
    ['~', null],
    ['0777', 511],
    ['0x1F', 31],
    ['0o17', 15],
    ['1_000', 1000],
    ['+1', 1],
    ['1e3', 1000],
    ['.5', 0.5],
    ['2001-12-14', '2001-12-14'],
    ['1:20', '1:20'],
    ['1.2.3', '1.2.3'],
    ['010.0', 10],
  ])('resolves %j as yaml.v2 does', (text, want) => expect(resolvePlain(text)).toEqual(want));

  it.each(['a: &x 1\n', 'a: !!str 1\n', 'a: >\n  folded\n', 'a: b\n  c\n', '---\na: 1\n', 'a:\n\t- 1\n', 'a: "unclosed\n  more"\n'])('leaves %j to the full parser', (text) => {
    expect(() => parseFast(text)).toThrow(Unsupported);
  });

  it('the full parser reads what the fast one does not, and errors stay errors', () => {
    expect(parseRendered('a: >\n  folded\n  text\n')).toEqual({ a: 'folded text\n' });
    expect(parseRendered('a: 1\n---\nb: 2\n')).toEqual({ a: 1 });
    expect(() => parseRendered('- a\n- b\n')).toThrow(/not a YAML mapping/);
    expect(() => parseRendered('a:\n\t- 1\n')).toThrow(/not valid YAML/);
  });
});
