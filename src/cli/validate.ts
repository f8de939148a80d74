// `meshgate validate`: checks every object in files, directories or standard input against the
// same rules as the admission webhook, offline. Reads YAML (several documents, Lists) and JSON.
import { bundledCrds, crdsFromPaths, validatorsFor } from '../crds.js';
import type { FieldValidation, RegexCheck, Validators } from '../validate/index.js';
import { expandPaths, readManifests, type SourceDocument } from './documents.js';
import { parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { EXIT, UsageError, type CliIO, type Command } from './io.js';

export const HELP = `Usage: meshgate validate -f PATH... [-o text|json] [--quiet] [--crds PATH]...
                         [--field-validation Strict|Warn|Ignore] [--regex-check deny|warn]

Checks Istio (networking, security, telemetry, extensions) and Gateway API resources with the
same rules the meshgate admission webhook applies, without a cluster: first what the API server
checks (the CRD's OpenAPI schema and x-kubernetes-validations rules, with unknown fields pruned,
nulls dropped and defaults applied), then istiod's rules and meshgate's documented rules
(docs/validation.md).

  -f, --filename PATH   a file, a directory (searched recursively for .yaml, .yml and .json
                        files) or "-" for standard input. Repeat -f, or list several paths
                        after one -f.
  -o, --output FORMAT   text (default) or json
  -q, --quiet           text output: print only invalid objects and the summary
      --crds PATH       validate against the CustomResourceDefinitions in these files or
                        directories instead of the bundled ones (Istio and the Gateway API's
                        experimental channel, see crds/SOURCES.json); repeatable
      --field-validation MODE
                        fields the CRD schema does not know: Strict (default: an error, as
                        kubectl apply), Warn (a warning) or Ignore
      --regex-check MODE
                        meshgate rule re2-regex, Gateway API regular expressions that RE2
                        (Envoy) refuses: deny (default) or warn
  -h, --help            show this help

Every object is reported, in input order: YAML files may hold several "---" documents, and
List objects are expanded. Kinds no CRD defines are reported as not checked (and do not fail
the run); a version the kind's CRD does not serve is an error. Warnings never fail the run.

Text output, one line per object, then its problems:
  <file>[#index] <Kind> <namespace>/<name>: valid | invalid | not checked (unknown kind)
      <field path>: <message>
      warning: <message>
  N objects: X valid, Y invalid, Z not checked

JSON output (-o json) is an array with one entry per object:
  {"file", "index", "apiVersion", "kind", "namespace", "name", "checked", "valid",
   "errors": [{"path", "message"}], "warnings": ["..."]}
A document that is not valid YAML yields an entry with valid: false and one error whose path
is empty and whose message says where the syntax error is.

Exit codes: 0 all objects are valid, 1 at least one is invalid or unreadable, 2 usage error
(no -f, a path that does not exist, an unknown -o).

Example:
  meshgate validate -f manifests/ -f extra/gateway.yaml
  kubectl kustomize overlays/prod | meshgate validate -f - -o json
`;

export interface Entry {
  readonly file: string;
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly checked: boolean;
  readonly valid: boolean;
  readonly errors: { readonly path: string; readonly message: string }[];
  readonly warnings: string[];
}

type Document = SourceDocument;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function identity(doc: Document): Pick<Entry, 'file' | 'index' | 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  const o = (doc.object ?? {}) as Record<string, unknown>;
  const md = (typeof o['metadata'] === 'object' && o['metadata'] !== null ? o['metadata'] : {}) as Record<string, unknown>;
  return { file: doc.file, index: doc.index, apiVersion: text(o['apiVersion']), kind: text(o['kind']), namespace: text(md['namespace']), name: text(md['name']) };
}

