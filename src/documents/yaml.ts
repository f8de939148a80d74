// YAML as kubectl reads it, with positions: the `---` documents of a text in order, each with
// the line it starts on and a way to find the line and column of any field path in it.
// Syntax errors and duplicate keys (which kubectl and kustomize refuse) carry their position.
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Tags } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The position of a field path (`spec.http[0].route`) in a document; the nearest existing parent when the field is absent. */
export type Locator = (path: string, prefix?: readonly (string | number)[]) => Position | undefined;

export type YamlDocument =
  | { readonly value: unknown; readonly error?: undefined; readonly position: Position; readonly locate: Locator }
  | { readonly value?: undefined; readonly error: string; readonly position: Position; readonly at: Position; readonly partial?: unknown };

// The yaml package's YAML 1.1 float pattern also matches a lone "." (read as NaN); Go's reader,
// which kubectl uses, keeps "." a string, as in `exportTo: [.]`.
const LOOSE_FLOAT = String.raw`^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$`;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;

/** YAML 1.1 as kubectl reads it: yes/no are booleans, "." is a string, "1:30" is not base 60. */
function kubectlTags(tags: Tags): Tags {
  return tags
    .filter((t) => !(typeof t === 'object' && 'format' in t && t.format === 'TIME'))
    .map((t) => (typeof t === 'object' && 'test' in t && t.test?.source === LOOSE_FLOAT ? ({ ...t, test: FLOAT } as typeof t) : t));
}

/** `spec.http[0]["a/b"].x` → ['spec', 'http', 0, 'a/b', 'x']. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

type Ranged = { range?: [number, number, number] } | null | undefined;

/** Where the field at `segments` starts: its key for a mapping entry (where editors point), else its value. */
function startOf(doc: Document, segments: readonly (string | number)[]): number | undefined {
  const last = segments[segments.length - 1];
  if (typeof last === 'string') {
    const parent: unknown = segments.length === 1 ? doc.contents : doc.getIn(segments.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === last) : undefined;
    const key = pair?.key as Ranged;
    if (key?.range) return key.range[0];
  }
  const node: unknown = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
  return (node as Ranged)?.range?.[0];
}

function locator(doc: Document, lines: LineCounter): Locator {
  return (path, prefix = []) => {
    const segments = [...prefix, ...pathSegments(path)];
    for (let n = segments.length; n >= 0; n--) {
      const start = startOf(doc, segments.slice(0, n));
      if (start !== undefined) {
        const p = lines.linePos(start);
        return { line: p.line, column: p.col };
      }
    }
    return undefined;
  };
}

interface RawError {
  readonly code: string;
  readonly message: string;
  readonly pos: [number, number];
}

function describeError(e: RawError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^:#\n]*?)\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? '';
    return `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)}: a mapping must not repeat a key (kubectl and kustomize refuse it)`;
  }
  return `not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '')}`;
}

/** What a broken document still says (a duplicate key leaves the rest readable), to name it in reports. */
function partialValue(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** The `---` documents of a text as kubectl reads them, in order; empty documents are dropped. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const lines = new LineCounter();
  const out: YamlDocument[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1', uniqueKeys: true, customTags: kubectlTags, logLevel: 'error', lineCounter: lines })) {
    const start = lines.linePos((doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? doc.range[0]);
    const position = { line: start.line, column: start.col };
    const first = doc.errors[0] as RawError | undefined;
    if (first) {
      const p = lines.linePos(first.pos[0]);
      out.push({ error: describeError(first, text), position, at: { line: p.line, column: p.col }, partial: partialValue(doc) });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    out.push({ value, position, locate: locator(doc, lines) });
  }
  return out;
}
