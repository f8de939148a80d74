// Times the WebAssembly build of main.go (see README.md): load, parse, and per-render CPU
// with and without decoding the Pod into Go structs. Needs Go (to build) and the Istio module
// in the module cache (for the template text).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
const wasm = join(here, 'spike.wasm');
if (!existsSync(wasm)) execFileSync('go', ['build', '-o', wasm, '.'], { cwd: here, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' }, stdio: 'inherit' });
createRequire(import.meta.url)(join(goroot, 'lib', 'wasm', 'wasm_exec.js'));
const t0 = performance.now();
const go = new globalThis.Go();
const { instance } = await WebAssembly.instantiate(readFileSync(wasm), go.importObject);
void go.run(instance);
const t1 = performance.now();
const pin = /istio\.io\/istio\s+(v\S+)/.exec(readFileSync(join(root, 'test', 'differential', 'istio', 'go.mod'), 'utf8'))[1];
const tpl = readFileSync(join(modcache, `istio.io/istio@${pin}`, 'manifests/charts/istio-control/istio-discovery/files/injection-template.yaml'), 'utf8');
const err = globalThis.goParse(tpl);
if (err) throw new Error(err);
const review = JSON.parse(readFileSync(join(root, 'bench', 'data', 'inject-5kb.json'), 'utf8'));
const values = {
  global: {
    hub: 'docker.io/istio',
    tag: '1.31.0',
    proxy: {
      image: 'proxyv2',
      statusPort: 15020,
      excludeInboundPorts: '',
      includeIPRanges: '*',
      excludeIPRanges: '',
      includeInboundPorts: '*',
      clusterDomain: 'cluster.local',
      logLevel: 'warning',
      componentLogLevel: 'misc:error',
      privileged: false,
      readinessInitialDelaySeconds: 0,
      readinessPeriodSeconds: 15,
      readinessFailureThreshold: 4,
      startupProbe: { enabled: true, failureThreshold: 600 },
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    },
    proxy_init: { image: 'proxyv2' },
    logging: { level: 'default:info' },
    istioNamespace: 'istio-system',
    pilotCertProvider: 'istiod',
    sds: { token: { aud: 'istio-ca' } },
    sts: { servicePort: 0 },
    multiCluster: { clusterName: '' },
  },
  pilot: { cni: { enabled: false } },
  revision: '',
};
const input = () =>
  JSON.stringify({ pod: review.request.object, values, mesh: { defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' }, trustDomain: 'cluster.local' } });
const out = globalThis.goRender(input());
if (out.startsWith('ERR')) throw new Error(out);
const cpu = (f, n = 300) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const c = process.cpuUsage(c0);
  return Math.round((c.user + c.system) / n);
};
cpu(() => globalThis.goRender(input()), 50);
console.log(`wasm ${(readFileSync(wasm).length / 1e6).toFixed(1)} MB, load ${(t1 - t0).toFixed(0)} ms`);
console.log(`decode + execute: ${cpu(() => globalThis.goRender(input()))} µs CPU per render`);
console.log(`execute only: ${cpu(() => globalThis.goExec())} µs CPU per render`);
console.log(`RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
process.exit(0);
