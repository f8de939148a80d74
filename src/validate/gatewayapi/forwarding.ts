// What TCPRoute, UDPRoute and TLSRoute share: rules that only forward to backends. In v1 a route
// of these kinds has exactly one rule; the alpha versions allowed up to sixteen.
import type { z } from 'zod';
import type { Collector } from '../issues.js';
import type { JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { forwardingRule } from './types.js';
import { checkBackendRefs, checkParentRefs, checkRuleNames, entries } from './common.js';

export function forwardingRules(version: string): z.ZodType {
  return boundedList(forwardingRule, version === 'v1' ? 1 : 16, 1);
}

export function checkForwardingRoute(s: JsonObject, c: Collector): void {
  checkParentRefs(s['parentRefs'], 'spec.parentRefs', c);
  checkRuleNames(s['rules'], 'spec.rules', c);
  for (const r of entries(s['rules'], 'spec.rules')) checkBackendRefs(r.o['backendRefs'], `${r.path}.backendRefs`, c);
}
