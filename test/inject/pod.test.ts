// The injector's typed Pod accessors: what each reads from raw Pod JSON, and what it gives for
// fields that are absent or of the wrong type.
import { describe, expect, it } from 'vitest';
import { containerNamed, containersIn, handlerAction, podAnnotations, podFromRequest, podLabels, podMetadata, podSpec } from '../../src/inject/pod.js';

const POD = {
  metadata: { name: 'web', labels: { app: 'web', tier: 3 }, annotations: { 'sidecar.istio.io/inject': 'true' } },
  spec: { containers: [{ name: 'app' }, 'not a container', { name: 'istio-proxy' }], initContainers: [{ name: 'init' }] },
};

describe('Pod accessors', () => {
  it('read metadata, labels (scalars as strings) and annotations', () => {
    expect(podMetadata(POD)['name']).toBe('web');
    expect(podLabels(POD)).toEqual({ app: 'web', tier: '3' });
    expect(podAnnotations(POD)).toEqual({ 'sidecar.istio.io/inject': 'true' });
  });

  it('give empty values for absent or malformed fields', () => {
    expect(podSpec({ spec: [] })).toEqual({});
    expect(podMetadata(null)).toEqual({});
    expect(podLabels({ metadata: { labels: 'x' } })).toEqual({});
    expect(containersIn({}, 'containers')).toEqual([]);
  });

  it('list containers without the entries that are not objects, and find one by name', () => {
    expect(containersIn(POD.spec, 'containers').map((c) => c['name'])).toEqual(['app', 'istio-proxy']);
    expect(containerNamed(POD.spec, 'initContainers', 'init')).toEqual({ name: 'init' });
    expect(containerNamed(POD.spec, 'initContainers', 'istio-proxy')).toBeUndefined();
  });

  it('read a probe handler action, and copy the request object without sharing it', () => {
    expect(handlerAction({ httpGet: { port: 8080 } }, 'httpGet')).toEqual({ port: 8080 });
    expect(handlerAction({ httpGet: { port: 8080 } }, 'tcpSocket')).toEqual({});
    const raw = { kind: 'Pod' };
    const pod = podFromRequest(raw);
    expect(pod).toEqual(raw);
    expect(pod).not.toBe(raw);
  });
});
