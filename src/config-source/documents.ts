// Istio's injection configuration as it is stored, read into what the injector is built from.
// Pure: documents in, sources out. It understands
//   - the `istio-sidecar-injector` ConfigMap (keys `config` and `values`) and the `istio`
//     ConfigMap (key `mesh`), wherever a values, mesh or injector-config document is expected;
//   - Istio's injector `config` document: `templates` (Go templates, the whole set),
//     `policy`, `defaultTemplates`, `aliases`, `neverInjectSelector`, `alwaysInjectSelector`,
//     `injectedAnnotations`, applied over `values` where meshgate keeps them;
//   - a bare template text given as the injector config (istioctl's --injectConfigFile), which
//     becomes the template `sidecar`.
// A ConfigMap in the wrong place is recognised and said so, never silently ignored.
import { parse as parseYaml } from 'yaml';
import { InjectorConfigError } from '../inject/errors.js';
import { isMapping, type Mapping } from '../lib/json.js';

export type { Mapping } from '../lib/json.js';

/** What a configuration source yields: documents in Istio's formats, plus notes for the log. */
export interface InjectionDocuments {
  /** meshgate's built-in templates (CEL format), used unless `goTemplates` is the whole set. */
  readonly templates?: Readonly<Record<string, string>>;
  readonly values?: Mapping;
  readonly mesh?: Mapping;
  /** Istio's `config.templates`: when present, the whole template set. */
  readonly goTemplates?: Readonly<Record<string, string>>;
  /** meshgate's own templates (CEL format), added to or replacing the others. */
  readonly userTemplates?: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
}

