// `meshgate <command>`: dispatches to one module per command. Each command parses its own
// flags, prints `--help`, and returns an exit code (0 ok, 1 invalid/denied/findings, 2 could
// not run: usage, unreadable input). `--verbose` anywhere adds stack traces to failures.
import { reportFailure } from './failures.js';
import { EXIT, type CliIO, type Command } from '../documents/io.js';

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: { summary: 'run the HTTPS admission webhook server', load: async () => (await import('./serve.js')).serve },
  inject: { summary: 'inject sidecars into Pods and workloads from files, like istioctl kube-inject', load: async () => (await import('./inject.js')).inject },
  validate: { summary: 'validate Istio and Gateway API resources in files or directories', load: async () => (await import('./validate.js')).validate },
  analyze: { summary: 'find references that do not resolve and conflicts across many objects', load: async () => (await import('./analyze.js')).analyze },
  explain: { summary: 'explain why a Pod would or would not be injected', load: async () => (await import('./explain.js')).explain },
  certs: { summary: 'generate a CA and a serving certificate for the webhook', load: async () => (await import('./certs.js')).certs },
  manifests: { summary: 'render the webhook configurations for a given endpoint and CA', load: async () => (await import('./manifests.js')).manifests },
  check: {
    summary: 'check meshgate in a live cluster: webhooks, endpoints, certificates, leader, overlapping injectors, injection per namespace or Pod',
    load: async () => (await import('./check.js')).check,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'meshgate — admission webhook for Istio-style service meshes',
    '',
    'Usage: meshgate <command> [flags]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `meshgate <command> --help` for the flags of a command.',
    'Exit codes: 0 success; 1 invalid, denied, or analysis findings at or above the threshold;',
    '2 the command could not run (usage error, unreadable input, a port in use, ...).',
    'Every command accepts --verbose (stack traces on failures) and -h/--help.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout('meshgate 0.1.0\n');
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`meshgate: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  const withVerbose: CliIO = { ...io, verbose: io.verbose === true || rest.includes('--verbose') };
  try {
    const command = await entry.load();
    return await command(rest, withVerbose);
  } catch (e) {
    const r = reportFailure(name, e, withVerbose.verbose === true);
    io.stderr(r.text);
    return r.code;
  }
}
