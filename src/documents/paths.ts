// Which files the offline commands read: the paths named on the command line, directories
// walked recursively (sorted, .yaml/.yml/.json only), minus --exclude globs, Helm charts and
// the files of tools that sit beside manifests (kustomization.yaml, Chart.yaml, values.yaml).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from './io.js';

export interface ListedFile {
  /** The path as shown to the user (`-` for standard input). */
  readonly path: string;
  /** True when found by walking a directory rather than named on the command line. */
  readonly found: boolean;
}

export interface Skipped {
  readonly path: string;
  readonly reason: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Files that live beside manifests but are not Kubernetes objects, with what they are. */
const TOOL_FILES: readonly [RegExp, string][] = [
  [/^kustomization\.ya?ml$|^Kustomization$/, 'a kustomization (render it first, e.g. kubectl kustomize DIR | meshgate … -f -)'],
  [/^Chart\.ya?ml$|^Chart\.lock$/, 'Helm chart metadata'],
  [/^values(?:[-.][^/]*)?\.ya?ml$|^values\.schema\.json$/, 'Helm values, not Kubernetes objects'],
];

function toolFile(path: string): string | undefined {
  const name = basename(path);
  return TOOL_FILES.find(([re]) => re.test(name))?.[1];
}

type Matcher = (path: string) => boolean;

function excluder(globs: readonly string[]): Matcher {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((g) => picomatch(g.replace(/\/+$/, ''), { dot: true, basename: !g.includes('/') }));
  return (path) => {
    const p = path.replace(/^\.\//, '');
    return matchers.some((m) => m(p));
  };
}

interface Walk {
  readonly files: ListedFile[];
  readonly skipped: Skipped[];
  readonly excluded: Matcher;
}

/** A path found under a named directory is excluded by a glob on its shown path or on its path inside that directory. */
function excludedUnder(root: string, path: string, w: Walk): boolean {
  return w.excluded(path) || w.excluded(relative(root, path));
}

async function walk(root: string, shown: string, full: string, w: Walk): Promise<void> {
  const entries = (await readdir(full, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  if (entries.some((e) => e.isFile() && /^Chart\.ya?ml$/.test(e.name))) {
    w.skipped.push({ path: shown, reason: 'a Helm chart, not Kubernetes objects (render it first, e.g. helm template)' });
    return;
  }
  for (const e of entries) {
    const path = join(shown, e.name);
    if (excludedUnder(root, path, w)) continue;
    if (e.isDirectory()) await walk(root, path, join(full, e.name), w);
    else if (MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) addFile(path, true, w);
  }
}

function addFile(path: string, found: boolean, w: Walk): void {
  const tool = toolFile(path);
  if (tool) w.skipped.push({ path, reason: tool });
  else w.files.push({ path, found });
}

/** Expands the paths given on the command line into files to read, in order. */
export async function listFiles(paths: readonly string[], cwd: string, exclude: readonly string[]): Promise<{ files: ListedFile[]; skipped: Skipped[] }> {
  const w: Walk = { files: [], skipped: [], excluded: excluder(exclude) };
  for (const p of paths) {
    if (p === '-') {
      w.files.push({ path: '-', found: false });
      continue;
    }
    const full = resolve(cwd, p);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new InputError(`${p}: no such file or directory`);
    if (w.excluded(p)) continue;
    if (info.isDirectory()) await walk(p, p, full, w);
    else addFile(p, false, w);
  }
  return w;
}
