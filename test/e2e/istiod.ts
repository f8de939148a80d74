// Istio's own injector beside meshgate: the differential harness's `serve` (inject.NewWebhook as
// istiod builds it, over HTTPS on 127.0.0.1) standing in for istiod, with istiod's injector
// configuration (test/data/istiod, as istioctl renders it) pointed at it. And `meshgate check`
// run against the e2e cluster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, waitFor } from './cluster/net.js';
import { run, startDaemon, type Daemon, type RunResult } from './cluster/proc.js';
import { REPO_ROOT } from './cluster/versions.js';
import { e2e } from './support.js';

const ISTIOD_MWC = join(REPO_ROOT, 'test', 'data', 'istiod', 'istio-sidecar-injector.yaml');

export interface Istiod {
  readonly url: string;
  readonly caFile: string;
  readonly logFile: string;
  readonly daemon: Daemon;
  /** Pod names Istio's injector was asked about (from its log). */
  calls(): string[];
  stop(): Promise<void>;
}

export async function startIstiod(dir: string): Promise<Istiod> {
  const port = await freePort();
  const caFile = join(dir, 'istiod-ca.crt');
  const logFile = join(dir, 'istiod.log');
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--ca-out', caFile, '--values', e2e().valuesFile, '--native-sidecars=true', '--log-level', 'info'];
  const binary = e2e().istioHarness;
  if (!binary) throw new Error('this run has no Istio harness (the kustomize e2e setup builds it)');
  const daemon = startDaemon({ name: 'istio-harness', cmd: binary, args, logFile, cwd: REPO_ROOT });
  await waitFor(async () => readFileSync(logFile, 'utf8').includes('listening on https://'), {
    what: "Istio's injector (istio-harness serve)",
    timeoutMs: 30_000,
    intervalMs: 200,
    abortIf: () => (daemon.isRunning() ? undefined : `exited:\n${daemon.logTail(20)}`),
  });
  return {
    url: `https://127.0.0.1:${port}`,
    caFile,
    logFile,
    daemon,
    // istiod logs one "Process sidecar injection request" line per call, with pod=<ns>/<name>.
    calls: () => [...readFileSync(logFile, 'utf8').matchAll(/Process sidecar injection request.*?pod=(\S+)/g)].map((m) => m[1] ?? ''),
    stop: () => daemon.stop(),
  };
}

/** istiod's injector configuration, calling the harness at `url`. */
export function istiodWebhooks(istiod: Pick<Istiod, 'url' | 'caFile'>): string {
  const doc = parse(readFileSync(ISTIOD_MWC, 'utf8')) as { webhooks: { clientConfig: unknown }[] };
  const caBundle = Buffer.from(readFileSync(istiod.caFile)).toString('base64');
  for (const w of doc.webhooks) w.clientConfig = { url: `${istiod.url}/inject`, caBundle };
  return stringify(doc);
}

export interface CheckResult extends RunResult {
  readonly report: {
    summary: { errors: number; warnings: number; passed: boolean };
    findings: { check: string; status: string; subject: string; message: string }[];
    namespaces: { name: string; message: string }[];
    pods: { namespace: string; name: string; status: string; message: string }[];
  };
}

/** `meshgate check -o json` against the e2e cluster with the admin kubeconfig. */
export async function meshgateCheck(args: readonly string[] = []): Promise<CheckResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESHGATE_') && k !== 'KUBECONFIG'));
  const res = await run(process.execPath, [join(REPO_ROOT, 'bin', 'meshgate.js'), 'check', '--kubeconfig', e2e().kubeconfig, '-o', 'json', ...args], {
    cwd: REPO_ROOT,
    env,
    timeoutMs: 60_000,
  });
  let report: CheckResult['report'];
  try {
    report = JSON.parse(res.stdout) as CheckResult['report'];
  } catch {
    throw new Error(`meshgate check exited ${res.code} without a JSON report:\n${res.stderr}\n${res.stdout}`);
  }
  return { ...res, report };
}

/** The findings of a check as `STATUS subject: message` lines (what a failing expectation shows). */
export function findingLines(r: CheckResult, statuses: readonly string[] = ['error', 'warning']): string[] {
  return r.report.findings.filter((f) => statuses.includes(f.status)).map((f) => `${f.status.toUpperCase()} ${f.subject}: ${f.message}`);
}
