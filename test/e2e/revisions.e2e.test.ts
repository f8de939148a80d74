// Revision tags on the real API server: `meshgate manifests --tag prod-stable --revision canary`
// renders the tag's configuration as `istioctl tag set` does; a Pod or namespace labelled
// istio.io/rev=prod-stable is injected by the canary meshgate with the canary configuration, and
// `meshgate check` and `meshgate explain` resolve the tag to its revision.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logRecords, meshgateCli } from './cluster/meshgate.js';
import { waitFor } from './cluster/net.js';
import { findingLines, meshgateCheck } from './istiod.js';
import { apply, createNamespace, e2e, expectInjected, getPod, kubectl, podManifest, sidecarStatus, uniqueName } from './support.js';

const TAG_MWC = 'meshgate-revision-tag-prod-stable';

function calledFor(ns: string, name: string, which: 'meshgate' | 'canary'): boolean {
  return logRecords(e2e()[which]).some((l) => l['msg'] === 'inject' && l['namespace'] === ns && l['name'] === name);
}

describe("revision tags (istio.io/rev=<tag> resolves to the tag's revision)", () => {
  afterAll(async () => {
    await kubectl().run(['delete', 'mutatingwebhookconfiguration', TAG_MWC, '--ignore-not-found']);
  });

  it("a Pod labelled with the tag is injected by the tagged revision, with that revision's configuration", async () => {
    const { canary } = e2e();
    const yaml = await meshgateCli(['manifests', '--url', canary.url, '--ca-bundle', canary.caFile, '--tag', 'prod-stable', '--revision', 'canary']);
    expect(yaml).toContain(`name: ${TAG_MWC}`);
    expect(yaml).toContain('istio.io/tag: prod-stable');
    await kubectl().ok(['apply', '-f', '-'], { input: yaml });
    const ns = await createNamespace('e2e-tag');
    // The API server picks up a new configuration asynchronously: retry until the tag's entry calls.
    let name = '';
    await waitFor(
      async () => {
        name = uniqueName('tagged');
        const res = await apply(podManifest(name, ns, { labels: { 'istio.io/rev': 'prod-stable' } }));
        if (res.code !== 0) throw new Error(res.stderr);
        return sidecarStatus(await getPod(ns, name)) !== undefined;
      },
      { what: "the tag's webhook entry calling the canary meshgate", timeoutMs: 30_000, intervalMs: 500 },
    );
    const pod = await getPod(ns, name);
    expectInjected(pod, canary.nativeSidecars);
    expect(sidecarStatus(pod)?.revision).toBe('canary');
    expect(pod.metadata.annotations?.['istio.io/rev']).toBe('canary');
    expect(calledFor(ns, name, 'canary')).toBe(true);
    expect(calledFor(ns, name, 'meshgate')).toBe(false);
    const line = logRecords(canary).find((l) => l['msg'] === 'inject' && l['name'] === name);
    expect(line).toMatchObject({ decision: 'inject', revision: 'canary', podRevision: 'prod-stable' });
  });

  it('a namespace labelled with the tag: check and explain resolve it to the revision', async () => {
    const ns = await createNamespace('e2e-tag-ns', { 'istio.io/rev': 'prod-stable' });
    const r = await meshgateCheck(['--namespace', ns]);
    expect(r.code, findingLines(r).join('\n')).toBe(0);
    expect(r.report.namespaces[0]?.message).toBe(
      `a Pod without injection labels is injected by ${TAG_MWC}/rev.namespace.sidecar-injector.meshgate.io (meshgate, revision canary through tag prod-stable)`,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-e2e-tag-')), 'pod.json');
    writeFileSync(file, JSON.stringify(podManifest('p', ns)));
    const explained = JSON.parse(
      await meshgateCli(['explain', '-f', file, '-o', 'json', '--revision', 'canary', '--tag', 'prod-stable', '--namespace-labels', 'istio.io/rev=prod-stable']),
    ) as { verdict: string; tag?: string; revision: string }[];
    expect(explained[0]).toMatchObject({ verdict: 'inject', revision: 'canary', tag: 'prod-stable' });
  });
});
