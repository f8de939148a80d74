// Shell side of the injector's configuration: reads the values and mesh files (JSON or YAML)
// and the template directories, then builds the settings with the pure core. Used by
// `meshgate serve` and by the `inject`/`explain` commands.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InjectorConfigError } from './inject/errors.js';
import { buildInjectorSettings, type InjectorSettings } from './inject/index.js';
import { packagePath } from './paths.js';

export interface LoadInjectorSettingsOptions {
  /** Istio injector `values` file (JSON or YAML), merged over the chart defaults. */
  readonly valuesFile?: string;
  /** MeshConfig file (JSON or YAML), applied over the default mesh config. */
  readonly meshFile?: string;
  /** Directory of the built-in templates; the package's templates/ by default. */
  readonly templatesDir?: string;
  /** Directory of additional `<name>.yaml` templates; a built-in name is replaced. */
  readonly extraTemplatesDir?: string;
  readonly nativeSidecars: boolean;
  readonly revision: string;
  readonly revisionTags?: readonly string[];
  readonly compliancePolicy?: string;
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

/** Reads a JSON or YAML document (an empty file is an empty document). */
export async function readConfigFile(file: string, setting: string): Promise<unknown> {
  const text = await readText(file, setting);
  try {
    return parseYaml(text, { logLevel: 'error' }) ?? {};
  } catch (e) {
    throw new InjectorConfigError(setting, `${file} is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Reads every `<name>.yaml` of a directory as template `name`. */
export async function readTemplates(dir: string, setting: string): Promise<Record<string, string>> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    throw new InjectorConfigError(setting, `cannot read the template directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: Record<string, string> = {};
  for (const entry of entries.filter((e) => TEMPLATE_EXTENSIONS.has(extname(e)))) {
    out[basename(entry, extname(entry))] = await readText(join(dir, entry), setting);
  }
  return out;
}

export type InjectionFiles = Pick<LoadInjectorSettingsOptions, 'valuesFile' | 'meshFile' | 'templatesDir' | 'extraTemplatesDir'>;

/** What the injector is built from, as read from the files: documents and template texts. */
export interface InjectionSources {
  readonly values?: unknown;
  readonly mesh?: unknown;
  readonly templates: Readonly<Record<string, string>>;
  readonly userTemplates?: Readonly<Record<string, string>>;
}

/** Reads the values and mesh documents and the template directories; throws InjectorConfigError naming the bad input. */
export async function readInjectionSources(files: InjectionFiles): Promise<InjectionSources> {
  const [values, mesh, templates, userTemplates] = await Promise.all([
    files.valuesFile ? readConfigFile(files.valuesFile, `values file ${files.valuesFile}`) : undefined,
    files.meshFile ? readConfigFile(files.meshFile, `mesh file ${files.meshFile}`) : undefined,
    readTemplates(files.templatesDir ?? defaultTemplatesDir(), 'templates'),
    files.extraTemplatesDir ? readTemplates(files.extraTemplatesDir, 'extra templates') : undefined,
  ]);
  return { values, mesh, templates, ...(userTemplates ? { userTemplates } : {}) };
}

/** Loads everything and builds the settings; throws InjectorConfigError naming the bad input. */
export async function loadInjectorSettings(opts: LoadInjectorSettingsOptions): Promise<InjectorSettings> {
  const sources = await readInjectionSources(opts);
  return buildInjectorSettings({
    ...sources,
    nativeSidecars: opts.nativeSidecars,
    revision: opts.revision,
    ...(opts.revisionTags ? { revisionTags: opts.revisionTags } : {}),
    ...(opts.compliancePolicy ? { compliancePolicy: opts.compliancePolicy } : {}),
  });
}
