// Reading Kubernetes objects from files for the offline commands: files or directories
// (recursive), several `---` documents per file, `List` objects flattened, input order kept.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments, type Tags } from 'yaml';
import { UsageError } from './io.js';

export interface SourceDocument {
  /** The file as the user named it (or as found under a named directory). */
  readonly file: string;
  /** Position of the object among the objects of its file, from 0. */
  readonly index: number;
  /** The object, or undefined when the document could not be parsed. */
  readonly object: Record<string, unknown> | undefined;
  /** Why the document could not be parsed. */
  readonly error?: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Expands the paths given on the command line into manifest files, sorted within directories. */
export async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new UsageError(`${p}: no such file or directory`);
    if (info.isDirectory()) out.push(...(await walk(p, full)));
    else out.push(p);
  }
  return out;
}

async function walk(shown: string, full: string): Promise<string[]> {
  const entries = (await readdir(full, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await walk(join(shown, e.name), join(full, e.name))));
    else if (MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(join(shown, e.name));
  }
  return out;
}

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

function syntaxMessage(errors: readonly { message: string }[]): string {
  return `not valid YAML: ${errors.map((e) => (e.message.split('\n')[0] ?? '').replace(/:\s*$/, '')).join('; ')}`;
}

export type YamlDocument = { readonly value: unknown; readonly error?: undefined } | { readonly value?: undefined; readonly error: string };

/** The `---` documents of a text as kubectl reads them, in order; empty documents are dropped. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1', uniqueKeys: false, customTags: kubectlTags, logLevel: 'error' })) {
    if (doc.errors.length > 0) {
      out.push({ error: syntaxMessage(doc.errors) });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push({ value });
  }
  return out;
}

/** Parses every object of one file's text, in order, Lists flattened; a broken document becomes an error entry. */
export function parseManifests(file: string, text: string): SourceDocument[] {
  const out: SourceDocument[] = [];
  for (const doc of parseYamlDocuments(text)) {
    if (doc.error !== undefined) out.push({ file, index: out.length, object: undefined, error: doc.error });
    else for (const object of flatten(doc.value)) out.push({ file, index: out.length, object });
  }
  return out;
}

function flatten(value: unknown): Record<string, unknown>[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [value as Record<string, unknown>];
  const obj = value as Record<string, unknown>;
  if (typeof obj['kind'] === 'string' && obj['kind'].endsWith('List') && Array.isArray(obj['items'])) {
    return obj['items'].flatMap((item) => flatten(item));
  }
  return [obj];
}

/** The text of one file named on the command line; `-` means standard input. */
export async function readText(file: string, cwd: string, stdin?: () => Promise<string>): Promise<string> {
  if (file === '-') {
    if (!stdin) throw new UsageError('reading from standard input is not supported here');
    return stdin();
  }
  return readFile(resolve(cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
}

/** Reads and parses one file; `-` means standard input. */
export async function readManifests(file: string, cwd: string, stdin?: () => Promise<string>): Promise<SourceDocument[]> {
  return parseManifests(file, await readText(file, cwd, stdin));
}
