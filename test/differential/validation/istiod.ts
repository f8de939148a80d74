// istiod's validating webhook, through the Istio harness (test/differential/istio, built by
// ../harness.ts into ~/.cache/meshgate-differential). This file speaks the harness's batch
// protocol (JSON lines) itself, so it also works with a binary named by MESHGATE_ISTIO_HARNESS.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Progress } from '../../e2e/cluster/progress.js';

export interface IstiodVerdict {
  readonly allowed: boolean;
  readonly message: string;
}

export interface Istiod {
  validate(object: Record<string, unknown>): Promise<IstiodVerdict>;
  close(): Promise<void>;
}

interface HarnessModule {
  ensureHarness(progress: Progress): Promise<string>;
}

function cachedBinary(): string | undefined {
  const root = process.env['MESHGATE_DIFFERENTIAL_CACHE'] ?? join(homedir(), '.cache', 'meshgate-differential');
  if (!existsSync(root)) return undefined;
  const found = readdirSync(root).flatMap((v) => readdirSync(join(root, v)).map((d) => join(root, v, d, 'istio-harness'))).filter((f) => existsSync(f));
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** The harness binary: MESHGATE_ISTIO_HARNESS, else ../harness.ts builds (or finds) it, else the newest cached one. */
export async function harnessBinary(progress: Progress): Promise<string> {
  const named = process.env['MESHGATE_ISTIO_HARNESS'];
  if (named) return named;
  const module = new URL('../harness.ts', import.meta.url);
  if (existsSync(module)) {
    const harness = (await import(pathToFileURL(module.pathname).href)) as HarnessModule;
    return harness.ensureHarness(progress);
  }
  const cached = cachedBinary();
  if (!cached) throw new Error('no Istio harness: build test/differential/istio (see its README) or set MESHGATE_ISTIO_HARNESS');
  return cached;
}

interface Response {
  readonly id: number;
  readonly outcome: string;
  readonly message?: string;
  readonly results?: readonly { readonly allowed: boolean; readonly message?: string }[];
}

export function startIstiod(binary: string): Istiod {
  const child: ChildProcessWithoutNullStreams = spawn(binary, ['batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  const waiting = new Map<number, (r: Response) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const r = JSON.parse(line) as Response;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  let id = 0;
  return {
    validate: (object) =>
      new Promise((resolve) => {
        const mine = ++id;
        waiting.set(mine, (r) => {
          const first = r.results?.[0];
          if (r.outcome !== 'ok' || !first) resolve({ allowed: r.outcome !== 'denied', message: r.message ?? r.outcome });
          else resolve({ allowed: first.allowed, message: first.message ?? '' });
        });
        child.stdin.write(`${JSON.stringify({ id: mine, op: 'validate', input: JSON.stringify(object), namespace: 'default' })}\n`);
      }),
    close: async () => {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    },
  };
}
