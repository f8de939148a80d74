// Go modules as data: `go mod download -json` puts a module version into the Go module cache
// (the module proxy and Go's checksum database vouch for it) and says where it is.
import { tmpdir } from 'node:os';
import { runOk } from '../../e2e/cluster/proc.js';
import { goEnv } from '../../e2e/cluster/versions.js';

export async function goModDownload(module: string, version: string): Promise<string> {
  // Outside any module, so no go.mod is consulted or changed.
  const res = await runOk('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: tmpdir(),
    env: { ...goEnv(), GOFLAGS: '-mod=mod' },
    timeoutMs: 10 * 60_000,
  });
  const info = JSON.parse(res.stdout) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}
