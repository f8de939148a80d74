// Shared helpers for the injection tests: test data paths, an in-process CLI runner, and an
// injector built from the package's templates (cached per configuration).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/documents/io.js';
import { buildInjectorSettings, createInjector, type Injector, type InjectorSettingsInput } from '../../src/inject/index.js';
import { defaultTemplatesDir, readTemplateDir } from '../../src/config-source/files.js';

export const DATA = fileURLToPath(new URL('../data/inject/', import.meta.url));
export const data = (name: string): string => join(DATA, name);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: string[], stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: DATA,
    env: {},
    readStdin: async () => stdin,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let builtIn: Record<string, string> | undefined;

/** The package's built-in template sources. */
export async function builtInTemplates(): Promise<Record<string, string>> {
  builtIn ??= await readTemplateDir(defaultTemplatesDir(), 'templates');
  return builtIn;
}

export type InjectorOptions = Partial<Omit<InjectorSettingsInput, 'templates'>>;

const injectors = new Map<string, Injector>();

/** An injector with the built-in templates; built once per distinct options. */
export async function injector(opts: InjectorOptions = {}): Promise<Injector> {
  const key = JSON.stringify(opts);
  let found = injectors.get(key);
  if (!found) {
    found = createInjector(buildInjectorSettings({ nativeSidecars: true, revision: '', ...opts, templates: await builtInTemplates() }));
    injectors.set(key, found);
  }
  return found;
}

export function readYaml(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

/** A minimal Pod with one application container. */
export function pod(
  overrides: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Record<string, unknown>; name?: string; namespace?: string } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: overrides.name ?? 'web',
      namespace: overrides.namespace ?? 'shop',
      ...(overrides.labels ? { labels: overrides.labels } : {}),
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
    },
    spec: { containers: [{ name: 'web', image: 'example.com/web:1', ports: [{ containerPort: 8080, name: 'http' }] }], ...overrides.spec },
  };
}
