// Golden files: test/data/inject/<case>.yaml is injected by `meshgate inject` and compared with
// <case>.injected.yaml. Refresh with `npx vitest run test/inject -u` and review the diff.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTO_NATIVE_NOTE } from '../../src/cli/inject.js';
import { data, runCli } from './helpers.js';

interface Case {
  /** Extra command-line flags. */
  readonly flags?: readonly string[];
  readonly why: string;
}

const CASES: Readonly<Record<string, Case>> = {
  sleep: { why: 'a plain Deployment gets istio-init and a native istio-proxy' },
  'sleep-classic': { flags: ['--native-sidecars=false'], why: 'classic sidecar: istio-proxy last among containers' },
  'gateway-image-auto': { why: 'gateway template, image: auto resolved, user fields kept and recorded' },
  'canary-gateway': { flags: ['--revision', 'canary'], why: 'revision canary: istio.io/rev and CA address follow the revision' },
  'no-inbound-capture': { why: 'includeInboundPorts "" turns inbound capture off (-b "")' },
  'traffic-annotations': { why: 'traffic and resource annotations win over values; proxy config annotation over mesh' },
  probes: { why: 'HTTP/TCP/gRPC probes and lifecycle hooks rewritten to the agent; an unresolvable named port gets no prober entry' },
  prometheus: { why: 'prometheus annotations merged into ISTIO_PROMETHEUS_ANNOTATIONS and pointed at the agent' },
  overrides: { why: 'user istio-proxy fields win over the template and are recorded in proxy.istio.io/overrides' },
  'cni-multus': { why: 'CNI: istio-validation, CNI annotations, Multus network appended' },
  'hold-classic': { flags: ['--native-sidecars=false'], why: 'hold the application: istio-proxy first with postStart; network label; cluster env last' },
  tproxy: { why: 'TPROXY: -m TPROXY, proxy as root with NET_ADMIN' },
  'owner-replicaset': { why: 'a ReplicaSet-owned Pod reports its Deployment as owner and workload name' },
  cronjob: { flags: ['--native-sidecars=false'], why: 'CronJob metadata in jobTemplate.metadata; Job; classic sidecars' },
  'user-volumes': { why: 'userVolume annotations, values image pull secrets, mTLS cert mount' },
  'grpc-agent': { why: 'grpc-agent template: agent without Envoy, app containers pointed at its bootstrap' },
  'grpc-simple': { why: 'grpc-simple template: bootstrap init container, no proxy' },
  'list-and-passthrough': { why: 'a List: the Service passes through, the ReplicationController is injected' },
};

function configFlags(name: string): string[] {
  const flags: string[] = [];
  if (existsSync(data(`${name}.values.yaml`))) flags.push('--values', data(`${name}.values.yaml`));
  if (existsSync(data(`${name}.mesh.yaml`))) flags.push('--mesh', data(`${name}.mesh.yaml`));
  return flags;
}

describe('meshgate inject golden files', () => {
  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const r = await runCli(['inject', '-f', data(`${name}.yaml`), ...configFlags(name), ...(c.flags ?? [])]);
    // The only thing said on stderr: what --native-sidecars=auto (the default) means offline.
    const explicit = (c.flags ?? []).some((f) => f.startsWith('--native-sidecars'));
    expect(r.stderr).toBe(explicit ? '' : `meshgate inject: ${AUTO_NATIVE_NOTE}\n`);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(data(`${name}.injected.yaml`));
  });

  it.each(Object.keys(CASES))('%s: injecting the injected output changes nothing', async (name) => {
    const c = CASES[name] as Case;
    const again = await runCli(['inject', '-f', data(`${name}.injected.yaml`), ...configFlags(name), ...(c.flags ?? [])]);
    expect(again.code).toBe(0);
    const first = await runCli(['inject', '-f', data(`${name}.yaml`), ...configFlags(name), ...(c.flags ?? [])]);
    expect(again.stdout).toBe(first.stdout);
  });
});
