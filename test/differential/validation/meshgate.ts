// meshgate's two ways in: the CLI (`meshgate validate -o json` on all documents at once, the
// production build) and the webhook (POST /validate through the real app, given the object the
// API server stored, as the API server would send it after its own checks).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { REPO_ROOT } from '../../e2e/cluster/versions.js';
import { testApp } from '../../helpers/app.js';

export interface MeshgateVerdict {
  readonly valid: boolean;
  readonly checked: boolean;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

/** Every document through `meshgate validate -o json`, in order. */
export function runCli(objects: readonly Record<string, unknown>[]): MeshgateVerdict[] {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-vdiff-'));
  try {
    const file = join(dir, 'corpus.yaml');
    writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    const res = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'meshgate.js'), 'validate', '-o', 'json', '-f', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const entries = JSON.parse(res.stdout) as MeshgateVerdict[];
    if (entries.length !== objects.length) throw new Error(`meshgate validate printed ${entries.length} entries for ${objects.length} documents: ${res.stderr.slice(0, 500)}`);
    return entries;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Webhook {
  validate(object: Record<string, unknown>, plural: string): Promise<MeshgateVerdict>;
  close(): Promise<void>;
}

export function startWebhook(): Webhook {
  const { app } = testApp();
  return {
    validate: async (object, plural) => {
      const [group, version] = String(object['apiVersion']).split('/');
      const review = {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: {
          uid: '00000000-0000-4000-8000-000000000000',
          operation: 'CREATE',
          dryRun: true,
          kind: { group, version, kind: object['kind'] },
          resource: { group, version, resource: plural },
          namespace: 'default',
          name: (object['metadata'] as Record<string, unknown> | undefined)?.['name'] ?? '',
          object,
        },
      };
      const res = await (app as FastifyInstance).inject({ method: 'POST', url: '/validate', payload: review });
      const body = res.json() as { response: { allowed: boolean; status?: { message?: string } } };
      const message = body.response.status?.message ?? '';
      return { valid: body.response.allowed, checked: true, errors: message ? [{ path: '', message }] : [] };
    },
    close: () => app.close(),
  };
}
