// `meshgate certs`: a CA and a serving certificate for the webhook, written into a directory
// as ca.crt, ca.key, tls.crt and tls.key (keys with mode 0600). An existing CA is never
// replaced silently: every caBundle made from it would stop working.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { certPaths, writeCerts } from '../certs/files.js';
import { certInfo } from '../certs/pki.js';
import { describeSystemError } from './failures.js';
import { emit, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { EXIT, InputError, UsageError, type Command } from '../documents/io.js';

const HELP = `Usage: meshgate certs --out DIR [--dns NAME]... [--ip ADDR]... [--days N] [--reuse-ca | --force]
                      [-o text|json] [--output-file FILE]

Generates a CA and a serving certificate signed by it, for the webhook's TLS listener, and
writes ca.crt, ca.key, tls.crt and tls.key into DIR. Put ca.crt (base64) into the
caBundle of the webhook configurations (see \`meshgate manifests\`).

Flags:
  --out DIR           directory to write into (created if needed)
  --dns NAME          DNS name for the certificate; repeatable; a leading "*." is allowed
                      (default: meshgate.meshgate-system.svc and meshgate.meshgate-system.svc.cluster.local)
  --ip ADDR           IP address for the certificate; repeatable (e.g. 127.0.0.1 for a local server)
  --days N            validity of the serving certificate in days (default 365)
  --reuse-ca          keep ca.crt/ca.key already in DIR and only issue a new serving certificate
  --force             replace a CA already in DIR (every caBundle made from the old one stops working)
  -o, --output FORMAT text (default) or json: what was written
  --output-file FILE  write that summary to FILE instead of standard output
  --verbose           print stack traces of unexpected failures

When DIR already holds a CA, certs stops (exit 2) unless --reuse-ca or --force says what to do.

Example:
  meshgate certs --out certs --dns meshgate.meshgate-system.svc --ip 127.0.0.1
`;

const DEFAULT_DNS = ['meshgate.meshgate-system.svc', 'meshgate.meshgate-system.svc.cluster.local'];

const LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

/** Why a name cannot be a certificate DNS name (RFC 1123 labels, an optional leading `*.`). */
export function dnsNameProblem(name: string): string | undefined {
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.');
  if (name.length > 253 || !labels.every((l) => LABEL.test(l))) {
    return `--dns ${name} is not a DNS name: use letters, digits and "-" in labels of at most 63 characters separated by dots, e.g. meshgate.meshgate-system.svc`;
  }
  return undefined;
}

function days(value: string | undefined): number {
  const n = value === undefined ? 365 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new UsageError('--days must be a whole number from 1 to 3650');
  return n;
}

function checkOut(out: string, dir: string, reuse: boolean, force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--out ${out} is a file; give a directory (it is created if needed)`);
  if (reuse && force) throw new UsageError('--reuse-ca and --force contradict each other: keep the CA, or replace it');
  const ca = certPaths(dir).caCert;
  if (!reuse && !force && existsSync(ca)) {
    throw new InputError(
      `${certPaths(out).caCert} already exists, and a new CA would break every caBundle made from it: use --reuse-ca to keep it and issue a new serving certificate, or --force to replace it`,
    );
  }
}

export const certs: Command = (argv, io) =>
  runCommand('certs', io, async () => {
    const p = parseFlags(argv, {
      ...OUTPUT_FLAGS,
      out: { type: 'string' },
      dns: { type: 'string', multiple: true },
      ip: { type: 'string', multiple: true },
      days: { type: 'string' },
      'reuse-ca': { type: 'boolean' },
      force: { type: 'boolean' },
    });
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const format = outputFormat(p, ['text', 'json'], 'text');
    const out = str(p, 'out');
    if (!out) throw new UsageError('--out DIR is required');
    const ips = strs(p, 'ip');
    const bad = ips.find((ip) => isIP(ip) === 0);
    if (bad) throw new UsageError(`--ip ${bad} is not an IP address`);
    const dns = strs(p, 'dns');
    const badName = dns.map(dnsNameProblem).find((m) => m !== undefined);
    if (badName) throw new UsageError(badName);
    const dir = resolve(io.cwd, out);
    const reuseCA = p.values['reuse-ca'] === true;
    checkOut(out, dir, reuseCA, p.values['force'] === true);
    const files = await writeCerts(dir, { dnsNames: dns.length > 0 || ips.length > 0 ? dns : DEFAULT_DNS, ipAddresses: ips, days: days(str(p, 'days')), reuseCA }).catch(
      (e: unknown) => {
        throw new InputError(`--out ${out}: ${describeSystemError(e)?.replace(/^[^:]*: /, '') ?? (e as Error).message}`);
      },
    );
    const info = certInfo(await readFile(files.cert, 'utf8'));
    const paths = certPaths(out);
    const written = [paths.caCert, paths.caKey, paths.cert, paths.key];
    const text =
      format === 'json'
        ? `${JSON.stringify({ files: written, sans: info.sans, serial: info.serial, notAfter: info.notAfter.toISOString() }, null, 2)}\n`
        : `wrote ${written.join(', ')}\nserving certificate for ${info.sans.join(', ')}, serial ${info.serial}, valid until ${info.notAfter.toISOString()}\n`;
    await emit(p, io, text);
    return EXIT.ok;
  });
