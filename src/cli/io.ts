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
}

/** Exit codes shared by every command (design.md, "Interfaces"). */
export const EXIT = { ok: 0, denied: 1, usage: 2 } as const;

export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** A usage error: the command prints its message and its help hint, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function processIO(): CliIO {
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
  };
}
