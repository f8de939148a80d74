// Turning a failure into the one line a user reads: what went wrong and what to do about it.
// A stack trace is printed only with --verbose; without it no failure shows one.
import { InputError, UsageError } from '../documents/io.js';

interface SystemError {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
  readonly address?: string;
  readonly port?: number;
  readonly message: string;
  /** The setting that chose the address, when it is not --listen (e.g. --metrics-listen). */
  readonly flag?: string;
}

function systemError(e: unknown): SystemError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? (e as SystemError) : undefined;
}

/** One sentence for the operating-system errors a user can cause (a port in use, a missing directory). */
export function describeSystemError(e: unknown): string | undefined {
  const s = systemError(e);
  if (!s) return undefined;
  const where = s.address !== undefined && s.port !== undefined ? `${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}` : undefined;
  const path = s.path ?? '';
  switch (s.code) {
    case 'EADDRINUSE':
      return `${where ?? 'the address'} is already in use (is another meshgate or \`npm start\` running?): stop that process, or listen elsewhere with ${s.flag ?? '--listen'} HOST:PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where ?? 'that address'}: no network interface of this machine has that address; use --listen 0.0.0.0:PORT or one of this machine's addresses`;
    case 'EACCES':
      return s.syscall === 'listen' || s.syscall === 'bind'
        ? `not allowed to listen on ${where ?? 'that port'}: ports below 1024 need privileges; use --listen HOST:9443 (or another port above 1023)`
        : `${path}: permission denied`;
    case 'ENOENT':
      return `${path}: no such file or directory`;
    case 'ENOTDIR':
      return `${path}: a part of this path is a file, not a directory; choose another path`;
    case 'EISDIR':
      return `${path}: is a directory, a file is needed here`;
    case 'EEXIST':
      return `${path}: already exists`;
    case 'ENOSPC':
      return `${path}: no space left on the device`;
    case 'EROFS':
      return `${path}: the file system is read-only; choose a writable path`;
    default:
      return undefined;
  }
}

export interface Reported {
  readonly text: string;
  readonly code: number;
}

/** The message and exit code of any failure of a command; unexpected errors point to --verbose. */
export function reportFailure(command: string, e: unknown, verbose: boolean): Reported {
  const stack = verbose && e instanceof Error && e.stack ? `${e.stack}\n` : '';
  if (e instanceof UsageError) return { text: `meshgate ${command}: ${e.message}\nRun \`meshgate ${command} --help\` for usage.\n${stack}`, code: 2 };
  if (e instanceof InputError) return { text: `meshgate ${command}: ${e.message}\n${stack}`, code: 2 };
  const known = describeSystemError(e);
  if (known) return { text: `meshgate ${command}: ${known}\n${stack}`, code: 2 };
  const message = e instanceof Error ? e.message : String(e);
  const hint = verbose ? '' : ' (run again with --verbose for the stack trace, and please report it)';
  return { text: `meshgate ${command}: unexpected error: ${message.split('\n')[0] ?? ''}${hint}\n${stack}`, code: 2 };
}
