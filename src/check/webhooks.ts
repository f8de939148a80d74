// meshgate's own health as the API server sees it: its webhook configurations are installed,
// each entry calls an endpoint that answers (a Service with ready endpoints, or a URL whose
// /readyz says 200), the caBundle verifies the certificate that endpoint serves, the
// certificate is not expired or about to, the failure policies are the safe ones, and one
// replica leads.
import { X509Certificate } from 'node:crypto';
import { certInfo } from '../certs/pki.js';
import { endpointOf, entryId, isMeshgate, isMeshgateInjector, type Entry, type Finding, type Snapshot } from './model.js';

const DAY_MS = 86_400_000;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function f(check: string, status: Finding['status'], subject: string, message: string): Finding {
  return { check, status, subject, message };
}

export function presence(s: Snapshot): Finding[] {
  const out: Finding[] = [];
  const wanted: Array<['mutating' | 'validating', string]> = [
    ['mutating', s.names.mutating],
    ...(s.names.validating ? [['validating', s.names.validating] as ['validating', string]] : []),
  ];
  for (const [kind, name] of wanted) {
    const entries = s.entries.filter((e) => e.kind === kind && e.configuration === name);
    const what = `${kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration'} ${name}`;
    // During a migration meshgate may inject only through a revision or a tag configuration.
    const others = kind === 'mutating' ? [...new Set(s.entries.filter((e) => isMeshgateInjector(e) && e.configuration !== name).map((e) => e.configuration))] : [];
    if (entries.length > 0) out.push(f('webhooks', 'ok', what, `installed, ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`));
    else if (others.length > 0) out.push(f('webhooks', 'info', what, `not installed; meshgate injects through ${others.join(', ')}`));
    else out.push(f('webhooks', 'error', what, 'not installed: the API server never calls meshgate for it (apply manifests/ or `meshgate manifests`)'));
  }
  return out;
}

export function failurePolicies(s: Snapshot): Finding[] {
  return s.entries.filter(isMeshgate).map((e) => {
    if (e.kind === 'mutating') {
      return e.failurePolicy === 'Fail'
        ? f('failure-policy', 'ok', entryId(e), 'failurePolicy Fail: a Pod that should get a sidecar is not created without one')
        : f('failure-policy', 'warning', entryId(e), `failurePolicy ${e.failurePolicy}: while meshgate cannot be reached, Pods are created without their sidecar`);
    }
    return e.failurePolicy === 'Fail'
      ? f('failure-policy', 'ok', entryId(e), 'failurePolicy Fail: invalid objects are refused (proven by the dry-run probe in cluster mode)')
      : f(
          'failure-policy',
          'info',
          entryId(e),
          `failurePolicy ${e.failurePolicy}: fails open; in cluster mode meshgate sets Fail once its dry-run probe proves the webhook answers`,
        );
  });
}

const certs = (pem: string): X509Certificate[] => (pem.match(PEM) ?? []).map((c) => new X509Certificate(c));

/** Whether some CA in the bundle signed the certificate (directly, or through the chain served). */
export function verifies(bundle: string, chain: readonly string[]): boolean {
  const cas = certs(bundle);
  const parsed = chain.map((c) => new X509Certificate(c));
  return parsed.some((c) => cas.some((ca) => c.fingerprint256 === ca.fingerprint256 || (c.checkIssued(ca) && c.verify(ca.publicKey))));
}

function hostOk(cert: X509Certificate, url: string | undefined): boolean {
  if (!url) return true;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$|:/.test(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
}

export function expiry(subject: string, pem: string, now: Date): Finding {
  const cert = new X509Certificate(pem);
  const notAfter = new Date(cert.validTo);
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0)
    return f('certificates', 'error', subject, `the serving certificate expired on ${notAfter.toISOString()}: the API server refuses the TLS handshake, so every call fails`);
  if (new Date(cert.validFrom).getTime() > now.getTime())
    return f('certificates', 'error', subject, `the serving certificate is not valid before ${new Date(cert.validFrom).toISOString()}`);
  const days = Math.floor(left / DAY_MS);
  if (left < 7 * DAY_MS) return f('certificates', 'warning', subject, `the serving certificate expires in ${days} day(s), on ${notAfter.toISOString()}`);
  return f('certificates', 'ok', subject, `the serving certificate is valid until ${notAfter.toISOString()} (${days} days)`);
}

function urlEndpoint(s: Snapshot, e: Entry, endpoint: string): Finding[] {
  const probe = s.probes[endpoint];
  if (!probe || probe.chain.length === 0) {
    return [f('endpoints', 'error', `${entryId(e)} → ${endpoint}`, `no answer: ${probe?.error ?? 'not probed'}; meshgate is down or cannot be reached there`)];
  }
  const out: Finding[] = [];
  const ready = probe.readyz === 200;
  out.push(
    ready
      ? f('endpoints', 'ok', `${entryId(e)} → ${endpoint}`, 'answers, and /readyz is 200')
      : f('endpoints', 'error', `${entryId(e)} → ${endpoint}`, `answers TLS, but /readyz is ${probe.readyz ?? probe.error ?? 'unknown'}: meshgate is not ready`),
  );
  out.push(...bundleFindings(e, probe.chain, endpoint, s.now));
  return out;
}

