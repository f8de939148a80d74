import { it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeClusterPki } from './cluster/certs.js';
import { resolveEtcd, startEtcd } from './cluster/etcd.js';
import { stderrProgress } from './cluster/progress.js';
import { run } from './cluster/proc.js';
it('etcd', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratch-'));
  const t = Date.now();
  const pki = writeClusterPki(join(dir, 'pki'), '10.96.0.1');
  console.log('pki ms', Date.now() - t);
  console.log((await run('openssl', ['x509', '-in', pki.apiserver.cert, '-noout', '-text'])).stdout.split('\n').filter(l => /Subject|DNS|Usage|Issuer|TLS/.test(l)).join('\n'));
  const etcd = await startEtcd(await resolveEtcd(), dir, pki, stderrProgress());
  console.log(etcd.url);
  await etcd.daemon.stop();
  console.log(etcd.daemon.logTail());
});
