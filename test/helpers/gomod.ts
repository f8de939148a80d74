// Go modules as test data: `go mod download -json` puts a pinned module in the Go module cache
// (the checksum database vouches for it) and returns its directory. Nothing is committed.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Go's environment: its usual install directory on PATH, no toolchain downloads, no workspace. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: [process.env['PATH'], '/usr/local/go/bin'].filter(Boolean).join(':'), GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '-mod=mod' };
}

/** Downloads module@version (once; later calls hit the cache) and returns its directory. */
export async function goModDownload(module: string, version: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: tmpdir(), env: goEnv(), timeout: 15 * 60_000, maxBuffer: 1 << 20 }));
  } catch (e) {
    const err = e as { code?: string; stdout?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('these tests read published examples from Go modules and need Go (1.26 or newer) on PATH or in /usr/local/go/bin');
    throw new Error(`go mod download ${module}@${version} failed: ${err.stdout || err.message}`);
  }
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}
