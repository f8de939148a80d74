// A burst of large Pods against a real `meshgate serve` process with the Deployment's own
// NODE_OPTIONS (read from manifests/deployment.yaml): 40 concurrent ~6 MiB Pods beside a steady
// stream of small ones. Without the in-flight limits this ran the process out of heap (and past
// the container's memory limit); now every large Pod is either injected or answered 429, no small
// request fails, the process lives, and its peak RSS (VmHWM) stays under the container's limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { https, postJSON, startServer, ROOT, type HttpResult, type ServerProcess } from '../helpers/server-process.js';

interface Container {
  readonly env?: readonly { name: string; value?: string }[];
  readonly resources?: { limits?: { memory?: string } };
}

interface DeploymentDoc {
  readonly kind?: string;
  readonly spec?: { template?: { spec?: { containers?: Container[] } } };
}

interface PodReview {
  request: { uid: string; object: { spec: { containers: { env?: unknown[] }[] } } };
}

/** NODE_OPTIONS and the memory limit of the meshgate container in the shipped Deployment. */
function deploymentRuntime(): { nodeOptions: string; memoryLimitBytes: number } {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'manifests', 'deployment.yaml'), 'utf8')).map((d) => d.toJSON() as DeploymentDoc | null);
  const deployment = docs.find((d) => d?.kind === 'Deployment');
  const container = deployment?.spec?.template?.spec?.containers?.[0];
  const nodeOptions = container?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const memory = /^(\d+)Mi$/.exec(container?.resources?.limits?.memory ?? '');
  if (!nodeOptions || !memory) throw new Error('manifests/deployment.yaml: no NODE_OPTIONS or memory limit in Mi on the meshgate container');
  return { nodeOptions, memoryLimitBytes: Number(memory[1]) * 1024 * 1024 };
}

const POD_REVIEW = JSON.parse(readFileSync(join(ROOT, 'examples', 'admissionreview-pod.json'), 'utf8')) as PodReview;

function largePodReview(i: number): string {
  const review = structuredClone(POD_REVIEW);
  const container = review.request.object.spec.containers[0];
  if (!container) throw new Error('examples/admissionreview-pod.json has no container');
  review.request.uid = `large-${i}`;
  container.env = Array.from({ length: 58_000 }, (_, n) => ({ name: `VAR_${n}`, value: 'v'.repeat(80) }));
  return JSON.stringify(review);
}

/** Why an answer to an injection request is not a correct injection ('' when it is). */
function injectionProblem(r: HttpResult, uid: string): string {
  if (r.status !== 200) return `HTTP ${r.status}: ${r.body.slice(0, 200)}`;
  const response = (JSON.parse(r.body) as { response?: { uid?: string; allowed?: boolean; patch?: string } }).response;
  if (response?.uid !== uid) return 'uid not echoed';
  if (response.allowed !== true || !response.patch) return 'not injected';
  return Buffer.from(response.patch, 'base64').toString().includes('istio-proxy') ? '' : 'patch without istio-proxy';
}

/** Why a refused large request is not a clean shed ('' when it is). */
function shedProblem(r: HttpResult & { retryAfter?: string }): string {
  const body = JSON.parse(r.body) as { reason?: string; code?: number; message?: string };
  if (r.retryAfter !== '1') return `Retry-After ${String(r.retryAfter)}`;
  if (body.reason !== 'TooManyRequests' || body.code !== 429) return `body ${r.body.slice(0, 200)}`;
  // One line that says why.
  return /^meshgate is at its in-flight limit [^\n]*$/.test(body.message ?? '') ? '' : `message ${String(body.message)}`;
}

function postWithHeaders(port: number, body: string): Promise<HttpResult & { retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    void import('node:https').then(({ request }) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/inject', method: 'POST', rejectUnauthorized: false, agent: false, headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const retry = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(typeof retry === 'string' ? { retryAfter: retry } : {}) });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    }, reject);
  });
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('a burst of large Pods', () => {
  it('is injected or shed with 429, fails no small request, and keeps the process alive and under its memory limit', async () => {
    const runtime = deploymentRuntime();
    server = await startServer([], { NODE_OPTIONS: runtime.nodeOptions });
    const s = server;
    const pid = s.child.pid ?? 0;
    const limits = s.logs().find((l) => l['msg'] === 'admission limits');
    expect(limits).toMatchObject({ derivedFrom: 'max-old-space-size' });
    const bodies = Array.from({ length: 40 }, (_, i) => largePodReview(i));
    expect(bodies[0]?.length).toBeGreaterThan(6 * 1024 * 1024);

    let burstDone = false;
    let peakRss = memoryOf(pid).rss;
    const sampler = setInterval(() => {
      if (s.child.exitCode === null) peakRss = Math.max(peakRss, memoryOf(pid).rss);
    }, 20);
    const small = { ok: 0, failed: [] as string[] };
    const smallStream = async (): Promise<void> => {
      while (!burstDone) {
        try {
          const problem = injectionProblem(await postJSON(s.port, '/inject', POD_REVIEW), POD_REVIEW.request.uid);
          if (problem) small.failed.push(problem);
          else small.ok++;
        } catch (e) {
          small.failed.push((e as Error).message);
        }
      }
    };
    const streams = Promise.all(Array.from({ length: 3 }, smallStream));
    const large = await Promise.allSettled(bodies.map((b) => postWithHeaders(s.port, b)));
    burstDone = true;
    await streams;
    clearInterval(sampler);

    const answered = large.filter((r) => r.status === 'fulfilled' && r.value.status === 200);
    const shed = large.filter((r) => r.status === 'fulfilled' && r.value.status === 429);
    const problems = large
      .map((r, i) => {
        if (r.status === 'rejected') return `large-${i}: ${(r.reason as Error).message}`;
        const p = r.value.status === 429 ? shedProblem(r.value) : injectionProblem(r.value, `large-${i}`);
        return p ? `large-${i}: ${p}` : '';
      })
      .filter((p) => p !== '');
    const { hwm } = memoryOf(pid);
    const metrics = (await https(s.port, { path: '/metrics' })).body;
    console.log(
      `burst: ${answered.length} large Pods injected, ${shed.length} shed with 429; ${small.ok} small requests, ${small.failed.length} failed; peak RSS ${(Math.max(peakRss, hwm) / 2 ** 20).toFixed(1)} MiB (VmHWM ${(hwm / 2 ** 20).toFixed(1)}) of ${runtime.memoryLimitBytes / 2 ** 20} MiB; NODE_OPTIONS ${runtime.nodeOptions}`,
    );

    expect(s.child.exitCode).toBeNull();
    expect(problems).toEqual([]);
    expect(answered.length + shed.length).toBe(40);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(small.failed).toEqual([]);
    expect(small.ok).toBeGreaterThan(0);
    expect(Math.max(peakRss, hwm)).toBeLessThan(runtime.memoryLimitBytes);
    const shedTotal = [...metrics.matchAll(/^meshgate_admission_shed_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(shedTotal).toBe(shed.length);
    expect(metrics).toMatch(/^meshgate_admission_inflight_bytes 0$/m);
    expect((await https(s.port, { path: '/healthz' })).status).toBe(200);
  }, 180_000);
});
