// AuthorizationPolicy (security.istio.io): who may do what to the selected workloads. The
// action decides how rules are read: ALLOW/AUDIT match requests, DENY and CUSTOM need rules
// to ever apply, and only CUSTOM hands requests to an external provider.
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { istioKind } from '../common/istio-kind.js';
import { checkRule } from './authorization-rules.js';

function actionOf(spec: Mapping): string {
  return asString(spec['action']) ?? 'ALLOW';
}

function rules(spec: Mapping, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: true });
  const action = actionOf(spec);
  checkAction(spec, action, c);
  asArray(spec['rules']).forEach((item, i) => {
    const rule = asMapping(item);
    if (!rule) return;
    const path = at('spec.rules', i);
    const httpOnly = checkRule(rule, path, c);
    if (action === 'CUSTOM') checkCustomRule(rule, path, c);
    if (httpOnly && action === 'DENY') {
      c.warn(`${path}: a DENY rule with only HTTP attributes also denies all TCP traffic; add ports to limit it`);
    }
  });
}

/** Rules and provider as the action needs them. */
function checkAction(spec: Mapping, action: string, c: Collector): void {
  const list = spec['rules'];
  const noRules = list == null || (Array.isArray(list) && list.length === 0);
  if (noRules && (action === 'DENY' || action === 'CUSTOM')) {
    c.error('spec.rules', `a ${action} policy without rules never applies; add an empty rule {} to apply it to every request`);
  }
  const provider = spec['provider'];
  if (action === 'CUSTOM' && !asString(asMapping(provider)?.['name'])) {
    c.error(provider == null ? 'spec.provider' : 'spec.provider.name', 'a CUSTOM policy must name the extension provider that decides');
  }
  if (action !== 'CUSTOM' && provider != null) {
    c.error('spec.provider', `is only used by the CUSTOM action; this policy's action is ${action}`);
  }
}

/** Source fields the external authorizer of a CUSTOM policy cannot match on. */
const CUSTOM_SOURCE_FIELDS = [
  'namespaces',
  'notNamespaces',
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
];
const CUSTOM_KEYS = ['source.namespace', 'source.principal', 'source.serviceAccount', 'source.trustDomain'];

function checkCustomRule(rule: Mapping, path: string, c: Collector): void {
  const why = 'is not supported with the CUSTOM action; match it in the external authorizer instead';
  asArray(rule['from']).forEach((from, i) => {
    const src = asMapping(asMapping(from)?.['source']);
    if (!src) return;
    for (const f of CUSTOM_SOURCE_FIELDS) {
      if (asArray(src[f]).length > 0) c.error(at(at(at(at(path, 'from'), i), 'source'), f), why);
    }
  });
  asArray(rule['when']).forEach((cond, i) => {
    const key = asString(asMapping(cond)?.['key']);
    if (key && (CUSTOM_KEYS.includes(key) || key.startsWith('request.auth.'))) {
      c.error(at(at(at(path, 'when'), i), 'key'), `"${key}" ${why}`);
    }
  });
}

export const validateAuthorizationPolicy = istioKind({ rules, dryRunAction: actionOf });
