// WasmPlugin (extensions.istio.io): a WebAssembly module the proxy of the selected workloads
// loads, where it sits in the filter chain, and which traffic it sees.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment, selectorSchema, targetRefSchema } from '../common/policy-attachment.js';
import { asArray, asNumber, asObject, asString, type JsonObject } from '../common/values.js';
import { list } from '../common/schema.js';
import { istioKind } from './istio-kind.js';
import { parseRequestURI } from './urls.js';

const SCHEMES = ['', 'http', 'https', 'oci', 'file'];

const env = z.strictObject({
  name: z.string().min(1).max(256),
  value: z.string().max(2048).optional(),
  valueFrom: z.enum(['INLINE', 'HOST']).optional(),
});

const trafficSelector = z.strictObject({
  mode: z.enum(['UNDEFINED', 'CLIENT', 'SERVER', 'CLIENT_AND_SERVER']).optional(),
  ports: list(z.strictObject({ number: z.number().int().min(1).max(65535) })).optional(),
});

const schema = z.strictObject({
  selector: selectorSchema.optional(),
  targetRef: targetRefSchema.optional(),
  targetRefs: list(targetRefSchema).optional(),
  url: z.string().min(1),
  sha256: z.string().regex(/^$|^[a-f0-9]{64}$/, { error: 'must be a SHA-256 checksum: 64 lower-case hexadecimal digits' }).optional(),
  imagePullPolicy: z.enum(['UNSPECIFIED_POLICY', 'IfNotPresent', 'Always']).optional(),
  imagePullSecret: z.string().min(1).max(253).optional(),
  pluginName: z.string().min(1).max(256).optional(),
  pluginConfig: z.record(z.string(), z.unknown()).optional(),
  phase: z.enum(['UNSPECIFIED_PHASE', 'AUTHN', 'AUTHZ', 'STATS']).optional(),
  priority: z.number().int().min(-2147483648).max(2147483647).nullable().optional(),
  type: z.enum(['UNSPECIFIED_PLUGIN_TYPE', 'HTTP', 'NETWORK']).optional(),
  failStrategy: z.enum(['FAIL_CLOSE', 'FAIL_OPEN', 'FAIL_RELOAD']).optional(),
  verificationKey: z.string().optional(),
  vmConfig: z.strictObject({ env: list(env, 256).optional() }).optional(),
  match: list(trafficSelector).optional(),
});

function rules(spec: JsonObject, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: true });
  checkUrl(spec['url'], c);
  checkEnv(asArray(asObject(spec['vmConfig'])?.['env']), c);
  asArray(spec['match']).forEach((m, i) => checkPorts(asArray(asObject(m)?.['ports']), at(at('spec.match', i), 'ports'), c));
}

/** Like Istio: a URL with a supported scheme, or a bare `host/path` read as http://. */
function checkUrl(value: unknown, c: Collector): void {
  const url = asString(value);
  if (!url) return;
  const parsed = parseRequestURI(url) ?? parseRequestURI(`http://${url}`);
  if (!parsed) c.error('spec.url', `"${url}" is not a valid URL`);
  else if (!SCHEMES.includes(parsed.scheme)) {
    c.error('spec.url', `uses the unsupported scheme "${parsed.scheme}"; use oci://, https://, http:// or file://`);
  }
}

/** Names are unique; a value only comes with the INLINE source (the default). */
function checkEnv(vars: unknown[], c: Collector): void {
  const seen = new Set<string>();
  vars.forEach((v, i) => {
    const entry = asObject(v);
    if (!entry) return;
    const path = at('spec.vmConfig.env', i);
    const name = asString(entry['name']);
    if (name !== undefined && seen.has(name)) c.error(at(path, 'name'), `duplicate environment variable "${name}"`);
    if (name !== undefined) seen.add(name);
    if (entry['valueFrom'] === 'HOST' && entry['value'] !== undefined) {
      c.error(at(path, 'value'), 'must not be set when valueFrom is HOST (the value is read from the proxy\'s environment)');
    }
  });
}

function checkPorts(ports: unknown[], path: string, c: Collector): void {
  const seen = new Set<number>();
  ports.forEach((p, i) => {
    const n = asNumber(asObject(p)?.['number']);
    if (n === undefined) return;
    if (seen.has(n)) c.error(at(at(path, i), 'number'), `duplicate port ${n}`);
    seen.add(n);
  });
}

export const validateWasmPlugin = istioKind({ schema, rules, specRequired: true });
