// Reading Kubernetes objects from files for the offline commands: files or directories
// (recursive), several `---` documents per file, `List` objects flattened, input order kept.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
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

/** Parses every object of one file's text; `-` as a file name means standard input text. */
export function parseManifests(file: string, text: string): SourceDocument[] {
  const out: SourceDocument[] = [];
  // YAML 1.1, as kubectl reads manifests (`yes`/`on` are booleans there too).
  for (const doc of parseAllDocuments(text, { version: '1.1', uniqueKeys: false })) {
    if (doc.errors.length > 0) {
      out.push({ file, index: out.length, object: undefined, error: doc.errors.map((e) => e.message).join('; ') });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    for (const object of flatten(value)) out.push({ file, index: out.length, object });
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

export async function readManifests(file: string, cwd: string, stdin?: () => Promise<string>): Promise<SourceDocument[]> {
  if (file === '-') {
    if (!stdin) throw new UsageError('reading from standard input is not supported here');
    return parseManifests(file, await stdin());
  }
  const text = await readFile(resolve(cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  return parseManifests(file, text);
}
