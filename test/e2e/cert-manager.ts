// What cert-manager does for the chart's certManager mode, as far as meshgate can see it: the
// controller issues the Certificate into its Secret (type kubernetes.io/tls with tls.crt = the
// certificate and its chain, tls.key, ca.crt, and cert-manager's annotations), and the CA
// injector copies ca.crt into the caBundle of every webhook configuration annotated
// cert-manager.io/inject-ca-from. cert-manager's controller binaries are not published as Go
// modules (only its API packages and CRDs are), so the e2e suite performs these two writes
// itself, with cert-manager's field managers, against the real CRDs and the real objects the
// chart created.
import { issueCA, issueServing, type KeyPair } from '../../src/certs/pki.js';
import type { Kubectl } from './cluster/kubectl.js';

interface CertificateJson {
  metadata: { name: string; namespace: string };
  spec: { secretName: string; dnsNames?: string[]; ipAddresses?: string[]; issuerRef: { name: string; kind?: string; group?: string } };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function newCA(commonName: string): Promise<KeyPair> {
  return issueCA({ validityMs: 365 * 86_400_000, now: new Date(), commonName });
}

/** Issues the Certificate `name` with `ca` into its Secret, as cert-manager's CA issuer would. */
export async function issue(k: Kubectl, namespace: string, name: string, ca: KeyPair, validityMs = 90 * 86_400_000): Promise<KeyPair> {
  const cert = await k.json<CertificateJson>(['get', 'certificate', name, '-n', namespace]);
  const sans = [...(cert.spec.dnsNames ?? []), ...(cert.spec.ipAddresses ?? [])];
  const serving = await issueServing(ca, { sans, validityMs, now: new Date() });
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: cert.spec.secretName,
      namespace,
      labels: { 'controller.cert-manager.io/fao': 'true' },
      annotations: {
        'cert-manager.io/certificate-name': name,
        'cert-manager.io/issuer-name': cert.spec.issuerRef.name,
        'cert-manager.io/issuer-kind': cert.spec.issuerRef.kind ?? 'Issuer',
        'cert-manager.io/issuer-group': cert.spec.issuerRef.group ?? 'cert-manager.io',
        'cert-manager.io/alt-names': (cert.spec.dnsNames ?? []).join(','),
        'cert-manager.io/ip-sans': (cert.spec.ipAddresses ?? []).join(','),
        'cert-manager.io/common-name': '',
        'cert-manager.io/uri-sans': '',
      },
    },
    data: { 'tls.crt': b64(`${serving.cert.trim()}\n${ca.cert.trim()}\n`), 'tls.key': b64(serving.key), 'ca.crt': b64(ca.cert) },
  };
  await k.ok(['apply', '--server-side', '--force-conflicts', '--field-manager=cert-manager-certificates-issuing', '-f', '-'], { input: JSON.stringify(secret) });
  return serving;
}

interface WebhookConfigJson {
  metadata: { name: string; annotations?: Record<string, string> };
  webhooks: { name: string; clientConfig: { caBundle?: string } }[];
}

export const INJECT_CA_FROM = 'cert-manager.io/inject-ca-from';

/** Copies the Certificate's ca.crt into the configuration's caBundle, as cert-manager's CA injector does. */
export async function injectCA(k: Kubectl, kind: 'mutatingwebhookconfiguration' | 'validatingwebhookconfiguration', name: string): Promise<string> {
  const cfg = await k.json<WebhookConfigJson>(['get', kind, name]);
  const from = cfg.metadata.annotations?.[INJECT_CA_FROM];
  if (!from) throw new Error(`${kind} ${name} has no ${INJECT_CA_FROM} annotation`);
  const [namespace, certName] = from.split('/') as [string, string];
  const cert = await k.json<CertificateJson>(['get', 'certificate', certName, '-n', namespace]);
  const bundle = await k.ok(['get', 'secret', cert.spec.secretName, '-n', namespace, '-o', 'jsonpath={.data.ca\\.crt}']);
  await setBundle(k, kind, name, cfg.webhooks.length, bundle, 'cert-manager-cainjector');
  return bundle;
}

/** Writes `bundle` (base64) into every webhook of the configuration. */
export async function setBundle(k: Kubectl, kind: string, name: string, webhooks: number, bundle: string, fieldManager: string): Promise<void> {
  const patch = Array.from({ length: webhooks }, (_, i) => ({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle }));
  await k.ok(['patch', kind, name, '--type', 'json', `--field-manager=${fieldManager}`, '-p', JSON.stringify(patch)]);
}

export { b64 };
