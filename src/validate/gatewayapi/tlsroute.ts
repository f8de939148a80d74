// TLSRoute: routes TLS streams by SNI hostname. From v1alpha3 on, hostnames are required, and
// the CRD spells out in CEL that they are DNS names, never IPs.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { isIP } from '../common/net.js';
import { asArray, asString, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { commonRouteFields, hostname, HOSTNAME_RE } from './types.js';
import { gatewayApiValidator, type Context } from './common.js';
import { checkForwardingRoute, forwardingRules } from './forwarding.js';

const hostnamesRequired = (version: string): boolean => version !== 'v1alpha2';
// v1 allows up to 1024 SNI names; the alpha versions allowed 16.
const maxHostnames = (version: string): number => (version === 'v1' ? 1024 : 16);

function spec(version: string): z.ZodType {
  const hostnames = boundedList(hostname, maxHostnames(version), hostnamesRequired(version) ? 1 : 0);
  return z.strictObject({
    ...commonRouteFields,
    hostnames: hostnamesRequired(version) ? hostnames : hostnames.optional(),
    rules: forwardingRules(version),
  });
}

function rules(s: JsonObject, _ctx: Context, c: Collector): void {
  checkForwardingRoute(s, c);
  asArray(s['hostnames']).forEach((h, i) => {
    const name = asString(h);
    const why = name === undefined ? undefined : sniProblem(name);
    if (why) c.error(at('spec.hostnames', i), why);
  });
}

// The CRD's other hostname rules (RFC 1123, wildcard only as the first label) mostly repeat the
// pattern that the structure layer already checks; what the pattern misses is RFC 1123's limit of
// 63 characters per label.
function sniProblem(name: string): string | undefined {
  if (isIP(name)) return `"${name}" is an IP address; SNI carries DNS names only`;
  if (!HOSTNAME_RE.test(name)) return undefined;
  const long = name.replace(/^\*\./, '').split('.').find((label) => label.length > 63);
  return long === undefined ? undefined : `the label "${long.slice(0, 20)}…" has ${long.length} characters; RFC 1123 allows at most 63 per label`;
}

export const validateTLSRoute = gatewayApiValidator({ schema: spec, rules });
