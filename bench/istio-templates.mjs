// The bench's "Istio's templates" configuration: the pinned Istio release's own injector config
// (Go templates), values and mesh config, as the differential harness renders them, and the
// server CPU a meshgate process spends per request with them next to the built-in templates.
// The harness is built by `npm run test:differential` (or `-- --build-only`; `npm run bench --
// --peer istio` builds it too); without it this part is skipped.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Istio's own webhook, measured on this project's machine: server CPU per request for a 4 KB Pod. */
export const ISTIO_WEBHOOK_CPU_US = 5552;

function harnessBinary(root) {
  const dir = join(root, 'test', 'differential', 'istio');
  const pin = /istio\.io\/istio\s+(v\S+)/.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1];
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((n) => /\.go$|^go\.(mod|sum)$/.test(n))
    .sort())
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(dir, f)))
      .update('\0');
  const cache = process.env.MESHGATE_DIFFERENTIAL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'meshgate-differential');
  const bin = join(cache, pin ?? '?', hash.digest('hex').slice(0, 12), 'istio-harness');
  return existsSync(bin) ? bin : undefined;
}

/**
 * Serve flags that load Istio's chart configuration, or undefined (with the reason) when the
 * harness is not built. `bin`: the harness already found or built (by --peer istio).
 */
export function istioTemplateFlags(root, bin = harnessBinary(root)) {
  if (!bin) return { reason: 'the Istio harness is not built (run `npm run test:differential -- --build-only` once)' };
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-bench-chart-'));
  for (const [key, file] of [
    ['config', 'config.yaml'],
    ['values', 'values.json'],
    ['mesh', 'mesh.yaml'],
  ]) {
    writeFileSync(join(dir, file), execFileSync(bin, ['config', '--key', key], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  }
  return { flags: ['--injector-config', join(dir, 'config.yaml'), '--values', join(dir, 'values.json'), '--mesh', join(dir, 'mesh.yaml')], dir };
}
