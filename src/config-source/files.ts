// The file implementation of ConfigSource: Istio's configuration from files (values, mesh,
// the injector config or whole ConfigMaps exported with kubectl), meshgate's template
// directories, watched for changes (editors and Kubernetes volume updates replace files, so
// the directories are watched too, with polling as a fallback).
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InjectorConfigError } from '../inject/errors.js';
import { packagePath } from '../paths.js';
import { combine, readInjectorConfigFile, readMeshFile, readValuesFile, type InjectionDocuments, type Mapping } from './documents.js';
import type { ConfigSource, Watching } from './source.js';

export interface InjectionFiles {
  /** Istio values (or the whole istio-sidecar-injector ConfigMap). */
  readonly valuesFile?: string;
  /** MeshConfig (or the whole istio ConfigMap). */
  readonly meshFile?: string;
  /** Istio's injector config (or the whole istio-sidecar-injector ConfigMap, or a bare template). */
  readonly injectorConfigFile?: string;
  /** Directory of the built-in templates; the package's templates/ by default. */
  readonly templatesDir?: string;
  /** Directory of additional `<name>.yaml` templates in meshgate's format. */
  readonly extraTemplatesDir?: string;
}

/** The package's templates/ directory, wherever the package is installed. */
export function defaultTemplatesDir(): string {
  return packagePath('templates');
}

async function readText(file: string, setting: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InjectorConfigError(setting, `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Reads every `<name>.yaml` of a directory as template `name`. */
export async function readTemplateDir(dir: string, setting: string): Promise<Record<string, string>> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    throw new InjectorConfigError(setting, `cannot read the template directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: Record<string, string> = {};
  for (const entry of entries.filter((e) => TEMPLATE_EXTENSIONS.has(extname(e)))) out[basename(entry, extname(entry))] = await readText(join(dir, entry), setting);
  return out;
}

/** Reads the files into documents; throws InjectorConfigError naming the bad file. */
export async function readInjectionFiles(files: InjectionFiles): Promise<InjectionDocuments> {
  const notes: string[] = [];
  let values: Mapping | undefined;
  let config: Mapping | undefined;
  let mesh: Mapping | undefined;
  let bareTemplate: string | undefined;
  if (files.injectorConfigFile) {
    const r = readInjectorConfigFile(await readText(files.injectorConfigFile, `injector config ${files.injectorConfigFile}`), `injector config ${files.injectorConfigFile}`);
    ({ values, config, bareTemplate } = r);
    notes.push(...r.notes);
  }
  if (files.valuesFile) {
    const r = readValuesFile(await readText(files.valuesFile, `values file ${files.valuesFile}`), `values file ${files.valuesFile}`);
    if (r.values) values = r.values;
    if (r.config) config = config ?? r.config;
    notes.push(...r.notes);
  }
  if (files.meshFile) {
    const r = readMeshFile(await readText(files.meshFile, `mesh file ${files.meshFile}`), `mesh file ${files.meshFile}`);
    mesh = r.mesh;
    notes.push(...r.notes);
  }
  const [templates, userTemplates] = await Promise.all([
    readTemplateDir(files.templatesDir ?? defaultTemplatesDir(), 'templates'),
    files.extraTemplatesDir ? readTemplateDir(files.extraTemplatesDir, 'extra templates') : undefined,
  ]);
  const docs = combine(
    {
      ...(values ? { values } : {}),
      ...(config ? { config } : {}),
      ...(mesh ? { mesh } : {}),
      ...(bareTemplate !== undefined ? { bareTemplate } : {}),
      ...(userTemplates ? { userTemplates } : {}),
      notes,
    },
    files.injectorConfigFile ? `injector config ${files.injectorConfigFile}` : 'injector config',
  );
  return { ...docs, templates };
}

/** Calls `onChange` (debounced) when any path, or anything in a directory path, changes. */
export function watchPaths(paths: readonly string[], onChange: () => void, pollMs = 5000): Watching {
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, 200);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const target of [...new Set(paths.flatMap((p) => [p, dirname(p)]))]) {
    try {
      const w = fsWatch(target, { persistent: false }, fire);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // Polling below still notices the change.
    }
  }
  let last = '';
  const poll = setInterval(() => {
    void Promise.all(
      paths.map((p) =>
        stat(p).then(
          (s) => `${s.mtimeMs}:${s.size}`,
          () => 'missing',
        ),
      ),
    ).then((sig) => {
      const now = sig.join('|');
      if (last !== '' && now !== last) fire();
      last = now;
    });
  }, pollMs);
  poll.unref();
  return {
    close: () => {
      for (const w of watchers) w.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}

/** The file source: reads the given files; watches those the user gave (not the package's own templates). */
export function fileSource(files: InjectionFiles): ConfigSource {
  const watched = [files.valuesFile, files.meshFile, files.injectorConfigFile, files.extraTemplatesDir, files.templatesDir].filter((f): f is string => f !== undefined);
  return {
    description: watched.length > 0 ? `files ${watched.join(', ')}` : 'built-in defaults',
    read: () => readInjectionFiles(files),
    watch: (onChange) => (watched.length === 0 ? { close: () => undefined } : watchPaths(watched, onChange)),
  };
}
