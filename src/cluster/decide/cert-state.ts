// The certificate Secret as data: what its keys and annotations hold, read into a checked
// state (or the reason it cannot be used), and written back. Pure: no API calls.
//
//   tls.crt, tls.key   the serving pair every replica serves
//   ca.crt, ca.key     the CA that signs new serving certificates (the newest CA)
//   ca-bundle.crt      every CA the webhook configurations must trust (ca.crt plus, during a
//                      CA rotation, the previous one)
import { certInfo, joinPem, keyMatches, signedBy, splitPem, type CertInfo, type KeyPair } from '../../certs/pki.js';

export const SECRET_KEYS = {
  cert: 'tls.crt',
  key: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
  bundle: 'ca-bundle.crt',
} as const;

export const ANNOTATIONS = {
  /** When ca.crt joined the bundle; the serving certificate switches to it some time after. */
  caTrustedAt: 'meshgate.io/ca-trusted-at',
  /** When tls.crt was issued into the Secret; old CAs leave the bundle some time after. */
  servingSince: 'meshgate.io/serving-since',
  /** Set by an operator (any value) to force a rotation of the CA and the serving certificate. */
  rotate: 'meshgate.io/rotate',
} as const;

/** The material of one Secret. */
export interface CertMaterial {
  readonly serving: KeyPair;
  readonly ca: KeyPair;
  /** PEM certificates of the CAs to trust; always includes ca.cert. */
  readonly bundle: readonly string[];
}

export interface CertState extends CertMaterial {
  readonly servingInfo: CertInfo;
  readonly caInfo: CertInfo;
  readonly bundleInfo: readonly CertInfo[];
  /** tls.crt was signed by ca.crt (false between add-ca and renew-serving). */
  readonly servingSignedByCA: boolean;
  readonly caTrustedAt?: Date;
  readonly servingSince?: Date;
  readonly rotateRequested: boolean;
}

export type SecretReading =
  | { readonly kind: 'absent' }
  | {
      readonly kind: 'invalid';
      readonly problem: string;
      /** CA certificates still readable in the Secret: kept trusted while replicas may serve them. */
      readonly salvage: readonly string[];
    }
  | { readonly kind: 'valid'; readonly state: CertState };

/** The parts of a Secret this module reads (data values are base64, as the API returns them). */
export interface SecretLike {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly data?: Readonly<Record<string, string>>;
}

function decode(data: Readonly<Record<string, string>>, key: string): string {
  const b64 = data[key];
  if (b64 === undefined || b64 === '') throw new Error(`key ${key} is missing`);
  return Buffer.from(b64, 'base64').toString('utf8');
}

