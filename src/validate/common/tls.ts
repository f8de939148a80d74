// TLS settings: the server side (Istio Gateway servers, Sidecar ingress listeners) and the client
// side (DestinationRule traffic policies). Errors point at the field that has to change.
import { at, type Collector } from '../issues.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';

const CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
]);

/** Known OpenSSL-style names; `ALL` and operator forms (`-X`, `!X`, `+X`) pass through. */
export function isKnownCipherSuite(name: string): boolean {
  if (name === '' || name === 'ALL' || !/^[\p{L}\p{N}]/u.test(name)) return true;
  return CIPHER_SUITES.has(name);
}

const text = (o: Mapping, key: string): string => asString(o[key]) ?? '';
const count = (o: Mapping, key: string): number => asArray(o[key]).length;

/** Names the certificate sources that are set (a server certificate counts only with its key). */
function certificateSources(tls: Mapping): string[] {
  const out: string[] = [];
  if (text(tls, 'serverCertificate') !== '' && text(tls, 'privateKey') !== '') out.push('serverCertificate/privateKey');
  if (text(tls, 'credentialName') !== '') out.push('credentialName');
  if (count(tls, 'credentialNames') > 0) out.push('credentialNames');
  if (count(tls, 'tlsCertificates') > 0) out.push('tlsCertificates');
  return out;
}

function checkCipherSuites(c: Collector, path: string, tls: Mapping): void {
  const suites = asArray(tls['cipherSuites']).map((s) => asString(s) ?? '');
  const unknown = [...new Set(suites.filter((s) => !isKnownCipherSuite(s)))].sort();
  const dupes = [...new Set(suites.filter((s, i) => isKnownCipherSuite(s) && suites.indexOf(s) !== i))].sort();
  if (unknown.length > 0) c.warn(`${path}.cipherSuites: unknown cipher suites will be ignored: ${unknown.join(', ')}`);
  if (dupes.length > 0) c.warn(`${path}.cipherSuites: duplicate cipher suites will be ignored: ${dupes.join(', ')}`);
  const min = text(tls, 'minProtocolVersion');
  if ((min === 'TLSV1_0' || min === 'TLSV1_1') && suites.length === 0) {
    c.warn(`${path}.minProtocolVersion: ${min} needs cipherSuites, as the defaults no longer include ciphers for it`);
  }
}

const ISTIO_MUTUAL_FORBIDDEN = ['serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates', 'credentialName', 'credentialNames'];

function checkIstioMutual(c: Collector, path: string, tls: Mapping): void {
  for (const key of ISTIO_MUTUAL_FORBIDDEN) {
    const v = tls[key];
    const set = Array.isArray(v) ? v.length > 0 : (asString(v) ?? '') !== '';
    if (set) c.error(at(path, key), 'ISTIO_MUTUAL uses the mesh certificates; remove this field');
  }
}

/** SIMPLE/MUTUAL/OPTIONAL_MUTUAL without a credential need a certificate and key (per tlsCertificates entry). */
function checkServerCertificates(c: Collector, path: string, tls: Mapping, mode: string): void {
  const mutual = mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (mutual && text(tls, 'caCertificates') === '') c.error(at(path, 'caCertificates'), `${mode} needs caCertificates to verify client certificates (or a credentialName)`);
  const list = asArray(tls['tlsCertificates']);
  if (list.length > 2) c.warn(`${path}.tlsCertificates: at most 2 server certificates are used`);
  const entries: [string, Mapping][] = list.length > 0 ? list.map((e, i) => [at(at(path, 'tlsCertificates'), i), asMapping(e) ?? {}]) : [[path, tls]];
  for (const [p, cert] of entries) {
    if (text(cert, 'serverCertificate') === '') c.error(at(p, 'serverCertificate'), `${mode} TLS needs a server certificate (or a credentialName)`);
    if (text(cert, 'privateKey') === '') c.error(at(p, 'privateKey'), `${mode} TLS needs a private key (or a credentialName)`);
  }
}

/**
 * Server-side TLS (Gateway servers, Sidecar ingress). Mode defaults to PASSTHROUGH.
 * Cross-field rules only; enum and type errors come from the schema.
 */