/** Validates one document into its report entry. */
export function check(doc: Document, validators: Validators): Entry {
  const id = identity(doc);
  const fail = (message: string): Entry => ({ ...id, checked: true, valid: false, errors: [{ path: '', message }], warnings: [] });
  if (doc.error !== undefined) return fail(doc.error);
  const o = doc.object;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('not a Kubernetes object: expected a mapping with apiVersion, kind and metadata');
  const outcome = validators.validate({ object: o });
  if (!outcome.checked) return { ...id, checked: false, valid: true, errors: [], warnings: [] };
  return { ...id, checked: true, valid: outcome.errors.length === 0, errors: outcome.errors, warnings: outcome.warnings };
}

function heading(e: Entry, many: boolean): string {
  const where = many ? `${e.file}#${e.index}` : e.file;
  const who = e.namespace ? `${e.namespace}/${e.name}` : e.name || '(unnamed)';
  const verdict = !e.checked ? 'not checked (unknown kind)' : e.valid ? 'valid' : 'invalid';
  return `${where} ${e.kind || '(no kind)'} ${who}: ${verdict}`;
}

export function renderText(entries: readonly Entry[], quiet: boolean): string {
  const perFile = new Map<string, number>();
  for (const e of entries) perFile.set(e.file, (perFile.get(e.file) ?? 0) + 1);
  const lines: string[] = [];
  for (const e of entries) {
    if (quiet && e.valid) continue;
    lines.push(heading(e, (perFile.get(e.file) ?? 0) > 1));
    for (const err of e.errors) lines.push(`    ${err.path ? `${err.path}: ` : ''}${err.message}`);
    if (!quiet) for (const w of e.warnings) lines.push(`    warning: ${w}`);
  }
  const invalid = entries.filter((e) => !e.valid).length;
  const unchecked = entries.filter((e) => !e.checked).length;
  lines.push(`${entries.length} objects: ${entries.length - invalid - unchecked} valid, ${invalid} invalid, ${unchecked} not checked`);
  return `${lines.join('\n')}\n`;
}

const OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  crds: { type: 'string', multiple: true },
  'field-validation': { type: 'string' },
  'regex-check': { type: 'string' },
} as const;

const FIELD_VALIDATION: readonly FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

function fieldValidationOf(value: string | undefined): FieldValidation {
  const mode = FIELD_VALIDATION.find((m) => m.toLowerCase() === (value ?? 'Strict').toLowerCase());
  if (!mode) throw new UsageError(`--field-validation must be Strict, Warn or Ignore, not "${value ?? ''}"`);
  return mode;
}

function regexCheckOf(value: string | undefined): RegexCheck {
  if (value === undefined || value === 'deny' || value === 'warn') return value ?? 'deny';
  throw new UsageError(`--regex-check must be deny or warn, not "${value}"`);
}

async function validatorsFromFlags(flags: ReturnType<typeof parseFlags>, cwd: string): Promise<Validators> {
  const settings = { fieldValidation: fieldValidationOf(str(flags, 'field-validation')), regexCheck: regexCheckOf(str(flags, 'regex-check')) };
  const paths = strs(flags, 'crds');
  if (paths.length === 0) return validatorsFor(settings, bundledCrds());
  const crds = await crdsFromPaths(paths, cwd).catch((e: unknown) => {
    throw new UsageError(`--crds: ${e instanceof Error ? e.message : String(e)}`);
  });
  return validatorsFor(settings, crds);
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(argv, OPTIONS, true);
  if (wantsHelp(flags)) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const output = str(flags, 'output') ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json, not "${output}"`);
  const named = strs(flags, 'filename');
  if (named.length === 0) throw new UsageError('no input: give files or directories with -f (or -f - for standard input)');
  const files: string[] = [];
  for (const p of [...named, ...flags.positionals]) files.push(...(p === '-' ? ['-'] : await expandPaths([p], io.cwd)));
  const validators = await validatorsFromFlags(flags, io.cwd);
  const entries: Entry[] = [];
  for (const file of files) entries.push(...(await readManifests(file, io.cwd, io.readStdin)).map((d) => check(d, validators)));
  io.stdout(output === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : renderText(entries, flags.values['quiet'] === true));
  return entries.every((e) => e.valid) ? EXIT.ok : EXIT.denied;
}

export const validate: Command = (argv, io) => runCommand('validate', io, () => run(argv, io));
