// InjectorSettings: everything an injector needs, built once (and again on each configuration
// reload) from values, mesh and template sources. Building is pure and all-or-nothing: it
// returns a complete, frozen settings object or throws InjectorConfigError.
import { buildConfig, type InjectorConfig } from './config.js';
import { staticScope } from '../render/data.js';
import { InjectorConfigError } from '../errors.js';
import { objectAt } from '../../lib/json.js';
import { injectionFuncs } from '../render/gotemplate/funcs/index.js';
import { compileGoInjectionTemplate } from '../render/gotemplate/inject.js';
import { compileTemplate, type CompiledTemplate } from '../render/template/compile.js';

export interface InjectorSettingsInput {
  /** Istio injector `values` (the chart's values document), merged over the defaults. */
  readonly values?: unknown;
  /** MeshConfig, applied over the default mesh config. */
  readonly mesh?: unknown;
  /** The built-in templates: name → template source. */
  readonly templates: Readonly<Record<string, string>>;
  /** Additional or replacement templates (a directory of extra templates); these win over all others. */
  readonly userTemplates?: Readonly<Record<string, string>>;
  /**
   * Istio's injector `config.templates` (Go templates): when given, they are the template set,
   * as in istiod, and the built-in templates are not used.
   */
  readonly goTemplates?: Readonly<Record<string, string>>;
  /** istiod's environment settings that change injection (COMPLIANCE_POLICY, ENABLE_NATIVE_SIDECARS, …). */
  readonly controlPlaneEnv?: Readonly<Record<string, string>>;
  /** Put istio-proxy in initContainers with restartPolicy Always (Kubernetes native sidecars). */
  readonly nativeSidecars: boolean;
  /** The control-plane revision this injector serves; "" is the default revision. */
  readonly revision: string;
  /** Revision tags that point at this revision (`istioctl tag set TAG --revision REV`). */
  readonly revisionTags?: readonly string[];
  /** Istio's COMPLIANCE_POLICY (e.g. fips-140-3); "" by default. */
  readonly compliancePolicy?: string;
  /** Namespaces never injected; Istio's list by default. */
  readonly ignoredNamespaces?: readonly string[];
}

export interface InjectorSettings {
  readonly config: InjectorConfig;
  readonly templates: ReadonlyMap<string, CompiledTemplate>;
  readonly templateNames: readonly string[];
}

type Source = { readonly text: string; readonly go: boolean };

/**
 * Template sources in increasing precedence. Istio's own places hold Go templates: the
 * injector config's `templates` (the whole set) or values `sidecarInjectorWebhook.templates`
 * (added to the built-in ones, as Istio's chart does); meshgate's extra templates come last.
 */
function templateSources(input: InjectorSettingsInput, config: InjectorConfig): Record<string, Source> {
  const fromValues = objectAt(config.values, 'sidecarInjectorWebhook', 'templates') as Record<string, string>;
  const go = (m: Readonly<Record<string, string>>): Record<string, Source> => Object.fromEntries(Object.entries(m).map(([k, text]) => [k, { text, go: true }]));
  const cel = (m: Readonly<Record<string, string>> | undefined): Record<string, Source> => Object.fromEntries(Object.entries(m ?? {}).map(([k, text]) => [k, { text, go: false }]));
  const base = input.goTemplates ? go(input.goTemplates) : { ...cel(input.templates), ...go(fromValues) };
  return { ...base, ...cel(input.userTemplates) };
}

function checkReferences(config: InjectorConfig, names: ReadonlySet<string>): void {
  const known = [...names].sort().join(', ');
  for (const t of config.defaultTemplates) {
    if (!names.has(t)) throw new InjectorConfigError('values.sidecarInjectorWebhook.defaultTemplates', `template "${t}" does not exist (known: ${known})`);
  }
  for (const [alias, targets] of Object.entries(config.aliases)) {
    const missing = targets.find((t) => !names.has(t));
    if (missing) throw new InjectorConfigError(`values.sidecarInjectorWebhook.aliases.${alias}`, `template "${missing}" does not exist (known: ${known})`);
  }
}

/** Builds settings; throws InjectorConfigError naming the bad setting or template. */
export function buildInjectorSettings(input: InjectorSettingsInput): InjectorSettings {
  const config = buildConfig(input);
  const scope = staticScope(config);
  const templates = new Map<string, CompiledTemplate>();
  const funcs = injectionFuncs(config.controlPlaneEnv);
  for (const [name, source] of Object.entries(templateSources(input, config))) {
    if (!source.go && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new InjectorConfigError(`template "${name}"`, 'template names use letters, digits, ".", "_" and "-"');
    templates.set(name, source.go ? compileGoInjectionTemplate(name, source.text, funcs) : compileTemplate(name, source.text, scope));
  }
  checkReferences(config, new Set(templates.keys()));
  return Object.freeze({ config, templates, templateNames: Object.freeze([...templates.keys()].sort()) });
}
