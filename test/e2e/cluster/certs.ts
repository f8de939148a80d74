// The run's PKI: one CA (valid two days), serving certificates for etcd and the API server,
// client certificates for the admin, the API server (to etcd) and the controller manager, and
// the service-account signing key pair. RSA keys come from node:crypto (native, fast); the
// X.509 certificates are built with node-forge.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface Pem {
  readonly certPem: string;
  readonly keyPem: string;
}

interface Ca extends Pem {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

export interface CertSpec {
  readonly cn: string;
  readonly orgs?: readonly string[];
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  readonly usage: 'server' | 'client' | 'peer';
}

const VALIDITY_MS = 2 * 24 * 3600_000;

function rsaKey(): { key: forge.pki.rsa.PrivateKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return { key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, keyPem };
}

function baseCert(key: forge.pki.rsa.PrivateKey, cn: string, orgs: readonly string[] = []): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_MS);
  cert.setSubject([{ name: 'commonName', value: cn }, ...orgs.map((o) => ({ name: 'organizationName', value: o }))]);
  return cert;
}

export function newCa(cn: string): Ca {
  const { key, keyPem } = rsaKey();
  const cert = baseCert(key, cn);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { cert, key, certPem: forge.pki.certificateToPem(cert), keyPem };
}

export function issue(ca: Ca, spec: CertSpec): Pem {
  const { key, keyPem } = rsaKey();
  const cert = baseCert(key, spec.cn, spec.orgs);
  cert.setIssuer(ca.cert.subject.attributes);
  const altNames = [...(spec.dns ?? []).map((value) => ({ type: 2, value })), ...(spec.ips ?? []).map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: spec.usage !== 'client', clientAuth: spec.usage !== 'server' },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** File paths of the run's PKI; all PEM. */
export interface ClusterPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly etcdServer: { cert: string; key: string };
  readonly etcdClient: { cert: string; key: string };
  readonly apiserver: { cert: string; key: string };
  readonly admin: { cert: string; key: string };
  readonly controllerManager: { cert: string; key: string };
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const LOOPBACK = { dns: ['localhost'], ips: ['127.0.0.1'] };
const API_SERVER_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/** Writes the whole PKI into dir (mode 0600 for keys). serviceIp: the `kubernetes` Service's ClusterIP. */
export function writeClusterPki(dir: string, serviceIp: string): ClusterPki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, pem: string, mode = 0o644): string => {
    const file = join(dir, name);
    writeFileSync(file, pem, { mode });
    return file;
  };
  const pair = (name: string, pem: Pem): { cert: string; key: string } => ({
    cert: write(`${name}.crt`, pem.certPem),
    key: write(`${name}.key`, pem.keyPem, 0o600),
  });
  const ca = newCa('meshgate-e2e-ca');
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    dir,
    caCert: write('ca.crt', ca.certPem),
    caKey: write('ca.key', ca.keyPem, 0o600),
    etcdServer: pair('etcd-server', issue(ca, { cn: 'etcd', usage: 'peer', ...LOOPBACK })),
    etcdClient: pair('apiserver-etcd-client', issue(ca, { cn: 'kube-apiserver-etcd-client', usage: 'client' })),
    apiserver: pair(
      'apiserver',
      issue(ca, {
        cn: 'kube-apiserver',
        usage: 'server',
        dns: [...LOOPBACK.dns, ...API_SERVER_NAMES],
        ips: [...LOOPBACK.ips, serviceIp],
      }),
    ),
    admin: pair('admin', issue(ca, { cn: 'kubernetes-admin', orgs: ['system:masters'], usage: 'client' })),
    controllerManager: pair('controller-manager', issue(ca, { cn: 'system:kube-controller-manager', usage: 'client' })),
    serviceAccountKey: write('sa.key', sa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600),
    serviceAccountPub: write('sa.pub', sa.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}
