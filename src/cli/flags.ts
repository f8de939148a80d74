// Flag parsing and the flag vocabulary shared by every command, on top of node:util
// parseArgs: `-f/--filename` and `--exclude` name the input, `-o/--output` is always a format
// (text, json, yaml, name), `--output-file` writes the output to a file. A command composes
// the flag sets it needs with object spread, so new flags slot in beside these.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeSystemError, reportFailure } from './failures.js';
import { InputError, UsageError, type CliIO } from '../documents/io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** Where the objects come from: files, directories, `-` (standard input), minus excluded globs. */
export const INPUT_FLAGS = {
  filename: { type: 'string', short: 'f', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

/** The output vocabulary: a format, and optionally a file to write it to. */
export const OUTPUT_FLAGS = {
  output: { type: 'string', short: 'o' },
  'output-file': { type: 'string' },
} as const;

export type Format = 'text' | 'json' | 'yaml' | 'name';

export function parseFlags(argv: string[], options: Options, allowPositionals = false): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } },
      allowPositionals,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, ''));
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

/** The `-o` format, one of `allowed`; a value that looks like a file name gets a hint to use --output-file. */
export function outputFormat<F extends Format>(p: Parsed, allowed: readonly F[], fallback: F): F {
  const v = str(p, 'output');
  if (v === undefined) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as F;
  const file = /[./\\]/.test(v) ? `; to write the output to a file, use --output-file ${v}` : '';
  throw new UsageError(`-o/--output is the output format: ${allowed.join(', ')}; got "${v}"${file}`);
}

/** The input paths: every -f value and positional argument; at least one is required. */
export function inputPaths(p: Parsed): string[] {
  const paths = [...strs(p, 'filename'), ...p.positionals];
  if (paths.length === 0) throw new UsageError('no input: give files or directories with -f (or -f - for standard input)');
  return paths;
}

/** Writes a command's output to --output-file when given, else to standard output. */
export async function emit(p: Parsed, io: CliIO, text: string): Promise<void> {
  const file = str(p, 'output-file');
  if (file === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await writeFile(resolve(io.cwd, file), text);
  } catch (e) {
    throw new InputError(`--output-file ${file}: ${describeSystemError(e)?.replace(/^[^:]*: /, '') ?? (e as Error).message}`);
  }
}

/** Runs a command body: every failure becomes one line on stderr and an exit code (stack only with --verbose). */
export async function runCommand(name: string, io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const r = reportFailure(name, e, io.verbose === true);
    io.stderr(r.text);
    return r.code;
  }
}

export function wantsHelp(p: Parsed): boolean {
  return p.values['help'] === true;
}
