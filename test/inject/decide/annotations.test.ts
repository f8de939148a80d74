// Bad input is denied with a reason that names the annotation, its setting and the value (§9).
import { describe, expect, it } from 'vitest';
import { injector, pod } from '../helpers.js';

const BAD: ReadonlyArray<readonly [string, string, string]> = [
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', 'bad', 'includeIPRanges'],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0/8, 10.1.0.0/16', 'includeIPRanges'],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '*', 'excludeIPRanges'],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '10.0.0.300/8', 'excludeIPRanges'],
  ['traffic.sidecar.istio.io/includeInboundPorts', 'bad', 'includeInboundPorts'],
  ['traffic.sidecar.istio.io/includeInboundPorts', '70000', 'includeInboundPorts'],
  ['traffic.sidecar.istio.io/excludeInboundPorts', '*', 'excludeInboundPorts'],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', 'bad', 'excludeOutboundPorts'],
  ['traffic.sidecar.istio.io/excludeInterfaces', 'has space', 'excludeInterfaces'],
  ['traffic.sidecar.istio.io/kubevirtInterfaces', 'waytoolonginterfacename', 'kubevirtInterfaces'],
  ['istio.io/reroute-virtual-interfaces', 'a/b', 'rerouteVirtualInterfaces'],
  ['sidecar.istio.io/interceptionMode', 'IPVS', 'interceptionMode'],
  ['sidecar.istio.io/proxyCPU', 'lots', 'proxyCPU'],
  ['sidecar.istio.io/proxyMemoryLimit', '1GB', 'proxyMemoryLimit'],
  ['status.sidecar.istio.io/port', '-1', 'statusPort'],
  ['readiness.status.sidecar.istio.io/periodSeconds', '1.5', 'readinessPeriodSeconds'],
  ['prometheus.istio.io/merge-metrics', 'maybe', 'mergeMetrics'],
  ['proxy.istio.io/config', 'concurrency: many', 'proxyConfig'],
  ['proxy.istio.io/config', '[1, 2]', 'proxyConfig'],
];

const GOOD: ReadonlyArray<readonly [string, string]> = [
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', '*'],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', ''],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', '127.0.0.1/24,fd00::/8,::ffff:10.0.0.1/128'],
  ['traffic.sidecar.istio.io/includeInboundPorts', ''],
  ['traffic.sidecar.istio.io/includeInboundPorts', ' 80, 443 '],
  ['traffic.sidecar.istio.io/includeOutboundPorts', 'not-validated'],
  ['sidecar.istio.io/proxyCPU', '1.5'],
  ['sidecar.istio.io/proxyMemory', '128Mi'],
  ['status.sidecar.istio.io/port', '0'],
  ['proxy.istio.io/config', '{ "holdApplicationUntilProxyStarts": true }'],
];

describe('annotation validation', () => {
  it.each(BAD)('%s=%j is denied', async (annotation, value, setting) => {
    const out = (await injector()).inject({ pod: pod({ annotations: { [annotation]: value } }) });
    expect(out.kind).toBe('deny');
    if (out.kind !== 'deny') return;
    expect(out.reason).toBe('invalid_annotation');
    expect(out.message).toContain(annotation);
    expect(out.message).toContain(`(${setting})`);
    expect(out.message.toLowerCase()).toContain(setting.toLowerCase());
  });

  it.each(GOOD)('%s=%j is accepted', async (annotation, value) => {
    expect((await injector()).inject({ pod: pod({ annotations: { [annotation]: value } }) }).kind).toBe('inject');
  });

  it('reports every bad annotation at once, with the values', async () => {
    const out = (await injector()).inject({
      pod: pod({ annotations: { 'traffic.sidecar.istio.io/includeInboundPorts': 'x', 'traffic.sidecar.istio.io/excludeOutboundPorts': 'y' } }),
    });
    expect(out.kind === 'deny' && out.message).toMatch(/excludeOutboundPorts.*"y".*;.*includeInboundPorts.*"x"/);
  });
});

describe('other denials', () => {
  it('an unknown template is denied, listing the known ones', async () => {
    const out = (await injector()).inject({ pod: pod({ annotations: { 'inject.istio.io/templates': 'sidecar, mystery' } }) });
    expect(out).toMatchObject({ kind: 'deny', reason: 'unknown_template' });
    expect(out.kind === 'deny' && out.message).toContain('"mystery"');
    expect(out.kind === 'deny' && out.message).toContain('gateway, grpc-agent, grpc-simple, sidecar');
  });

  it.each([
    ['proxy.istio.io/overrides', '{not json', 'invalid_overrides'],
    ['sidecar.istio.io/userVolume', '[broken', 'invalid_annotation'],
    ['prometheus.io/port', 'http', 'invalid_prometheus'],
    ['prometheus.io/port', '15090', 'invalid_prometheus'],
    ['prometheus.istio.io/scrape-targets', '9090:/m,99999', 'invalid_prometheus'],
  ])('%s=%j is denied (%s)', async (annotation, value, reason) => {
    const out = (await injector()).inject({ pod: pod({ annotations: { [annotation]: value } }) });
    expect(out).toMatchObject({ kind: 'deny', reason });
    expect(out.kind === 'deny' && out.message).toContain(annotation.includes('prometheus') ? 'prometheus' : annotation);
  });

  it('an object that is not a Pod is denied', async () => {
    expect((await injector()).inject({ pod: { kind: 'Pod', metadata: {} } })).toMatchObject({ kind: 'deny', reason: 'invalid_pod' });
  });

  it('an unparseable status annotation means "not injected yet"', async () => {
    const out = (await injector()).inject({ pod: pod({ annotations: { 'sidecar.istio.io/status': '{oops' } }) });
    expect(out.kind).toBe('inject');
  });
});
