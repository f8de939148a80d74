// The Pod annotations and labels users combine to steer injection, valid and invalid, for the
// differential suite's generator: every traffic.sidecar.istio.io/* annotation, the
// sidecar.istio.io/* ones, proxy.istio.io/config, prometheus.io/*, templates and revisions.
import fc from 'fast-check';

type Strs = Record<string, string>;

/** Picks a value for an annotation, or leaves it out (most Pods set few annotations). */
function maybe(key: string, values: readonly string[], weight = 1): fc.Arbitrary<Strs> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant<Strs>({}) }, { weight, arbitrary: fc.constantFrom(...values).map((v): Strs => ({ [key]: v })) });
}

const TRAFFIC = 'traffic.sidecar.istio.io';
const SIDECAR = 'sidecar.istio.io';

const traffic = fc.tuple(
  maybe(`${TRAFFIC}/includeOutboundIPRanges`, ['*', '10.0.0.0/8', '10.0.0.0/8,172.16.0.0/12', '', 'bad', '10.0.0.0/33']),
  maybe(`${TRAFFIC}/excludeOutboundIPRanges`, ['169.254.169.254/32', '10.96.0.0/12,fd00::/8', '', '*']),
  maybe(`${TRAFFIC}/includeInboundPorts`, ['*', '8080', '80,443', '', 'abc', '70000']),
  maybe(`${TRAFFIC}/excludeInboundPorts`, ['9090', '15020,9090', '', '*']),
  maybe(`${TRAFFIC}/includeOutboundPorts`, ['443', '80,8080', '']),
  maybe(`${TRAFFIC}/excludeOutboundPorts`, ['5432', '3306,6379', '', 'x']),
  maybe(`${TRAFFIC}/excludeInterfaces`, ['eth1', 'eth1,net2', '']),
  maybe(`${TRAFFIC}/kubevirtInterfaces`, ['net1', '']),
  maybe('istio.io/reroute-virtual-interfaces', ['net1,net2']),
);

const sidecar = fc.tuple(
  maybe(`${SIDECAR}/interceptionMode`, ['REDIRECT', 'TPROXY', 'NONE', 'bogus'], 2),
  maybe(`${SIDECAR}/proxyCPU`, ['100m', '0.5', '2000m', 'lots']),
  maybe(`${SIDECAR}/proxyMemory`, ['128Mi', '1Gi', '1024Mi']),
  maybe(`${SIDECAR}/proxyCPULimit`, ['1', '1500m']),
  maybe(`${SIDECAR}/proxyMemoryLimit`, ['512Mi', '2Gi']),
  maybe(`${SIDECAR}/proxyImage`, ['docker.io/istio/proxyv2:1.30.0', 'proxyv2-custom']),
  maybe(`${SIDECAR}/proxyImageType`, ['distroless', 'debug']),
  maybe(`${SIDECAR}/logLevel`, ['debug', 'info', 'error']),
  maybe(`${SIDECAR}/componentLogLevel`, ['misc:error,upstream:debug']),
  maybe(`${SIDECAR}/agentLogLevel`, ['default:debug', 'dns:warn']),
  maybe(`${SIDECAR}/statsInclusionPrefixes`, ['cluster.outbound,listener']),
  maybe(`${SIDECAR}/statsInclusionSuffixes`, ['upstream_cx_active']),
  maybe(`${SIDECAR}/statsInclusionRegexps`, ['http.*']),
  maybe(`${SIDECAR}/rewriteAppHTTPProbers`, ['true', 'false', 'maybe']),
  maybe(`${SIDECAR}/userVolume`, [
    '{"extra":{"emptyDir":{}}}',
    '{"cfg":{"configMap":{"name":"c"}},"tmp":{"emptyDir":{"medium":"Memory"}}}',
    '[{"name":"extra","emptyDir":{}}]',
    'null',
    '{bad json',
  ]),
  maybe(`${SIDECAR}/userVolumeMount`, [
    '{"extra":{"mountPath":"/extra"}}',
    '{"cfg":{"mountPath":"/etc/cfg","readOnly":true}}',
    '[{"name":"extra","mountPath":"/extra"},{"mountPath":"/by-index"}]',
    '["x"]',
  ]),
  maybe(`${SIDECAR}/bootstrapOverride`, ['custom-bootstrap']),
  maybe('status.sidecar.istio.io/port', ['15020', '0', '15021', '8888', 'not-a-port'], 2),
  maybe('readiness.status.sidecar.istio.io/initialDelaySeconds', ['0', '5', 'x']),
  maybe('readiness.status.sidecar.istio.io/periodSeconds', ['3', '0']),
  maybe('readiness.status.sidecar.istio.io/failureThreshold', ['10']),
  maybe(`${SIDECAR}/capNetBindService`, ['true', 'false']),
  maybe(`${SIDECAR}/nativeSidecar`, ['true', 'false']),
  maybe(`${SIDECAR}/inject`, ['true', 'false', 'yes']),
);

const proxyConfigs = [
  '{"holdApplicationUntilProxyStarts": true}',
  'holdApplicationUntilProxyStarts: false\nconcurrency: 2',
  '{"proxyMetadata": {"ISTIO_META_DNS_CAPTURE": "true", "BOOTSTRAP_XDS_AGENT": "true"}}',
  '{"interceptionMode": "TPROXY"}',
  '{"terminationDrainDuration": "30s", "proxyStatsMatcher": {"inclusionPrefixes": ["cluster"]}}',
  '{"image": {"imageType": "distroless"}}',
  '{"concurrency": "two"}',
];

const other = fc.tuple(
  maybe('proxy.istio.io/config', proxyConfigs, 2),
  maybe('prometheus.io/scrape', ['true', 'false']),
  maybe('prometheus.io/port', ['9090', '8080', '15020', '0']),
  maybe('prometheus.io/path', ['/metrics', '/stats/prometheus']),
  maybe('prometheus.istio.io/merge-metrics', ['true', 'false']),
  maybe('inject.istio.io/templates', ['sidecar', 'gateway', 'grpc-agent', 'grpc-simple', 'sidecar,grpc-agent', 'nope'], 3),
  maybe('kubectl.kubernetes.io/default-container', ['web', 'app']),
  maybe('kubectl.kubernetes.io/default-logs-container', ['app']),
);

export const annotations: fc.Arbitrary<Strs> = fc.tuple(traffic, sidecar, other).map((groups) => Object.assign({}, ...groups.flat()) as Strs);

export const labels: fc.Arbitrary<Strs> = fc
  .tuple(
    maybe('app', ['shop', 'reviews'], 12),
    maybe('version', ['v1', 'v2'], 4),
    maybe('app.kubernetes.io/name', ['catalog']),
    maybe('app.kubernetes.io/version', ['1.2.3']),
    maybe('service.istio.io/canonical-name', ['cart']),
    maybe('service.istio.io/canonical-revision', ['r7']),
    maybe('security.istio.io/tlsMode', ['disabled']),
    maybe('topology.istio.io/network', ['network-2']),
    maybe('sidecar.istio.io/inject', ['true', 'false']),
    maybe('istio.io/rev', ['canary', 'default']),
    maybe('istio', ['ingressgateway']),
    maybe('service.istio.io/workload-name', ['shop-workload']),
  )
  .map((groups) => Object.assign({}, ...groups) as Strs);
