// Every failure a user can cause is one line that says what to do, with exit code 2, and no
// stack trace unless --verbose asks for one: serve without certificates or on a port in use,
// a bad listen address, manifests with a missing or non-PEM CA bundle, certs into a file or
// over an existing CA, bad DNS names, the CLI run before `npm run build`.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: string[], cwd?: string): Promise<Run> {
  const io = capture(cwd ? { cwd } : {});
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const tmp = mkdtempSync(join(tmpdir(), 'meshgate-failures-'));
let certDir = '';
let busy: Server;
let busyPort = 0;

beforeAll(async () => {
  certDir = join(tmp, 'certs');
  expect((await cli(['certs', '--out', certDir, '--ip', '127.0.0.1'])).code).toBe(0);
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => busy.close(r));
});

describe('serve', () => {
  it('without certificates: says how to get them (--dev or meshgate certs)', async () => {
    const r = await cli(['serve', '--listen', '127.0.0.1:0', '--tls-cert', join(tmp, 'none.crt'), '--tls-key', join(tmp, 'none.key')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meshgate serve: no serving certificate: ${join(tmp, 'none.crt')} and ${join(tmp, 'none.key')} do not exist; for local development run \`meshgate serve --dev\` (it makes certificates in ./certs), or create them with \`meshgate certs --out DIR\` and pass --tls-cert DIR/tls.crt --tls-key DIR/tls.key\n`,
    );
  });

  it('on a port in use: names the address and what to do, no stack trace', async () => {
    const r = await cli(['serve', '--listen', `127.0.0.1:${busyPort}`, '--tls-cert', join(certDir, 'tls.crt'), '--tls-key', join(certDir, 'tls.key'), '--log-level', 'silent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meshgate serve: 127.0.0.1:${busyPort} is already in use (is another meshgate or \`npm start\` running?): stop that process, or listen elsewhere with --listen HOST:PORT\n`,
    );
  });

  it('with --verbose, the same line and then the stack trace', async () => {
    const r = await cli([
      'serve',
      '--verbose',
      '--listen',
      `127.0.0.1:${busyPort}`,
      '--tls-cert',
      join(certDir, 'tls.crt'),
      '--tls-key',
      join(certDir, 'tls.key'),
      '--log-level',
      'silent',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `meshgate serve: 127.0.0.1:${busyPort} is already in use (is another meshgate or \`npm start\` running?): stop that process, or listen elsewhere with --listen HOST:PORT`,
    );
    expect(r.stderr).toMatch(/\n\s*at /);
  });

  it('--listen foo: one error, not two', async () => {
    const r = await cli(['serve', '--listen', 'foo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meshgate serve: invalid configuration: listen (--listen / MESHGATE_LISTEN): must be HOST:PORT, e.g. 0.0.0.0:9443, 127.0.0.1:9443 or :9443; got "foo"\n');
  });
});

describe('manifests --ca-bundle', () => {
  it.each<[string, string]>([
    ['/nonexistent', 'meshgate manifests: --ca-bundle /nonexistent: no such file or directory\n'],
    ['README.md', 'meshgate manifests: --ca-bundle README.md is not a PEM certificate (no -----BEGIN CERTIFICATE----- block); give the CA certificate, e.g. certs/ca.crt\n'],
  ])('%s: one line, exit 2', async (file, message) => {
    const r = await cli(['manifests', '--url', 'https://127.0.0.1:9443', '--ca-bundle', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(message);
  });

  it('refuses a serving certificate where the CA belongs', async () => {
    const r = await cli(['manifests', '--url', 'https://127.0.0.1:9443', '--ca-bundle', join(certDir, 'tls.crt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meshgate manifests: --ca-bundle ${join(certDir, 'tls.crt')}: certificate 1 (CN=127.0.0.1) is not a CA certificate; give the CA that signed meshgate's certificate (ca.crt, not tls.crt)\n`,
    );
  });

  it('-o json prints a List', async () => {
    const r = await cli(['manifests', '--url', 'https://127.0.0.1:9443', '--ca-bundle', join(certDir, 'ca.crt'), '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'List', items: [{ kind: 'MutatingWebhookConfiguration' }, { kind: 'ValidatingWebhookConfiguration' }] });
  });
});

describe('certs', () => {
  it('--out under a file: one line naming the flag', async () => {
    writeFileSync(join(tmp, 'a-file'), 'x');
    const r = await cli(['certs', '--out', join(tmp, 'a-file', 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`meshgate certs: --out ${join(tmp, 'a-file', 'sub')}: a part of this path is a file, not a directory; choose another path\n`);
  });

  it('--out naming a file', async () => {
    const r = await cli(['certs', '--out', join(tmp, 'a-file')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`meshgate certs: --out ${join(tmp, 'a-file')} is a file; give a directory (it is created if needed)\n`);
  });

  it('refuses to replace an existing CA without --force, keeps it with --reuse-ca, replaces it with --force', async () => {
    const refused = await cli(['certs', '--out', certDir, '--ip', '127.0.0.1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `meshgate certs: ${join(certDir, 'ca.crt')} already exists, and a new CA would break every caBundle made from it: use --reuse-ca to keep it and issue a new serving certificate, or --force to replace it\n`,
    );
    expect((await cli(['certs', '--out', certDir, '--ip', '127.0.0.1', '--reuse-ca'])).code).toBe(0);
    const dir = join(tmp, 'forced');
    expect((await cli(['certs', '--out', dir])).code).toBe(0);
    const forced = await cli(['certs', '--out', dir, '--force', '-o', 'json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ sans: ['meshgate.meshgate-system.svc', 'meshgate.meshgate-system.svc.cluster.local'] });
  });

  it.each<[string[], string]>([
    [
      ['--dns', 'Bad_Name!'],
      'meshgate certs: --dns Bad_Name! is not a DNS name: use letters, digits and "-" in labels of at most 63 characters separated by dots, e.g. meshgate.meshgate-system.svc\nRun `meshgate certs --help` for usage.\n',
    ],
    [['--ip', 'localhost'], 'meshgate certs: --ip localhost is not an IP address\nRun `meshgate certs --help` for usage.\n'],
    [['-o', 'certs'], 'meshgate certs: -o/--output is the output format: text, json; got "certs"\nRun `meshgate certs --help` for usage.\n'],
    [['--reuse-ca', '--force'], 'meshgate certs: --reuse-ca and --force contradict each other: keep the CA, or replace it\nRun `meshgate certs --help` for usage.\n'],
  ])('%j is a usage error', async (args, message) => {
    const r = await cli(['certs', '--out', join(tmp, 'never'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('accepts wildcard and ordinary DNS names', async () => {
    const r = await cli(['certs', '--out', join(tmp, 'names'), '--dns', '*.example.com', '--dns', 'meshgate.meshgate-system.svc']);
    expect(r.code).toBe(0);
  });
});

describe('the CLI before `npm run build`', () => {
  it('bin/meshgate.js says to build, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-unbuilt-'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync('bin/meshgate.js', join(dir, 'bin', 'meshgate.js'));
    const result = await promisify(execFile)(process.execPath, [join(dir, 'bin', 'meshgate.js'), 'validate', '-f', 'x']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result).toEqual({ code: 2, stderr: `meshgate: meshgate is not built yet: run \`npm run build\` in ${dir} (after \`npm ci\`)\n` });
  });
});

describe('unknown commands and unexpected errors', () => {
  it('an unknown command prints the usage, exit 2', async () => {
    const r = await cli(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('meshgate: unknown command "valdate"');
  });
});
