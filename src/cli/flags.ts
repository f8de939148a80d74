// Flag parsing shared by every command, on top of node:util parseArgs. Unknown flags and
// missing values become UsageErrors (exit 2) with the command's help hint.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError, type CliIO } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

export function parseFlags(argv: string[], options: Options, allowPositionals = false): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Reads an optional string flag. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a repeatable string flag. */
export function strs(p: Parsed, name: string): string[] {
  const v = p.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** Parses `--flag=true|false` given as a string; absent gives `fallback`. */
export function bool(p: Parsed, name: string, fallback: boolean): boolean {
  const v = p.values[name];
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--${name} must be true or false, got "${String(v)}"`);
}

/**
 * Runs a command body with the shared handling: a UsageError prints its message and a hint
 * and returns 2.
 */
export async function runCommand(name: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`meshgate ${name}: ${e.message}\nRun \`meshgate ${name} --help\` for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

export function wantsHelp(p: Parsed): boolean {
  return p.values['help'] === true;
}
