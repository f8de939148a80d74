// What a CLI command may touch besides its arguments: output streams and the working
// directory. Commands receive this instead of reaching for `process`, so tests can capture it.
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Environment variables, read only by the shell (never by src/inject or src/validate). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input (for `-f -`). */
  readonly readStdin: () => Promise<string>;
  /** `--verbose` was given: failures also print their stack trace. */
  readonly verbose?: boolean;
}

/**
 * Exit codes shared by every command (README, "CLI"): 0 success; 1 an object is
 * invalid, a Pod is denied, or analysis found problems at or above the threshold; 2 the
 * command could not do its job (usage error, unreadable input, a port in use, …).
 */
export const EXIT = { ok: 0, denied: 1, usage: 2 } as const;

export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** A usage error: the command prints its message and its help hint, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input that cannot be read or used (a missing file, not PEM, not YAML): one line, exit 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function processIO(verbose = false): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    verbose,
  };
}
