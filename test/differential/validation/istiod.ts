// istiod's validating webhook, through the Istio harness (test/differential/istio, built by
// ../harness.ts into ~/.cache/meshgate-differential). This file speaks the harness's batch
// protocol (JSON lines) itself, so it also works with a binary named by MESHGATE_ISTIO_HARNESS.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Progress } from '../../e2e/cluster/progress.js';
import { ensureHarness } from '../harness.js';

export interface IstiodVerdict {
  readonly allowed: boolean;
  readonly message: string;
}

export interface Istiod {
  validate(object: Record<string, unknown>): Promise<IstiodVerdict>;
  close(): Promise<void>;
}

/** The harness binary: MESHGATE_ISTIO_HARNESS, else the one ../harness.ts builds (or finds in its cache). */
export async function harnessBinary(progress: Progress): Promise<string> {
  return process.env['MESHGATE_ISTIO_HARNESS'] ?? ensureHarness(progress);
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
