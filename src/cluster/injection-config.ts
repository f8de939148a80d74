// Injection configuration from ConfigMaps in Istio's layout, as a pure function: what a pair
// of ConfigMaps yields, or why it cannot be used. The caller builds the injector from the
// result and swaps it in only when that succeeds too, so an update is applied whole or not.
//
//   <injectorConfigMap> (istio-sidecar-injector)
//     values              Istio's injector values document (JSON or YAML)
//     config              Istio's injector config: policy, alwaysInjectSelector,
//                         neverInjectSelector, injectedAnnotations, defaultTemplates and aliases
//                         are applied over `values`; its `templates` are Istio's Go templates,
//                         which meshgate cannot run, and are ignored (reported as a note)
//     meshgate-templates  meshgate's own templates: a mapping of template name → template
//                         document (docs/templates.md), added to or replacing the built-in ones
//   <meshConfigMap> (istio)
//     mesh                MeshConfig (YAML or JSON)
//
// A key that is absent falls back to the corresponding file setting (--values, --mesh,
// --extra-templates), then to the built-in defaults.
import { parse as parseYaml } from 'yaml';

export interface ConfigMapLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly data?: Readonly<Record<string, string>>;
}

type Mapping = Record<string, unknown>;

export interface InjectionSources {
  readonly values?: Mapping;
  readonly mesh?: Mapping;
  readonly userTemplates?: Readonly<Record<string, string>>;
}

export interface InjectionFallback {
  readonly values?: unknown;
  readonly mesh?: unknown;
  readonly userTemplates?: Readonly<Record<string, string>>;
}

export type InjectionReading =
  | { readonly ok: true; readonly sources: InjectionSources; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

export const CONFIGMAP_KEYS = { values: 'values', config: 'config', templates: 'meshgate-templates', mesh: 'mesh' } as const;

/** Istio `config` fields and where they go in `values`. */
const CONFIG_FIELDS: Readonly<Record<string, readonly string[]>> = {
  policy: ['global', 'proxy', 'autoInject'],
  alwaysInjectSelector: ['sidecarInjectorWebhook', 'alwaysInjectSelector'],
  neverInjectSelector: ['sidecarInjectorWebhook', 'neverInjectSelector'],
  injectedAnnotations: ['sidecarInjectorWebhook', 'injectedAnnotations'],
  defaultTemplates: ['sidecarInjectorWebhook', 'defaultTemplates'],
  aliases: ['sidecarInjectorWebhook', 'aliases'],
};

class SourceError extends Error {}

const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

function where(cm: ConfigMapLike, key: string): string {
  const { namespace, name } = cm.metadata ?? {};
  return `ConfigMap ${namespace ? `${namespace}/` : ''}${name ?? '?'} key "${key}"`;
}

/** The key's document as a mapping; undefined when the key is absent or blank. */
function mappingAt(cm: ConfigMapLike | undefined, key: string): Mapping | undefined {
  const text = cm?.data?.[key];
  if (cm === undefined || text === undefined || text.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    throw new SourceError(`${where(cm, key)}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (!isMapping(doc)) throw new SourceError(`${where(cm, key)}: must be a mapping, got ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  return doc;
}

function setPath(target: Mapping, path: readonly string[], value: unknown): Mapping {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  const child = isMapping(target[head]) ? (target[head] as Mapping) : {};
  return { ...target, [head]: setPath(child, rest, value) };
}

function valuesWithConfig(values: Mapping | undefined, config: Mapping | undefined, notes: string[]): Mapping | undefined {
  if (config === undefined) return values;
  let out: Mapping = values ?? {};
  for (const [field, value] of Object.entries(config)) {
    const path = CONFIG_FIELDS[field];
    if (path) out = setPath(out, path, value);
    else if (field === 'templates') notes.push('`config.templates` holds Istio Go templates and is ignored; put meshgate templates under `meshgate-templates`');
    else notes.push(`\`config.${field}\` is not used by meshgate`);
  }
  return out;
}

function templatesAt(cm: ConfigMapLike | undefined): Record<string, string> | undefined {
  const doc = mappingAt(cm, CONFIGMAP_KEYS.templates);
  if (doc === undefined || cm === undefined) return undefined;
  const bad = Object.entries(doc).find(([, v]) => typeof v !== 'string');
  if (bad) throw new SourceError(`${where(cm, CONFIGMAP_KEYS.templates)}: template "${bad[0]}" must be a string holding the template document (use a YAML block scalar: \`${bad[0]}: |\`)`);
  return doc as Record<string, string>;
}

/** What the injector and mesh ConfigMaps (undefined = absent) yield over the file settings. */
export function readInjectionConfig(injector: ConfigMapLike | undefined, mesh: ConfigMapLike | undefined, fallback: InjectionFallback = {}): InjectionReading {
  const notes: string[] = [];
  try {
    const values = valuesWithConfig(mappingAt(injector, CONFIGMAP_KEYS.values), mappingAt(injector, CONFIGMAP_KEYS.config), notes);
    const meshDoc = mappingAt(mesh, CONFIGMAP_KEYS.mesh);
    const templates = templatesAt(injector);
    const userTemplates = templates || fallback.userTemplates ? { ...(fallback.userTemplates ?? {}), ...(templates ?? {}) } : undefined;
    const sources: InjectionSources = {
      ...(values !== undefined ? { values } : isMapping(fallback.values) ? { values: fallback.values } : {}),
      ...(meshDoc !== undefined ? { mesh: meshDoc } : isMapping(fallback.mesh) ? { mesh: fallback.mesh } : {}),
      ...(userTemplates ? { userTemplates } : {}),
    };
    return { ok: true, sources, notes };
  } catch (e) {
    if (e instanceof SourceError) return { ok: false, error: e.message };
    throw e;
  }
}