function bundleFindings(e: Entry, chain: readonly string[], where: string, _now: Date): Finding[] {
  const subject = `${entryId(e)} caBundle`;
  const leaf = chain[0] as string;
  const out: Finding[] = [];
  if (e.clientConfig.caBundle === '')
    out.push(f('certificates', 'error', subject, 'is empty: the API server cannot verify meshgate (in cluster mode the leader fills it in; is meshgate running with --cluster?)'));
  else if (!verifies(e.clientConfig.caBundle, chain))
    out.push(
      f(
        'certificates',
        'error',
        subject,
        `does not verify the certificate served at ${where} (issuer: ${new X509Certificate(leaf).issuer.replace(/\n/g, ', ')}): the API server refuses the TLS handshake`,
      ),
    );
  else if (!hostOk(new X509Certificate(leaf), e.clientConfig.url))
    out.push(f('certificates', 'error', subject, `verifies the certificate served at ${where}, but the certificate does not name the URL's host`));
  else out.push(f('certificates', 'ok', subject, `verifies the certificate served at ${where}`));
  return out;
}

function serviceEndpoint(s: Snapshot, e: Entry): Finding[] {
  const svc = e.clientConfig.service;
  if (!svc) return [f('endpoints', 'error', entryId(e), 'has neither a URL nor a Service in its clientConfig')];
  const key = `${svc.namespace}/${svc.name}`;
  const state = s.services[key];
  const subject = `${entryId(e)} → Service ${key}`;
  const out: Finding[] = [];
  if (!state?.exists) out.push(f('endpoints', 'error', subject, 'the Service does not exist: every call fails'));
  else if (state.ready === 0) out.push(f('endpoints', 'error', subject, `no ready endpoints (${state.notReady} not ready): meshgate is down or not ready`));
  else out.push(f('endpoints', 'ok', subject, `${state.ready} ready endpoint(s)${state.notReady > 0 ? `, ${state.notReady} not ready` : ''}`));
  if (s.secret.cert) out.push(...bundleFindings(e, [s.secret.cert], `Secret ${svc.namespace}/${s.names.secret}`, s.now));
  return out;
}

/** Each meshgate entry's endpoint and caBundle; certificates judged once per endpoint. */
export function endpoints(s: Snapshot): Finding[] {
  const out: Finding[] = [];
  const expiries = new Map<string, Finding>();
  for (const e of s.entries.filter(isMeshgate)) {
    const endpoint = endpointOf(e.clientConfig);
    out.push(...(e.clientConfig.url ? urlEndpoint(s, e, endpoint) : serviceEndpoint(s, e)));
    const leaf = e.clientConfig.url ? s.probes[endpoint]?.chain[0] : s.secret.cert;
    if (leaf && !expiries.has(endpoint)) expiries.set(endpoint, expiry(endpoint, leaf, s.now));
  }
  if (s.secret.error) out.push(f('certificates', 'info', `Secret ${s.meshgateNamespace}/${s.names.secret}`, s.secret.error));
  return [...out, ...expiries.values()];
}

export function leadership(s: Snapshot): Finding[] {
  const subject = `Lease ${s.meshgateNamespace}/${s.names.lease}`;
  if (!s.leader) return [f('leader', 'info', subject, 'not found: meshgate does not run in cluster mode here (or uses another --lease-name)')];
  const out: Finding[] = [];
  const age = s.leader.renewTime ? Math.round((s.now.getTime() - s.leader.renewTime.getTime()) / 1000) : Infinity;
  if (!s.leader.holder) out.push(f('leader', 'warning', subject, 'no replica holds it: no one rotates certificates or keeps the CA bundles'));
  else if (age > s.leader.durationSeconds)
    out.push(f('leader', 'warning', subject, `${s.leader.holder} stopped renewing it ${age}s ago (lease ${s.leader.durationSeconds}s): no leader right now`));
  else out.push(f('leader', 'ok', subject, `held by ${s.leader.holder}, renewed ${age}s ago`));
  const live = s.heartbeats.filter((h) => h.renewTime && s.now.getTime() - h.renewTime.getTime() < h.durationSeconds * 1000);
  const expected = s.secret.cert ? certInfo(s.secret.cert).fingerprint : undefined;
  const stale = expected ? live.filter((h) => h.serving !== expected) : [];
  out.push(
    stale.length > 0
      ? f('leader', 'warning', 'replicas', `${stale.map((h) => h.holder).join(', ')} still serve a certificate other than the Secret's`)
      : f('leader', 'ok', 'replicas', `${live.length} live replica(s)${expected ? ", all serving the Secret's certificate" : ''}`),
  );
  return out;
}
