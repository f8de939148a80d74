// Certificates made with node-forge: a CA, and serving certificates it signs. Used by
// `meshgate certs`, by `npm start` for development certificates, and in the cluster.
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key (PKCS#1 RSA). */
  readonly key: string;
}

export interface ServingOptions {
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Validity in days (default 365). */
  readonly days?: number;
  readonly now?: Date;
}

const KEY_BITS = 2048;

/** A random positive serial of 16 bytes, so no two certificates share one. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
}

export function generateCA(commonName = 'meshgate-ca', days = 3650, now = new Date()): KeyPair {
  const keys = forge.pki.rsa.generateKeyPair({ bits: KEY_BITS });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, now, days);
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'meshgate' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

export function generateServing(ca: KeyPair, opts: ServingOptions): KeyPair {
  if (opts.dnsNames.length === 0 && (opts.ipAddresses ?? []).length === 0) {
    throw new Error('a serving certificate needs at least one DNS name or IP address');
  }
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = forge.pki.rsa.generateKeyPair({ bits: KEY_BITS });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, opts.now ?? new Date(), opts.days ?? 365);
  cert.setSubject([{ name: 'commonName', value: opts.dnsNames[0] ?? opts.ipAddresses?.[0] ?? 'meshgate' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...opts.dnsNames.map((value) => ({ type: 2, value })),
    ...(opts.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Validity window and serial of a PEM certificate, for logs and rotation decisions. */
export function describeCert(pem: string): { notBefore: Date; notAfter: Date; serial: string; subject: string } {
  const cert = forge.pki.certificateFromPem(pem);
  const cn = cert.subject.getField('CN') as { value?: string } | null;
  return {
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    serial: cert.serialNumber,
    subject: cn?.value ?? '',
  };
}
