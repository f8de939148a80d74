// `meshgate validate`: checks every object in files, directories or standard input against the
// same validator as the admission webhook (the CRDs' schemas and rules, then istiod's and
// meshgate's rules), offline, and as strictly as kubectl reads manifests. Reads YAML (several
// documents, Lists) and JSON.
import { crdsFromPaths, validatorsFor } from '../crds.js';
import type { Injector } from '../inject/index.js';
import { CrdError, type FieldValidation, type RegexCheck, type Validators } from '../validate/index.js';
import { readInputs } from '../documents/documents.js';
import { emit, INPUT_FLAGS, inputPaths, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp, type Parsed } from './flags.js';
import { buildInjector, INJECTOR_FLAGS } from './inject.js';
import { EXIT, InputError, UsageError, type CliIO, type Command } from '../documents/io.js';
import type { Skipped } from '../documents/paths.js';
import { check, needsInjector, render, type Entry } from './validate-report.js';

export { check, renderText, type Entry } from './validate-report.js';

export const HELP = `Usage: meshgate validate -f PATH... [--exclude GLOB]... [-o text|json|yaml|name] [--quiet]
                         [--crds PATH]... [--field-validation Strict|Warn|Ignore]
                         [--regex-check deny|warn]

Checks Istio (networking, security, telemetry, extensions) and Gateway API resources with the
same rules the meshgate admission webhook applies, and Pods and workloads with the sidecar
injector's own checks, without a cluster. As strict as kubectl reading the same files: first
what the API server checks (the CRD's OpenAPI schema and x-kubernetes-validations rules, with
unknown fields pruned, nulls dropped and defaults applied), then istiod's rules and meshgate's
documented rules (docs/validation.md).

  -f, --filename PATH   a file, a directory (searched recursively for .yaml, .yml and .json
                        files) or "-" for standard input. Repeat -f, or list several paths
                        after one -f.
  --exclude GLOB        leave out matching files and directories; repeatable. A glob without
                        "/" matches names anywhere (--exclude '*.tmpl.yaml'), one with "/"
                        matches paths as shown or inside the named directory
                        (--exclude 'charts/**')
  -o, --output FORMAT   text (default), json, yaml, or name (invalid objects only, as
                        kind.group/name)
  --output-file FILE    write the report to FILE instead of standard output
  -q, --quiet           text output: print only invalid objects and the summary
  --crds PATH           validate against the CustomResourceDefinitions in these files or
                        directories instead of the bundled ones (Istio and the Gateway API's
                        experimental channel, see crds/SOURCES.json); repeatable
  --field-validation MODE
                        fields the CRD schema does not know: Strict (default: an error, as
                        kubectl apply), Warn (a warning) or Ignore
  --regex-check MODE    meshgate rule re2-regex, Gateway API regular expressions that RE2
                        (Envoy) refuses: deny (default) or warn
  --verbose             print stack traces of unexpected failures
  -h, --help            show this help

Injection settings for Pods and workloads (as for meshgate inject): --values FILE,
--mesh FILE, --injector-config FILE, --control-plane-env KEY=VALUE, --templates DIR,
--extra-templates DIR, --revision REV, --tag NAME, --native-sidecars=auto|true|false (and
istioctl's names --injectConfigFile, --valuesFile, --meshConfigFile).

What is an error, as kubectl sees it:
  - a document without apiVersion or kind; a YAML syntax error or a duplicate key
  - a kind that does not exist in an API group the CRDs define (VirtualServce in
    networking.istio.io), or a version the CRDs do not serve (networking.istio.io/v2), or a
    removed Kubernetes version
  - an unknown field (with --field-validation Strict), or a rule of the kind's CRD, of istiod
    or of meshgate broken (the webhook's verdict), with the field path and line
  - a Pod or workload template the sidecar injector would deny (a bad
    traffic.sidecar.istio.io/* or sidecar.istio.io/* annotation, an unknown template)
Other Kubernetes kinds (ConfigMap, Service, ...) and kinds no CRD defines (other projects'
kinds, unless --crds names their CRDs) are reported as not checked and do not fail the run.
Warnings never fail the run. Files that are not Kubernetes objects are skipped with a note on
stderr: Helm charts and templates, values.yaml, Chart.yaml, kustomization.yaml, and (in
directories) files without any apiVersion or kind.

Text output, one line per object (file:line where it starts), then its problems:
  <file>:<line> <Kind>.<group> <namespace>/<name>: valid | invalid | not checked (why)
      line <n>: <field path>: <message>
      warning: <message>
  N objects: X valid, Y invalid, Z not checked

JSON output (-o json) is an array with one entry per object:
  {"file", "index", "line", "apiVersion", "kind", "namespace", "name", "status", "checked",
   "valid", "note", "errors": [{"path", "message", "line", "column"}], "warnings": ["..."]}
status is valid, invalid, not-checked or unreadable (a YAML syntax error or duplicate key:
one error with an empty path and the position of the problem). Standard input is <stdin>.

Exit codes: 0 all objects are valid (or not checked), 1 at least one is invalid, 2 usage
error or unreadable input (no -f, a path that does not exist, a YAML syntax error).

Example:
  meshgate validate -f manifests/ -f extra/gateway.yaml --exclude 'charts/**'
  kubectl kustomize overlays/prod | meshgate validate -f - -o json
`;

