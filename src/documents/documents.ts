// Reading Kubernetes objects for the offline commands: files, directories (recursive) or
// standard input; several `---` documents per file, `List` objects flattened, input order
// kept, and every object with the line it starts on. Files that are not Kubernetes objects
// (Helm charts, kustomizations) are skipped with a note; --exclude globs prune the walk.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, UsageError } from './io.js';
import { listFiles, type Skipped } from './paths.js';
import { parseYamlDocuments, type Locator, type Position } from './yaml.js';

export { parseYamlDocuments, type YamlDocument } from './yaml.js';

/** How standard input is named in reports. */
export const STDIN = '<stdin>';

export interface SourceDocument {
  /** The file as the user named it (or as found under a named directory); `<stdin>` for `-`. */
  readonly file: string;
  /** Position of the object among the objects of its file, from 0. */
  readonly index: number;
  /** The object, or undefined when the document could not be parsed. */
  readonly object: Record<string, unknown> | undefined;
  /** Why the document could not be parsed (syntax error, duplicate key), and where. */
  readonly error?: string;
  readonly errorAt?: Position;
  /** What a broken document still says, only to name it in reports (never validated). */
  readonly partial?: Record<string, unknown>;
  /** Where the object (or the parse error) starts. */
  readonly position: Position;
  /** Where a field path of the object is; absent for parse errors. */
  readonly locate?: (path: string) => Position | undefined;
}

function flatten(value: unknown, path: (string | number)[]): { object: unknown; prefix: (string | number)[] }[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (typeof obj['kind'] === 'string' && obj['kind'].endsWith('List') && Array.isArray(obj['items'])) {
      return obj['items'].flatMap((item, i) => flatten(item, [...path, 'items', i]));
    }
  }
  return [{ object: value, prefix: path }];
}

function bound(locate: Locator, prefix: readonly (string | number)[], fallback: Position): (path: string) => Position | undefined {
  return (path) => locate(path, prefix) ?? fallback;
}

/** Parses every object of one file's text, in order, Lists flattened; a broken document becomes an error entry. */
export function parseManifests(file: string, text: string): SourceDocument[] {
  const out: SourceDocument[] = [];
  for (const doc of parseYamlDocuments(text)) {
    if (doc.error !== undefined) {
      const partial = typeof doc.partial === 'object' && doc.partial !== null && !Array.isArray(doc.partial) ? (doc.partial as Record<string, unknown>) : undefined;
      out.push({ file, index: out.length, object: undefined, error: doc.error, errorAt: doc.at, position: doc.position, ...(partial ? { partial } : {}) });
      continue;
    }
    for (const { object, prefix } of flatten(doc.value, [])) {
      const locate = bound(doc.locate, prefix, doc.position);
      const position = prefix.length > 0 ? (locate('') ?? doc.position) : doc.position;
      out.push({ file, index: out.length, object: object as Record<string, unknown>, position, locate });
    }
  }
  return out;
}

/** The text of one file named on the command line; `-` means standard input. */
export async function readText(file: string, cwd: string, stdin?: () => Promise<string>): Promise<string> {
  if (file === '-') {
    if (!stdin) throw new UsageError('reading from standard input is not supported here');
    return stdin();
  }
  return readFile(resolve(cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new InputError(`${file}: ${why}`);
  });
}

/** Reads and parses one file; `-` means standard input, reported as `<stdin>`. */
export async function readManifests(file: string, cwd: string, stdin?: () => Promise<string>): Promise<SourceDocument[]> {
  return parseManifests(file === '-' ? STDIN : file, await readText(file, cwd, stdin));
}

export interface InputOptions {
  readonly cwd: string;
  readonly readStdin: () => Promise<string>;
  /** Globs of paths to leave out (matched against the path as shown, and the file name). */
  readonly exclude?: readonly string[];
}

export interface Inputs {
  readonly documents: SourceDocument[];
  /** Files left out, with the reason, for a note on stderr. */
  readonly skipped: Skipped[];
}

/** Every object of the named paths (files, directories, `-`), in order. */
export async function readInputs(paths: readonly string[], opts: InputOptions): Promise<Inputs> {
  const { files, skipped } = await listFiles(paths, opts.cwd, opts.exclude ?? []);
  const documents: SourceDocument[] = [];
  for (const f of files) {
    const text = await readText(f.path, opts.cwd, opts.readStdin);
    const why = f.path === '-' ? undefined : notManifest(f.path, text, f.found);
    if (why) {
      skipped.push({ path: f.path, reason: why });
      continue;
    }
    documents.push(...parseManifests(f.path === '-' ? STDIN : f.path, text));
  }
  return { documents, skipped };
}

const HELM_ACTION = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|include\b|template\b|if\b|range\b|with\b|define\b|end\b|toYaml\b|tpl\b|\$)/;
const KUBERNETES_KEY = /["']?\b(?:apiVersion|kind)["']?\s*:/;

/** Why a file's text is not a Kubernetes manifest (a Helm template, or, when found by walking, no apiVersion or kind anywhere). */
function notManifest(_path: string, text: string, found: boolean): string | undefined {
  if (HELM_ACTION.test(text)) return 'a Helm or Go template, not Kubernetes objects (render it first, e.g. helm template)';
  if (found && !KUBERNETES_KEY.test(text) && text.trim() !== '') return 'no document has an apiVersion or kind, so it is not a Kubernetes manifest';
  return undefined;
}
