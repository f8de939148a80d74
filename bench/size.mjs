// `npm run bench:size`: the size of what the image carries, measured the way the Dockerfile
// builds it: `npm pack`, the tarball extracted into an empty directory, `npm ci --omit=dev`
// with the repository's lockfile. Prints the production node_modules size, the whole /app
// (the image's own layer, without the Node.js base image) and the largest packages.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (m) => process.stderr.write(`[size] ${m}\n`);

/** Bytes on disk of a directory tree (file sizes, no block rounding). */
function bytes(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + bytes(join(path, name)), 0);
}

const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;

function packages(nodeModules) {
  const out = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const dir = join(nodeModules, name);
    if (name.startsWith('@')) for (const sub of readdirSync(dir)) out.push({ name: `${name}/${sub}`, bytes: bytes(join(dir, sub)) });
    else out.push({ name, bytes: bytes(dir) });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

const work = mkdtempSync(join(tmpdir(), 'meshgate-size-'));
try {
  log('npm pack (runs the build)');
  const [entry] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const app = join(work, 'app');
  mkdirSync(app);
  execFileSync('tar', ['-xzf', join(work, entry.filename), '--strip-components=1', '-C', app]);
  cpSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
  log('npm ci --omit=dev in the extracted package');
  execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(join(app, 'package-lock.json'));
  const nm = join(app, 'node_modules');
  const result = {
    tarballMB: mb(bytes(join(work, entry.filename))),
    productionNodeModulesMB: mb(bytes(nm)),
    appMB: mb(bytes(app)),
    packages: readdirSync(nm).filter((n) => !n.startsWith('.')).length,
    largest: packages(nm)
      .slice(0, 8)
      .map((p) => `${p.name} ${mb(p.bytes)} MB`),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