const OPTIONS = {
  ...INPUT_FLAGS,
  ...OUTPUT_FLAGS,
  ...INJECTOR_FLAGS,
  quiet: { type: 'boolean', short: 'q' },
  crds: { type: 'string', multiple: true },
  'field-validation': { type: 'string' },
  'regex-check': { type: 'string' },
} as const;

/** The notes for files left out, one line each. */
export function skippedNotes(command: string, skipped: readonly Skipped[]): string {
  return skipped.map((s) => `meshgate ${command}: skipped ${s.path}: ${s.reason}\n`).join('');
}

export function exitCode(entries: readonly Entry[]): number {
  if (entries.some((e) => e.status === 'unreadable')) return EXIT.usage;
  return entries.every((e) => e.valid) ? EXIT.ok : EXIT.denied;
}

const FIELD_VALIDATION: readonly FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

function fieldValidationOf(value: string | undefined): FieldValidation {
  const mode = FIELD_VALIDATION.find((m) => m.toLowerCase() === (value ?? 'Strict').toLowerCase());
  if (!mode) throw new UsageError(`--field-validation must be Strict, Warn or Ignore, got "${value ?? ''}"`);
  return mode;
}

function regexCheckOf(value: string | undefined): RegexCheck {
  if (value === undefined || value === 'deny' || value === 'warn') return value ?? 'deny';
  throw new UsageError(`--regex-check must be deny or warn, got "${value}"`);
}

/** The validator the flags ask for: the bundled CRDs, or those of --crds. */
async function validatorsFromFlags(flags: Parsed, cwd: string): Promise<Validators> {
  const settings = { fieldValidation: fieldValidationOf(str(flags, 'field-validation')), regexCheck: regexCheckOf(str(flags, 'regex-check')) };
  const paths = strs(flags, 'crds');
  if (paths.length === 0) return validatorsFor(settings);
  const crds = await crdsFromPaths(paths, cwd);
  try {
    return validatorsFor(settings, crds);
  } catch (e) {
    if (e instanceof CrdError) throw new InputError(`--crds: ${e.message}`);
    throw e;
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(argv, OPTIONS, true);
  if (wantsHelp(flags)) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const format = outputFormat(flags, ['text', 'json', 'yaml', 'name'], 'text');
  const paths = inputPaths(flags);
  const validators = await validatorsFromFlags(flags, io.cwd);
  const { documents, skipped } = await readInputs(paths, { cwd: io.cwd, readStdin: io.readStdin, exclude: strs(flags, 'exclude') });
  io.stderr(skippedNotes('validate', skipped));
  let injector: Injector | undefined;
  if (documents.some((d) => needsInjector(d, validators))) injector = await buildInjector(flags, io, 'validate');
  const cx = {
    validators,
    injector: (): Injector => {
      if (!injector) throw new Error('the injector was not built although a workload needs it');
      return injector;
    },
  };
  const entries = documents.map((d) => check(d, cx));
  await emit(flags, io, render(entries, format, flags.values['quiet'] === true));
  return exitCode(entries);
}

export const validate: Command = (argv, io) => runCommand('validate', io, () => run(argv, io));
