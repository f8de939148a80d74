// `npm run bench -- --peer istio`: Istio's own injection and validation webhooks (the
// differential harness's `serve`, built from the istio.io/istio module the suite pins) started
// beside meshgate on 127.0.0.1, so both serve the same payloads on the same machine.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../scripts/lib.mjs';

/** The harness binary, built first when the cache lacks it (through the suite's TypeScript helper). */
function harnessBinary(log) {
  log('finding or building the Istio harness (npm run test:differential -- --build-only)');
  const res = spawnSync(process.execPath, [join(ROOT, 'test', 'differential', 'run.mjs'), '--build-only'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = /^istio-harness: (.+)$/m.exec(res.stdout ?? '')?.[1];
  if (res.status !== 0 || !path) throw new Error(`could not build the Istio harness (exit ${res.status})`);
  return path;
}

/** Starts `istio-harness serve` on a free loopback port, logging at istiod's default level. */
export async function startIstioPeer(log) {
  const binary = harnessBinary(log);
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--native-sidecars=true', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('istio-harness serve did not start in 60 s')), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^listening on https:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(({ code, signal }) => reject(new Error(`istio-harness serve exited (${signal ?? code}) before it listened`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { port, pid: child.pid, binary, stop };
}
