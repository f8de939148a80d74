// The flags that say which injection configuration the `inject` and `explain` commands use,
// and building the injector from them: meshgate's own flags, Istio's ConfigMaps or documents
// (--injector-config, or the ConfigMaps passed to --values/--mesh), istioctl's flag names as
// aliases, istiod's environment settings and the Pod's Namespace object.
import { resolve } from 'node:path';
import { buildInjector as build, parseEnvSettings } from '../config-source/build.js';
import { parseDocument } from '../config-source/documents.js';
import { readInjectionFiles } from '../config-source/files.js';
import { InjectorConfigError, type Injector } from '../inject/index.js';
import type { InjectInput } from '../inject/types.js';
import { bool, str, strs, type Parsed } from './flags.js';
import { readText } from './documents.js';
import { UsageError, type CliIO } from './io.js';

/** Flags that configure the injector, shared with `meshgate explain`. */
export const INJECTOR_FLAGS = {
  values: { type: 'string' },
  valuesFile: { type: 'string' },
  mesh: { type: 'string' },
  meshConfigFile: { type: 'string' },
  'injector-config': { type: 'string' },
  injectConfigFile: { type: 'string' },
  'native-sidecars': { type: 'string' },
  revision: { type: 'string' },
  templates: { type: 'string' },
  'extra-templates': { type: 'string' },
  'control-plane-env': { type: 'string', multiple: true },
  'namespace-file': { type: 'string' },
} as const;

export const INJECTOR_HELP = `  --values FILE           Istio injector values (JSON or YAML), merged over Istio's chart
                          defaults; an explicit null removes a default. The whole
                          istio-sidecar-injector ConfigMap works too (its values and config)
  --mesh FILE             Istio MeshConfig (JSON or YAML), or the whole istio ConfigMap
  --injector-config FILE  Istio's injector config document (templates, policy, aliases, …) or
                          the whole istio-sidecar-injector ConfigMap (then its values too); its
                          Go templates replace meshgate's built-in ones
  --injectConfigFile, --valuesFile, --meshConfigFile FILE
                          istioctl's names for --injector-config, --values and --mesh
  --control-plane-env KEY=VALUE
                          an istiod environment setting that changes injection, e.g.
                          COMPLIANCE_POLICY=fips-140-3 or ENABLE_NATIVE_SIDECARS=false; repeatable
  --namespace-file FILE   the Pods' Namespace object (YAML or JSON); its annotations give the
                          proxy's user and group with values.global.platform: openshift
`;

function path(p: Parsed, io: CliIO, ...names: string[]): string | undefined {
  const given = names.map((n) => str(p, n)).filter((v): v is string => v !== undefined);
  if (given.length > 1) throw new UsageError(`--${names[0]} and --${names.slice(1).join('/--')} name the same setting; give one`);
  return given[0] === undefined ? undefined : resolve(io.cwd, given[0]);
}

/** Builds the injector from the flags; bad configuration is a usage error naming it. */
export async function injectorFromFlags(p: Parsed, io: CliIO): Promise<Injector> {
  const env = parseEnvSettings(strs(p, 'control-plane-env'));
  if (typeof env === 'string') throw new UsageError(`--control-plane-env ${env}`);
  const files = {
    valuesFile: path(p, io, 'values', 'valuesFile'),
    meshFile: path(p, io, 'mesh', 'meshConfigFile'),
    injectorConfigFile: path(p, io, 'injector-config', 'injectConfigFile'),
    templatesDir: path(p, io, 'templates'),
    extraTemplatesDir: path(p, io, 'extra-templates'),
  };
  try {
    const docs = await readInjectionFiles(Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)));
    for (const note of docs.notes) io.stderr(`meshgate: note: ${note}\n`);
    return build(docs, { nativeSidecars: bool(p, 'native-sidecars', true), revision: str(p, 'revision') ?? '', controlPlaneEnv: env });
  } catch (e) {
    if (e instanceof InjectorConfigError) throw new UsageError(e.message);
    throw e;
  }
}

type NamespaceMeta = NonNullable<InjectInput['namespaceMeta']>;

const stringMap = (v: unknown): Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {};

/** The Namespace object of --namespace-file: its name, labels and annotations. */
export async function namespaceFromFlags(p: Parsed, io: CliIO): Promise<{ name: string; meta: NamespaceMeta } | undefined> {
  const file = str(p, 'namespace-file');
  if (file === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parseDocument(await readText(file, io.cwd, io.readStdin), `--namespace-file ${file}`);
  } catch (e) {
    if (e instanceof InjectorConfigError) throw new UsageError(e.message);
    throw e;
  }
  const obj = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  if (obj['kind'] !== 'Namespace') throw new UsageError(`--namespace-file ${file} must hold a Namespace object (kind: Namespace)`);
  const meta = (typeof obj['metadata'] === 'object' && obj['metadata'] !== null ? obj['metadata'] : {}) as Record<string, unknown>;
  return { name: typeof meta['name'] === 'string' ? meta['name'] : '', meta: { labels: stringMap(meta['labels']), annotations: stringMap(meta['annotations']) } };
}
