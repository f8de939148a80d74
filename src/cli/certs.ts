// `meshgate certs`: a CA and a serving certificate for the webhook, written into a directory
// as ca.crt, ca.key, tls.crt and tls.key (keys with mode 0600).
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { certPaths, writeCerts } from '../certs/files.js';
import { certInfo } from '../certs/pki.js';
import { readFile } from 'node:fs/promises';
import { parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { EXIT, UsageError, type Command } from './io.js';

const HELP = `Usage: meshgate certs --out DIR [--dns NAME]... [--ip ADDR]... [--days N] [--reuse-ca]

Generates a CA and a serving certificate signed by it, for the webhook's TLS listener, and
writes ca.crt, ca.key, tls.crt and tls.key into DIR. Put ca.crt (base64) into the
caBundle of the webhook configurations (see \`meshgate manifests\`).

Flags:
  --out DIR      directory to write into (created if needed)
  --dns NAME     DNS name for the certificate; repeatable
                 (default: meshgate.meshgate-system.svc and meshgate.meshgate-system.svc.cluster.local)
  --ip ADDR      IP address for the certificate; repeatable (e.g. 127.0.0.1 for a local server)
  --days N       validity of the serving certificate in days (default 365)
  --reuse-ca     keep ca.crt/ca.key already in DIR and only issue a new serving certificate

Example:
  meshgate certs --out certs --dns meshgate.meshgate-system.svc --ip 127.0.0.1
`;

const DEFAULT_DNS = ['meshgate.meshgate-system.svc', 'meshgate.meshgate-system.svc.cluster.local'];

export const certs: Command = (argv, io) =>
  runCommand('certs', io, async () => {
    const p = parseFlags(argv, {
      out: { type: 'string', short: 'o' },
      dns: { type: 'string', multiple: true },
      ip: { type: 'string', multiple: true },
      days: { type: 'string' },
      'reuse-ca': { type: 'boolean' },
    });
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const out = str(p, 'out');
    if (!out) throw new UsageError('--out DIR is required');
    const ips = strs(p, 'ip');
    const bad = ips.find((ip) => isIP(ip) === 0);
    if (bad) throw new UsageError(`--ip ${bad} is not an IP address`);
    const days = str(p, 'days') === undefined ? 365 : Number(str(p, 'days'));
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be a whole number from 1 to 3650');
    const dns = strs(p, 'dns');
    const dir = resolve(io.cwd, out);
    const files = await writeCerts(dir, { dnsNames: dns.length > 0 || ips.length > 0 ? dns : DEFAULT_DNS, ipAddresses: ips, days, reuseCA: p.values['reuse-ca'] === true });
    const info = certInfo(await readFile(files.cert, 'utf8'));
    const paths = certPaths(out);
    io.stdout(`wrote ${paths.caCert}, ${paths.caKey}, ${paths.cert}, ${paths.key}\nserving certificate for ${info.sans.join(', ')}, serial ${info.serial}, valid until ${info.notAfter.toISOString()}\n`);
    return EXIT.ok;
  });