export function checkServerTls(c: Collector, path: string, value: unknown): void {
  const tls = asMapping(value);
  if (!tls) return;
  const mode = text(tls, 'mode') || 'PASSTHROUGH';
  checkCipherSuites(c, path, tls);
  if (mode === 'ISTIO_MUTUAL') {
    checkIstioMutual(c, path, tls);
    return;
  }
  const sources = certificateSources(tls);
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && (sources.length > 0 || hasAnyCertField(tls))) {
    c.warn(`${path}: ${mode} does not terminate TLS, so its certificate fields are ignored`);
  }
  if (sources.length > 1) c.error(path, `set only one source of server certificates; ${sources.join(' and ')} are both set`);
  const usesCredential = text(tls, 'credentialName') !== '' || count(tls, 'credentialNames') > 0;
  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminates && usesCredential) return;
  if (terminates) checkServerCertificates(c, path, tls, mode);
  if (text(tls, 'caCrl') !== '') {
    if (text(tls, 'credentialName') !== '') c.error(at(path, 'caCrl'), 'with credentialName the certificate revocation list must be part of the credential');
    if (mode === 'SIMPLE') c.error(at(path, 'caCrl'), 'SIMPLE TLS does not verify client certificates, so a certificate revocation list cannot be used');
  }
}

function hasAnyCertField(tls: Mapping): boolean {
  return ['caCrl', 'serverCertificate', 'privateKey', 'caCertificates'].some((k) => text(tls, k) !== '');
}

const CONFIGMAP_PREFIX = 'configmap://';

function checkConfigMapCredential(c: Collector, path: string, credential: string, namespace: string): void {
  if (!credential.startsWith(CONFIGMAP_PREFIX)) return;
  const parts = credential.slice(CONFIGMAP_PREFIX.length).split('/');
  const where = at(path, 'credentialName');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    c.error(where, `"${credential}" must have the form configmap://name or configmap://namespace/name`);
    return;
  }
  const ns = parts.length === 2 ? (parts[0] as string) : namespace;
  if (ns !== namespace || namespace === '') {
    c.error(where, `a configmap:// credential must live in this object's namespace${namespace ? ` "${namespace}"` : ''}`);
  }
}

function isTrue(v: unknown): boolean {
  return v === true;
}

/** Client-side TLS (DestinationRule trafficPolicy.tls and portLevelSettings[].tls). */
export function checkClientTls(c: Collector, path: string, value: unknown, namespace: string): void {
  const tls = asMapping(value);
  if (!tls) return;
  const mode = text(tls, 'mode') || 'DISABLE';
  const credential = text(tls, 'credentialName');
  checkConfigMapCredential(c, path, credential, namespace);
  const hasSans = count(tls, 'subjectAltNames') > 0;
  if (isTrue(tls['insecureSkipVerify'])) {
    if (mode === 'SIMPLE') {
      for (const key of ['caCertificates', 'credentialName']) {
        if (text(tls, key) !== '') c.error(at(path, key), 'insecureSkipVerify turns server verification off, so no CA may be configured');
      }
      if (hasSans) c.error(at(path, 'subjectAltNames'), 'insecureSkipVerify turns server verification off, so subjectAltNames cannot be checked');
    }
    if (mode === 'MUTUAL') {
      if (text(tls, 'caCertificates') !== '') c.error(at(path, 'caCertificates'), 'insecureSkipVerify turns server verification off, so no CA may be configured');
      if (hasSans) c.error(at(path, 'subjectAltNames'), 'insecureSkipVerify turns server verification off, so subjectAltNames cannot be checked');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credential !== '') {
    for (const key of ['clientCertificate', 'caCertificates', 'privateKey', 'caCrl']) {
      if (text(tls, key) !== '') c.error(at(path, key), 'credentialName already supplies the certificates; remove this field');
    }
    return;
  }
  if (mode === 'MUTUAL') {
    if (text(tls, 'clientCertificate') === '') c.error(at(path, 'clientCertificate'), 'MUTUAL TLS needs a client certificate (or a credentialName)');
    if (text(tls, 'privateKey') === '') c.error(at(path, 'privateKey'), 'MUTUAL TLS needs a private key (or a credentialName)');
  }
}
