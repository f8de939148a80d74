// Istio's second gate (injectRequired): whether the webhook, once called for a Pod, injects it.
// The checks run in order and the first that decides wins:
//
//   hostNetwork                        → skip  host_network
//   namespace in ignoredNamespaces     → skip  ignored_namespace
//   sidecar.istio.io/inject label, else annotation:
//     "true"                           → inject
//     "false"                          → skip  explicitly_disabled
//     "" / absent / other (warning)    → default path:
//   neverInjectSelector matches        → skip  never_inject_selector
//   alwaysInjectSelector matches       → inject
//   policy enabled                     → inject
//   policy disabled                    → skip  policy_disabled
import type { InjectorConfig, Policy } from '../settings/config.js';
import { isObject, objectAt, stringMap, type JsonObject } from '../../lib/json.js';
import { selectorMatches } from './selectors.js';
import type { SkipReason } from '../types.js';

export interface DecisionStep {
  /** Which rule was looked at, e.g. `hostNetwork`, `sidecar.istio.io/inject`, `policy`. */
  readonly rule: string;
  readonly result: 'inject' | 'skip' | 'next';
  readonly detail: string;
}

export interface Decision {
  readonly inject: boolean;
  readonly reason?: SkipReason;
  readonly message: string;
  readonly steps: readonly DecisionStep[];
  readonly warnings: readonly string[];
}

const INJECT_KEY = 'sidecar.istio.io/inject';

function done(steps: DecisionStep[], warnings: string[], inject: boolean, reason?: SkipReason): Decision {
  const last = steps[steps.length - 1] as DecisionStep;
  return { inject, ...(reason ? { reason } : {}), message: last.detail, steps, warnings };
}

/** The explicit choice of the Pod: the label wins over the (deprecated) annotation, even when empty. */
function explicitChoice(metadata: JsonObject): { source: string; value: string } | undefined {
  const labels = stringMap(metadata['labels']);
  if (INJECT_KEY in labels) return { source: 'label', value: labels[INJECT_KEY] as string };
  const annotations = stringMap(metadata['annotations']);
  if (INJECT_KEY in annotations) return { source: 'annotation', value: annotations[INJECT_KEY] as string };
  return undefined;
}

export interface DecideOptions {
  /** Istio's kube-inject decides with the policy forced to `enabled`. */
  readonly policy?: Policy;
}

export function decide(config: InjectorConfig, pod: JsonObject, namespace: string, opts: DecideOptions = {}): Decision {
  const steps: DecisionStep[] = [];
  const warnings: string[] = [];
  const metadata = objectAt(pod, 'metadata');
  if (isObject(pod['spec']) && pod['spec']['hostNetwork'] === true) {
    steps.push({ rule: 'hostNetwork', result: 'skip', detail: 'the Pod uses the host network (spec.hostNetwork: true), so its traffic cannot be captured' });
    return done(steps, warnings, false, 'host_network');
  }
  if (config.ignoredNamespaces.includes(namespace)) {
    steps.push({ rule: 'namespace', result: 'skip', detail: `namespace ${namespace} is never injected (system namespace)` });
    return done(steps, warnings, false, 'ignored_namespace');
  }
  const choice = explicitChoice(metadata);
  if (choice?.value === 'true' || choice?.value === 'false') {
    const inject = choice.value === 'true';
    steps.push({ rule: INJECT_KEY, result: inject ? 'inject' : 'skip', detail: `the Pod's ${choice.source} ${INJECT_KEY} is "${choice.value}"` });
    return done(steps, warnings, inject, inject ? undefined : 'explicitly_disabled');
  }
  if (choice && choice.value !== '') {
    warnings.push(`${INJECT_KEY} ${choice.source} "${choice.value}" is neither "true" nor "false"; the default policy applies`);
  }
  steps.push({
    rule: INJECT_KEY,
    result: 'next',
    detail: choice ? `the Pod's ${choice.source} ${INJECT_KEY} does not decide ("${choice.value}")` : `the Pod sets no ${INJECT_KEY} label or annotation`,
  });
  return defaultPath(config, stringMap(metadata['labels']), opts.policy ?? config.policy, steps, warnings);
}

function defaultPath(config: InjectorConfig, labels: Record<string, string>, policy: Policy, steps: DecisionStep[], warnings: string[]): Decision {
  const never = config.neverInjectSelector.findIndex((s) => selectorMatches(s, labels));
  if (never >= 0) {
    steps.push({ rule: 'neverInjectSelector', result: 'skip', detail: `the Pod's labels match neverInjectSelector[${never}]` });
    return done(steps, warnings, false, 'never_inject_selector');
  }
  const always = config.alwaysInjectSelector.findIndex((s) => selectorMatches(s, labels));
  if (always >= 0) {
    steps.push({ rule: 'alwaysInjectSelector', result: 'inject', detail: `the Pod's labels match alwaysInjectSelector[${always}]` });
    return done(steps, warnings, true);
  }
  const inject = policy === 'enabled';
  steps.push({
    rule: 'policy',
    result: inject ? 'inject' : 'skip',
    detail: inject
      ? 'the injection policy (values.global.proxy.autoInject) is "enabled"'
      : 'the injection policy (values.global.proxy.autoInject) is "disabled" and the Pod does not opt in',
  });
  return done(steps, warnings, inject, inject ? undefined : 'policy_disabled');
}
