// Benchmark of `meshgate analyze` on a large input: a generated mesh of N objects (default
// 5,000) across many namespaces — workloads, Services, DestinationRules, VirtualServices, Istio
// Gateways, Gateway API Gateways, HTTPRoutes, ReferenceGrants, Sidecars and policies, with a few
// planted mistakes — timed two ways: the analysis alone (in process, median of rounds) and the
// whole command (YAML file → report): in process, in CPU and wall time (CPU time stays
// meaningful when other work shares the machine), and once as a cold `node` process (wall
// time, Node's start-up included). Goal: under 2 s for 5,000 objects.
// Uses the production build: `npm run build` first (npm run bench:analyze does).
//   node bench/analyze.mjs [--objects N] [--rounds N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values: opts } = parseArgs({ options: { objects: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '5' } } });
const target = Number(opts.objects);
const { analyze } = await import(pathToFileURL(join(root, 'dist', 'analyze', 'index.js')).href);
const { main } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);

const md = (name, namespace, labels) => ({ name, namespace, ...(labels ? { labels } : {}) });

/** One team namespace: an app of three services with two versions each, routed in the mesh and at the edge. */
function team(i) {
  const ns = `team-${i}`;
  const out = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled', shared: 'yes' } } }];
  for (const svc of ['web', 'api', 'db']) {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: md(svc, ns), spec: { selector: { app: svc }, ports: [{ name: 'http', port: 8080 }] } });
    for (const v of ['v1', 'v2']) {
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: md(`${svc}-${v}`, ns),
        spec: {
          selector: { matchLabels: { app: svc, version: v } },
          template: { metadata: { labels: { app: svc, version: v } }, spec: { containers: [{ name: svc, image: `example/${svc}:${v}` }] } },
        },
      });
    }
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: md(svc, ns),
      spec: {
        host: svc,
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    });
    // Every 50th team routes to a subset that does not exist: the analysis has something to find.
    const canary = i % 50 === 0 && svc === 'api' ? 'v3' : 'v2';
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: md(svc, ns),
      spec: {
        hosts: [svc],
        http: [
          {
            route: [
              { destination: { host: svc, subset: 'v1' }, weight: 90 },
              { destination: { host: svc, subset: canary }, weight: 10 },
            ],
          },
        ],
      },
    });
  }
  out.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: md('edge', ns),
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${ns}.example.com`] }] },
  });
  out.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: md('edge', ns),
    spec: { hosts: [`${ns}.example.com`], gateways: ['edge'], http: [{ route: [{ destination: { host: 'web' } }] }] },
  });
  out.push({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: md('api', ns),
    spec: {
      parentRefs: [{ name: 'shared', namespace: 'infra' }],
      hostnames: [`api.${ns}.example.com`],
      rules: [
        {
          backendRefs: [
            { name: 'api', port: 8080 },
            { name: 'db', namespace: `team-${i + 1}`, port: 8080 },
          ],
        },
      ],
    },
  });
  out.push({
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: md('from-neighbour', ns),
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: `team-${i - 1}` }], to: [{ group: '', kind: 'Service' }] },
  });
  out.push({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: md('default', ns), spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } });
  out.push({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: md('api', ns),
    spec: { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { namespaces: [ns] } }] }] },
  });
  return out;
}

function mesh(n) {
  const objects = [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'istio' }, spec: { controllerName: 'istio.io/gateway-controller' } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: md('shared', 'infra'),
      spec: {
        gatewayClassName: 'istio',
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } } }],
      },
    },
  ];
  for (let i = 1; objects.length < n; i++) objects.push(...team(i));
  return objects.slice(0, n);
}

const objects = mesh(target);
const kinds = new Set(objects.map((o) => o.kind)).size;

// The analysis alone, warm, median of rounds.
analyze(objects);
const times = [];
let found = 0;
for (let r = 0; r < Number(opts.rounds); r++) {
  const start = process.hrtime.bigint();
  found = analyze(objects).length;
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];

// The whole command: a YAML file of all objects → JSON report.
const dir = mkdtempSync(join(tmpdir(), 'meshgate-bench-analyze-'));
const file = join(dir, 'mesh.yaml');
writeFileSync(file, objects.map((o) => stringify(o, { version: '1.1' })).join('---\n'));

async function command() {
  let out = '';
  const io = {
    stdout: (t) => {
      out += t;
    },
    stderr: () => {},
    cwd: dir,
    env: {},
    readStdin: async () => '',
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await main(['analyze', '-f', file, '-o', 'json'], io);
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000, found: JSON.parse(out).length };
}
await command();
const runs = [];
for (let r = 0; r < Number(opts.rounds); r++) runs.push(await command());
runs.sort((a, b) => a.cpu - b.cpu);
const cmd = runs[Math.floor(runs.length / 2)];

const cliStart = process.hrtime.bigint();
let report = '';
try {
  report = execFileSync(process.execPath, [join(root, 'bin', 'meshgate.js'), 'analyze', '-f', file, '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
} catch (e) {
  report = e.stdout; // exit 1: the planted findings
}
const cliMs = Number(process.hrtime.bigint() - cliStart) / 1e6;
const cliFound = JSON.parse(report).length;

console.log(`objects: ${objects.length} (${kinds} kinds, ${(Buffer.byteLength(readFileSync(file)) / 1e6).toFixed(1)} MB of YAML), findings: ${found}`);
console.log(`analysis alone (in process, median of ${times.length}): ${median.toFixed(0)} ms wall`);
console.log(
  `meshgate analyze -f mesh.yaml -o json, in process (read, parse, analyse, report; median of ${runs.length}): ${cmd.cpu.toFixed(0)} ms CPU, ${cmd.wall.toFixed(0)} ms wall`,
);
console.log(`the same as a cold node process (start-up included): ${cliMs.toFixed(0)} ms wall, ${cliFound} findings`);
console.log(`machine load (1 min): ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
const ok = cmd.cpu < 2000 && cliFound === found && cmd.found === found;
console.log(ok ? 'within the 2 s goal (CPU time of the whole command)' : 'OVER the 2 s goal (or the command and the library disagree)');
process.exitCode = ok ? 0 : 1;