function time(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

function parse(label: string, pem: string): CertInfo {
  try {
    return certInfo(pem);
  } catch (e) {
    throw new Error(`${label} is not a PEM certificate (${(e as Error).message})`);
  }
}

type Checked = Pick<CertState, 'servingInfo' | 'caInfo' | 'bundleInfo' | 'servingSignedByCA'>;

function check(material: CertMaterial): Checked {
  const servingInfo = parse(SECRET_KEYS.cert, material.serving.cert);
  if (!keyMatches(material.serving)) throw new Error(`${SECRET_KEYS.key} does not belong to ${SECRET_KEYS.cert}`);
  const caInfo = parse(SECRET_KEYS.caCert, material.ca.cert);
  if (!caInfo.isCA) throw new Error(`${SECRET_KEYS.caCert} is not a CA certificate`);
  if (!keyMatches(material.ca)) throw new Error(`${SECRET_KEYS.caKey} does not belong to ${SECRET_KEYS.caCert}`);
  if (material.bundle.length === 0) throw new Error(`${SECRET_KEYS.bundle} holds no certificate`);
  const bundleInfo = material.bundle.map((pem, i) => parse(`${SECRET_KEYS.bundle} certificate ${i + 1}`, pem));
  if (!bundleInfo.some((b) => b.fingerprint === caInfo.fingerprint)) throw new Error(`${SECRET_KEYS.bundle} does not include ${SECRET_KEYS.caCert}`);
  if (!material.bundle.some((pem) => signedBy(material.serving.cert, pem))) throw new Error(`${SECRET_KEYS.cert} is not signed by a CA of ${SECRET_KEYS.bundle}`);
  return { servingInfo, caInfo, bundleInfo, servingSignedByCA: signedBy(material.serving.cert, material.ca.cert) };
}

/** Reads a certificate Secret (undefined when it does not exist). */
export function readCertSecret(secret: SecretLike | undefined): SecretReading {
  if (secret === undefined) return { kind: 'absent' };
  const data = secret.data ?? {};
  const annotations = secret.metadata?.annotations ?? {};
  try {
    const material: CertMaterial = {
      serving: { cert: decode(data, SECRET_KEYS.cert), key: decode(data, SECRET_KEYS.key) },
      ca: { cert: decode(data, SECRET_KEYS.caCert), key: decode(data, SECRET_KEYS.caKey) },
      bundle: splitPem(decode(data, SECRET_KEYS.bundle)),
    };
    const infos = check(material);
    const caTrustedAt = time(annotations[ANNOTATIONS.caTrustedAt]);
    const servingSince = time(annotations[ANNOTATIONS.servingSince]);
    return {
      kind: 'valid',
      state: {
        ...material,
        ...infos,
        ...(caTrustedAt ? { caTrustedAt } : {}),
        ...(servingSince ? { servingSince } : {}),
        rotateRequested: (annotations[ANNOTATIONS.rotate] ?? '') !== '',
      },
    };
  } catch (e) {
    return { kind: 'invalid', problem: (e as Error).message, salvage: salvageCAs(data) };
  }
}

/**
 * Reads a Secret another issuer writes (cert-manager's format, type kubernetes.io/tls): tls.crt
 * (the serving certificate, possibly followed by its chain), tls.key, and optionally ca.crt.
 * meshgate only serves it: there is no CA key, so `ca.key` is empty and nothing is ever issued
 * from this state. The CA is ca.crt's first certificate, else the chain's last, else tls.crt's
 * issuer is unknown and the certificate stands for itself.
 */
export function readExternalSecret(secret: SecretLike | undefined): SecretReading {
  if (secret === undefined) return { kind: 'absent' };
  const data = secret.data ?? {};
  try {
    const chain = splitPem(decode(data, SECRET_KEYS.cert));
    const leaf = chain[0];
    if (leaf === undefined) throw new Error(`${SECRET_KEYS.cert} holds no PEM certificate`);
    const serving = { cert: leaf, key: decode(data, SECRET_KEYS.key) };
    const servingInfo = parse(SECRET_KEYS.cert, leaf);
    if (!keyMatches(serving)) throw new Error(`${SECRET_KEYS.key} does not belong to ${SECRET_KEYS.cert}`);
    const cas = splitPem(Buffer.from(data[SECRET_KEYS.caCert] ?? '', 'base64').toString('utf8'));
    const bundle = cas.length > 0 ? cas : chain.slice(1);
    const caCert = bundle[0] ?? leaf;
    const servingWithChain = { cert: joinPem(chain), key: serving.key };
    return {
      kind: 'valid',
      state: {
        serving: servingWithChain,
        ca: { cert: caCert, key: '' },
        bundle,
        servingInfo,
        caInfo: parse('the CA certificate', caCert),
        bundleInfo: bundle.map((pem, i) => parse(`${SECRET_KEYS.caCert} certificate ${i + 1}`, pem)),
        servingSignedByCA: bundle.some((pem) => signedBy(leaf, pem)),
        rotateRequested: false,
      },
    };
  } catch (e) {
    return { kind: 'invalid', problem: (e as Error).message, salvage: [] };
  }
}

function salvageCAs(data: Readonly<Record<string, string>>): string[] {
  const pems = [SECRET_KEYS.bundle, SECRET_KEYS.caCert].flatMap((k) => {
    try {
      return splitPem(decode(data, k));
    } catch {
      return [];
    }
  });
  const seen = new Set<string>();
  return pems.filter((pem) => {
    try {
      const info = certInfo(pem);
      if (!info.isCA || seen.has(info.fingerprint)) return false;
      seen.add(info.fingerprint);
      return true;
    } catch {
      return false;
    }
  });
}

export interface CertSecretContent {
  /** base64 values, as the API expects in `data`. */
  readonly data: Record<string, string>;
  readonly annotations: Record<string, string>;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** The data and meshgate's annotations of a Secret holding `material`. */
export function certSecretContent(material: CertMaterial, times: { caTrustedAt: Date; servingSince: Date }): CertSecretContent {
  return {
    data: {
      [SECRET_KEYS.cert]: b64(material.serving.cert),
      [SECRET_KEYS.key]: b64(material.serving.key),
      [SECRET_KEYS.caCert]: b64(material.ca.cert),
      [SECRET_KEYS.caKey]: b64(material.ca.key),
      [SECRET_KEYS.bundle]: b64(joinPem(material.bundle)),
    },
    annotations: {
      [ANNOTATIONS.caTrustedAt]: times.caTrustedAt.toISOString(),
      [ANNOTATIONS.servingSince]: times.servingSince.toISOString(),
    },
  };
}

/** The bundle as the webhook configurations carry it: base64 of the PEM certificates. */
export function caBundleOf(material: Pick<CertMaterial, 'bundle'>): string {
  return b64(joinPem(material.bundle));
}

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string>; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

/**
 * The Secret to write: a new one (no `base`), or `base` with meshgate's keys and annotations
 * replaced and everything else (labels, other keys, resourceVersion) kept.
 */
export function certSecretObject(name: string, namespace: string, content: CertSecretContent, base?: SecretObject, clearRotate = false): SecretObject {
  const annotations = { ...(base?.metadata?.annotations ?? {}), ...content.annotations };
  if (clearRotate) delete annotations[ANNOTATIONS.rotate];
  if (base) return { ...base, metadata: { ...base.metadata, annotations }, data: { ...(base.data ?? {}), ...content.data } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'meshgate', 'app.kubernetes.io/component': 'webhook-certificates' }, annotations },
    type: 'kubernetes.io/tls',
    data: content.data,
  };
}
