// A CliIO that records what a command prints, for CLI tests.
import type { CliIO } from '../../src/documents/io.js';

export interface CapturedIO extends CliIO {
  out(): string;
  err(): string;
}

export function capture(opts: { cwd?: string; env?: Record<string, string>; stdin?: string } = {}): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    readStdin: async () => opts.stdin ?? '',
    out: () => out,
    err: () => err,
  };
}
