// The flags that say which injection configuration the `inject`, `explain` and `validate`
// commands use, and building the injector from them: meshgate's own flags, Istio's ConfigMaps or
// documents (--injector-config, or the ConfigMaps passed to --values/--mesh), istioctl's flag
// names as aliases, and istiod's environment settings. (The Pods' Namespace objects,
// --namespace-file, are read by namespaces.ts.)
import { resolve } from 'node:path';
import { buildInjector as build, parseEnvSettings } from '../config-source/build.js';
import { readInjectionFiles } from '../config-source/files.js';
import { InjectorConfigError, type Injector } from '../inject/index.js';
import { str, strs, type Parsed } from './flags.js';
import { InputError, UsageError, type CliIO } from '../documents/io.js';

/** Flags that configure the injector, shared by `meshgate inject`, `explain` and `validate`. */
export const INJECTOR_FLAGS = {
  values: { type: 'string' },
  valuesFile: { type: 'string' },
  mesh: { type: 'string' },
  meshConfigFile: { type: 'string' },
  'injector-config': { type: 'string' },
  injectConfigFile: { type: 'string' },
  'native-sidecars': { type: 'string' },
  revision: { type: 'string' },
  tag: { type: 'string', multiple: true },
  templates: { type: 'string' },
  'extra-templates': { type: 'string' },
  'control-plane-env': { type: 'string', multiple: true },
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
`;

export type NativeMode = 'auto' | 'true' | 'false';

/** --native-sidecars: auto (default), true or false. */
export function nativeMode(p: Parsed): NativeMode {
  const v = str(p, 'native-sidecars') ?? 'auto';
  if (v === 'auto' || v === 'true' || v === 'false') return v;
  throw new UsageError(`--native-sidecars must be auto, true or false, got "${v}"`);
}

/** What the CLI's `auto` means, said once: on, since offline there are no Nodes to look at. */
export const AUTO_NATIVE_NOTE =
  'native sidecars: --native-sidecars=auto means on here (there are no cluster Nodes to look at; the webhook decides auto from the kubelet versions of the Nodes, 1.33 or newer); --native-sidecars=false injects classic sidecars';

/** Whether --native-sidecars=auto decides (ENABLE_NATIVE_SIDECARS in --control-plane-env says true or false itself). */
export function nativeAutoApplies(p: Parsed): boolean {
  if (nativeMode(p) !== 'auto') return false;
  const env = parseEnvSettings(strs(p, 'control-plane-env'));
  const v = typeof env === 'string' ? undefined : env['ENABLE_NATIVE_SIDECARS'];
  return v === undefined || v === '' || v === 'auto';
}

function path(p: Parsed, io: CliIO, ...names: string[]): string | undefined {
  const given = names.map((n) => str(p, n)).filter((v): v is string => v !== undefined);
  if (given.length > 1) throw new UsageError(`--${names[0]} and --${names.slice(1).join('/--')} name the same setting; give one`);
  return given[0] === undefined ? undefined : resolve(io.cwd, given[0]);
}

/**
 * Builds the injector from the flags. A malformed flag is a usage error; configuration that
 * cannot be read or used is an input error naming the file and setting. Notes about what was
 * read (a ConfigMap recognised as such) go to stderr as `meshgate COMMAND: note: …`.
 */
export async function injectorFromFlags(p: Parsed, io: CliIO, command: string): Promise<Injector> {
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
    for (const note of docs.notes) io.stderr(`meshgate ${command}: note: ${note}\n`);
    return build(docs, { nativeSidecars: nativeMode(p) !== 'false', revision: str(p, 'revision') ?? '', revisionTags: strs(p, 'tag'), controlPlaneEnv: env });
  } catch (e) {
    if (e instanceof InjectorConfigError) throw new InputError(e.message);
    throw e;
  }
}
