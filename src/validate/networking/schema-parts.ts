// Structural schemas shared by several networking.istio.io kinds, mirroring the CRDs' OpenAPI.
import type { z } from 'zod';
import { bool, dur, int32, list, map, num, obj, oneOf, port, str, strList, strMap, uint32 } from '../common/schema.js';

export const portSelector = obj({ number: uint32() });

export const destination = obj({ host: str(), subset: str(), port: portSelector }, ['host']);

export const percent = obj({ value: num() });

export const stringMatch = obj({ exact: str(), prefix: str(), regex: str() });

const headerOperations = obj({ set: strMap(), add: strMap(), remove: strList() });
export const headers = obj({ request: headerOperations, response: headerOperations });

/** networking.istio.io WorkloadSelector (Sidecar, ServiceEntry, EnvoyFilter): `labels`. */
export const networkingSelector = obj({ labels: strMap() });

/** istio.io/api type.v1beta1 WorkloadSelector (DestinationRule): `matchLabels`. */
export const typeSelector = obj({ matchLabels: map(str().max(63)) });

export const policyTargetRef = obj({ group: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name']);

const tlsCertificate = obj({ serverCertificate: str(), privateKey: str(), caCertificates: str() });

const TLS_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;

export const serverTls = obj({
  httpsRedirect: bool(),
  mode: oneOf(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']),
  serverCertificate: str(),
  privateKey: str(),
  caCertificates: str(),
  caCrl: str(),
  credentialName: str(),
  credentialNames: list(str(), 2),
  tlsCertificates: list(tlsCertificate, 2),
  subjectAltNames: strList(),
  verifyCertificateSpki: strList(),
  verifyCertificateHash: strList(),
  minProtocolVersion: oneOf(TLS_VERSIONS),
  maxProtocolVersion: oneOf(TLS_VERSIONS),
  cipherSuites: strList(),
});

export const clientTls = obj({
  mode: oneOf(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']),
  clientCertificate: str(),
  privateKey: str(),
  caCertificates: str(),
  credentialName: str(),
  subjectAltNames: strList(),
  sni: str(),
  insecureSkipVerify: bool(),
  caCrl: str(),
});

const tcpSettings = obj({
  maxConnections: int32(),
  connectTimeout: dur(),
  tcpKeepalive: obj({ probes: uint32(), time: dur(), interval: dur() }),
  maxConnectionDuration: dur(),
  idleTimeout: dur({ allowZero: true }),
});

const httpSettings = obj({
  http1MaxPendingRequests: int32(),
  http2MaxRequests: int32(),
  maxRequestsPerConnection: int32(),
  maxRetries: int32(),
  idleTimeout: dur(),
  h2UpgradePolicy: oneOf(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']),
  useClientProtocol: bool(),
  maxConcurrentStreams: int32(),
  http2KeepAlive: obj({ interval: dur(), timeout: dur() }),
});

export const connectionPool = obj({ tcp: tcpSettings, http: httpSettings });

const failover = obj({ from: str(), to: str() });

const localityLb = obj({
  enabled: bool(),
  distribute: list(obj({ from: str(), to: map(uint32()) })),
  failover: list(failover),
  failoverPriority: strList(),
});

const zoneAwareLb = obj({ enabled: bool(), failover: list(failover), failoverPriority: strList(), minClusterSize: uint32() });

const httpCookie = obj({ name: str(), path: str(), ttl: dur({ syntaxOnly: true }), attributes: list(obj({ name: str(), value: str() }, ['name'])) }, ['name']);

const consistentHash = obj({
  httpHeaderName: str(),
  httpCookie,
  useSourceIp: bool(),
  httpQueryParameterName: str(),
  ringHash: obj({ minimumRingSize: uint32() }),
  maglev: obj({ tableSize: uint32() }),
  minimumRingSize: uint32(),
});

const loadBalancer = obj({
  simple: oneOf(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']),
  consistentHash,
  localityLbSetting: localityLb,
  zoneAwareLbSetting: zoneAwareLb,
  warmupDurationSecs: dur(),
  warmup: obj({ duration: dur(), minimumPercent: num().min(0).max(100), aggression: num() }, ['duration']),
});

const outlierDetection = obj({
  splitExternalLocalOriginErrors: bool(),
  consecutiveLocalOriginFailures: uint32(),
  consecutiveGatewayErrors: uint32(),
  consecutive5xxErrors: uint32(),
  interval: dur(),
  baseEjectionTime: dur(),
  maxEjectionPercent: int32(),
  minHealthPercent: int32(),
  consecutiveErrors: int32(),
});

const portTrafficPolicy = obj({ port: portSelector, loadBalancer, connectionPool, outlierDetection, tls: clientTls });

export const trafficPolicy = obj({
  loadBalancer,
  connectionPool,
  outlierDetection,
  tls: clientTls,
  portLevelSettings: list(portTrafficPolicy),
  tunnel: obj({ protocol: str(), targetHost: str(), targetPort: uint32() }, ['targetHost', 'targetPort']),
  proxyProtocol: obj({ version: oneOf(['V1', 'V2']) }),
});

/** Unix socket addresses (`unix:///path` or `unix://@abstract`) or anything else up to 256 characters. */
const address = str().max(256);

/** The WorkloadEntry message: also ServiceEntry endpoints and the WorkloadGroup template. */
export const workloadEntry = obj({
  address,
  ports: map(port()),
  labels: strMap(),
  network: str(),
  locality: str(),
  weight: uint32(),
  serviceAccount: str(),
});

export type Schema = z.ZodType;
