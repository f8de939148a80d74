// The injection core's entry points: build settings once (pure, all-or-nothing), create an
// injector from them, and call inject/explain per Pod. No I/O anywhere below this directory.
import { explain, type ExplainInput, type Explanation } from './decide/explain.js';
import { runInjection } from './pipeline.js';
import { buildInjectorSettings, type InjectorSettings, type InjectorSettingsInput } from './settings/settings.js';
import type { InjectInput, InjectOutcome } from './types.js';

export interface Injector {
  /** Names of the templates Pods may request with `inject.istio.io/templates`. */
  readonly templateNames: readonly string[];
  /** Whether injection reads the Pod's Namespace (OpenShift: the proxy's user and group). */
  readonly needsNamespace: boolean;
  /** The revision this injector serves ("" is the default revision). */
  readonly revision: string;
  /** What it was built from (revision, tags, policy, ...). */
  readonly settings: InjectorSettings;
  inject(input: InjectInput): InjectOutcome;
  explain(input: ExplainInput): Explanation;
}

export function createInjector(settings: InjectorSettings): Injector {
  return Object.freeze({
    templateNames: settings.templateNames,
    needsNamespace: settings.config.platform === 'openshift',
    revision: settings.config.revision,
    settings,
    inject: (input: InjectInput): InjectOutcome => runInjection(settings, input),
    explain: (input: ExplainInput): Explanation => explain(settings, input),
  });
}

export { buildInjectorSettings };
export { typedRoundTrip } from './merge/typed.js';
export type { JsonObject } from '../lib/json.js';
export type { ExplainInput, Explanation, InjectorSettings, InjectorSettingsInput };
export type { DecisionStep } from './decide/decide.js';
export type { EntryMatch } from './settings/webhooks.js';
export { InjectorConfigError } from './errors.js';
export type { DenyReason, InjectInput, InjectOutcome, SkipReason } from './types.js';