/** Parses a JSON or YAML text; throws InjectorConfigError naming `where`. */
export function parseDocument(text: string, where: string): unknown {
  try {
    return parseYaml(text, { logLevel: 'error' }) ?? undefined;
  } catch (e) {
    throw new InjectorConfigError(where, `not valid YAML or JSON: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

function mappingOf(text: string | undefined, where: string): Mapping | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const doc = parseDocument(text, where);
  if (doc === undefined || doc === null) return undefined;
  if (!isMapping(doc)) throw new InjectorConfigError(where, `must be a mapping, got ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  return doc;
}

interface ConfigMapDoc {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The document as a ConfigMap, when it is one. */
function asConfigMap(doc: unknown): ConfigMapDoc | undefined {
  if (!isMapping(doc) || doc['kind'] !== 'ConfigMap') return undefined;
  const meta = isMapping(doc['metadata']) ? doc['metadata'] : {};
  return { name: typeof meta['name'] === 'string' ? meta['name'] : '?', data: isMapping(doc['data']) ? doc['data'] : {} };
}

function dataText(cm: ConfigMapDoc, key: string, where: string): string | undefined {
  const v = cm.data[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InjectorConfigError(`${where} key "${key}"`, 'must be a string');
  return v;
}

/** Istio injector `config` fields and where meshgate keeps them in `values`. */
const CONFIG_FIELDS: Readonly<Record<string, readonly string[]>> = {
  policy: ['global', 'proxy', 'autoInject'],
  alwaysInjectSelector: ['sidecarInjectorWebhook', 'alwaysInjectSelector'],
  neverInjectSelector: ['sidecarInjectorWebhook', 'neverInjectSelector'],
  injectedAnnotations: ['sidecarInjectorWebhook', 'injectedAnnotations'],
  defaultTemplates: ['sidecarInjectorWebhook', 'defaultTemplates'],
  aliases: ['sidecarInjectorWebhook', 'aliases'],
};

function setPath(target: Mapping, path: readonly string[], value: unknown): Mapping {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  return { ...target, [head]: setPath(isMapping(target[head]) ? target[head] : {}, rest, value) };
}

export interface InjectorConfigReading {
  readonly valuesOverlay: Mapping;
  readonly goTemplates?: Record<string, string>;
  readonly notes: string[];
}

/** Reads Istio's injector `config` document (its templates and policy fields). */
export function readInjectorConfig(doc: Mapping, where: string): InjectorConfigReading {
  let overlay: Mapping = {};
  const notes: string[] = [];
  let goTemplates: Record<string, string> | undefined;
  for (const [field, value] of Object.entries(doc)) {
    const path = CONFIG_FIELDS[field];
    if (path) overlay = setPath(overlay, path, value);
    else if (field === 'templates') {
      if (value === null || value === undefined) continue;
      if (!isMapping(value) || Object.values(value).some((t) => typeof t !== 'string'))
        throw new InjectorConfigError(`${where}: templates`, 'must map template names to Go template text');
      goTemplates = value as Record<string, string>;
    } else if (field !== 'template') notes.push(`${where}: \`${field}\` is not used by meshgate`);
  }
  if (goTemplates === undefined) notes.push(`${where} has no templates; meshgate's built-in templates are used`);
  return { valuesOverlay: overlay, ...(goTemplates ? { goTemplates } : {}), notes };
}

/** Whether a parsed document is Istio's injector config (rather than a bare template). */
const looksLikeConfig = (doc: unknown): doc is Mapping => isMapping(doc) && Object.keys(doc).some((k) => k === 'templates' || k in CONFIG_FIELDS || k === 'template');

export interface ParsedInjectorFile {
  readonly config?: Mapping;
  readonly values?: Mapping;
  readonly bareTemplate?: string;
  readonly notes: string[];
}

/** An injector-config file: the injector ConfigMap, a `config` document, or a bare template text. */
export function readInjectorConfigFile(text: string, where: string): ParsedInjectorFile {
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
  } catch {
    return { bareTemplate: text, notes: [`${where} is not YAML, so it is read as a single Go template named "sidecar" (as istioctl does)`] };
  }
  const cm = asConfigMap(doc);
  if (cm) {
    const at = `ConfigMap ${cm.name} in ${where}`;
    const config = mappingOf(dataText(cm, 'config', at), `${at} key "config"`);
    const values = mappingOf(dataText(cm, 'values', at), `${at} key "values"`);
    if (config === undefined && values === undefined)
      throw new InjectorConfigError(where, `ConfigMap ${cm.name} has neither a "config" nor a "values" key; it is not the istio-sidecar-injector ConfigMap`);
    return {
      ...(config ? { config } : {}),
      ...(values ? { values } : {}),
      notes: [`${where}: read the istio-sidecar-injector ConfigMap ${cm.name} (config${values ? ' and values' : ''})`],
    };
  }
  if (looksLikeConfig(doc)) return { config: doc, notes: [] };
  return { bareTemplate: text, notes: [`${where} is not an injector config document, so it is read as a single Go template named "sidecar" (as istioctl does)`] };
}

/** A values document, or the injector ConfigMap passed where values are expected (then its `config` too). */
export function readValuesFile(text: string, where: string): { values?: Mapping; config?: Mapping; notes: string[] } {
  const doc = parseDocument(text, where);
  const cm = asConfigMap(doc);
  if (cm) {
    if (cm.data['mesh'] !== undefined && cm.data['values'] === undefined)
      throw new InjectorConfigError(where, `is the ConfigMap ${cm.name} holding a mesh config ("mesh" key); pass it with --mesh`);
    const at = `ConfigMap ${cm.name} in ${where}`;
    const values = mappingOf(dataText(cm, 'values', at), `${at} key "values"`);
    const config = mappingOf(dataText(cm, 'config', at), `${at} key "config"`);
    if (values === undefined && config === undefined)
      throw new InjectorConfigError(where, `is a ConfigMap (${cm.name}) without a "values" or "config" key; pass Istio's istio-sidecar-injector ConfigMap or its values document`);
    return {
      ...(values ? { values } : {}),
      ...(config ? { config } : {}),
      notes: [`${where} is the istio-sidecar-injector ConfigMap ${cm.name}: using its values${config ? ' and its config (templates, policy)' : ''}`],
    };
  }
  if (doc === undefined || doc === null) return { notes: [] };
  if (!isMapping(doc)) throw new InjectorConfigError(where, 'must be a mapping (Istio values), got a list or a scalar');
  return { values: doc, notes: [] };
}

/** A MeshConfig, or the `istio` ConfigMap holding it under `mesh`. */
export function readMeshFile(text: string, where: string): { mesh?: Mapping; notes: string[] } {
  const doc = parseDocument(text, where);
  const cm = asConfigMap(doc);
  if (cm) {
    const at = `ConfigMap ${cm.name} in ${where}`;
    const mesh = mappingOf(dataText(cm, 'mesh', at), `${at} key "mesh"`);
    if (mesh === undefined) throw new InjectorConfigError(where, `is a ConfigMap (${cm.name}) without a "mesh" key; pass Istio's istio ConfigMap or a MeshConfig document`);
    return { mesh, notes: [`${where} is the ConfigMap ${cm.name}: using its mesh config`] };
  }
  if (doc === undefined || doc === null) return { notes: [] };
  if (!isMapping(doc)) throw new InjectorConfigError(where, 'must be a mapping (a MeshConfig), got a list or a scalar');
  return { mesh: doc, notes: [] };
}

/** Deep merge of values overlays (later wins; objects merge key by key). */
export function overlayValues(base: Mapping | undefined, overlay: Mapping | undefined): Mapping | undefined {
  if (overlay === undefined) return base;
  if (base === undefined) return overlay;
  const out: Mapping = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = isMapping(v) && isMapping(out[k]) ? overlayValues(out[k] as Mapping, v) : v;
  return out;
}

/** Combines the documents of one source: values (with the config fields over them), mesh, templates. */
export function combine(
  parts: { values?: Mapping; config?: Mapping; mesh?: Mapping; bareTemplate?: string; userTemplates?: Record<string, string>; notes: string[] },
  where: string,
): InjectionDocuments {
  const notes = [...parts.notes];
  let values = parts.values;
  let goTemplates: Record<string, string> | undefined;
  if (parts.config) {
    const r = readInjectorConfig(parts.config, where);
    values = overlayValues(values, r.valuesOverlay);
    goTemplates = r.goTemplates;
    notes.push(...r.notes);
  }
  if (parts.bareTemplate !== undefined) goTemplates = { sidecar: parts.bareTemplate };
  return {
    ...(values ? { values } : {}),
    ...(parts.mesh ? { mesh: parts.mesh } : {}),
    ...(goTemplates ? { goTemplates } : {}),
    ...(parts.userTemplates ? { userTemplates: parts.userTemplates } : {}),
    notes,
  };
}
