// WasmPlugin (extensions.istio.io): a WebAssembly module the proxy of the selected workloads
// loads, where it sits in the filter chain, and which traffic it sees.
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { istioKind } from '../common/istio-kind.js';
import { parseRequestURI } from '../security/urls.js';

const SCHEMES = ['', 'http', 'https', 'oci', 'file'];

function rules(spec: Mapping, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: true });
  checkUrl(spec['url'], c);
  checkEnv(asArray(asMapping(spec['vmConfig'])?.['env']), c);
  asArray(spec['match']).forEach((m, i) => checkPorts(asArray(asMapping(m)?.['ports']), at(at('spec.match', i), 'ports'), c));
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
    const entry = asMapping(v);
    if (!entry) return;
    const path = at('spec.vmConfig.env', i);
    const name = asString(entry['name']);
    if (name !== undefined && seen.has(name)) c.error(at(path, 'name'), `duplicate environment variable "${name}"`);
    if (name !== undefined) seen.add(name);
    if (entry['valueFrom'] === 'HOST' && entry['value'] !== undefined) {
      c.error(at(path, 'value'), "must not be set when valueFrom is HOST (the value is read from the proxy's environment)");
    }
  });
}

function checkPorts(ports: unknown[], path: string, c: Collector): void {
  const seen = new Set<number>();
  ports.forEach((p, i) => {
    const n = asNumber(asMapping(p)?.['number']);
    if (n === undefined) return;
    if (seen.has(n)) c.error(at(at(path, i), 'number'), `duplicate port ${n}`);
    seen.add(n);
  });
}

export const validateWasmPlugin = istioKind({ rules });
