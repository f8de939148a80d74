// `meshgate validate`: checks every object in files, directories or standard input against the
// same rules as the admission webhook, offline, and as strictly as kubectl reads manifests.
// Reads YAML (several documents, Lists) and JSON.
import type { Injector } from '../inject/index.js';
import { readInputs } from './documents.js';
import { emit, INPUT_FLAGS, inputPaths, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, strs, wantsHelp } from './flags.js';
import { buildInjector, INJECTOR_FLAGS } from './inject.js';
import { EXIT, type CliIO, type Command } from './io.js';
import type { Skipped } from './paths.js';
import { check, needsInjector, render, type Entry } from './validate-report.js';

export { check, renderText, type Entry } from './validate-report.js';

export const HELP = `Usage: meshgate validate -f PATH... [--exclude GLOB]... [-o text|json|yaml|name] [--quiet]

Checks Istio (networking, security, telemetry, extensions) and Gateway API resources with the
same rules the meshgate admission webhook applies, and Pods and workloads with the sidecar
injector's own checks, without a cluster. As strict as kubectl reading the same files.

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
  --verbose             print stack traces of unexpected failures
  -h, --help            show this help

Injection settings for Pods and workloads (as for meshgate inject): --values FILE,
--mesh FILE, --injector-config FILE, --control-plane-env KEY=VALUE, --templates DIR,
--extra-templates DIR, --revision REV, --tag NAME, --native-sidecars=auto|true|false (and
istioctl's names --injectConfigFile, --valuesFile, --meshConfigFile).

What is an error, as kubectl sees it:
  - a document without apiVersion or kind; a YAML syntax error or a duplicate key
  - a kind that does not exist in an Istio or Gateway API group (VirtualServce), or a version
    the CRDs do not serve (networking.istio.io/v2), or a removed Kubernetes version
  - a rule of the kind broken (the webhook's verdict), with the field path and line
  - a Pod or workload template the sidecar injector would deny (a bad
    traffic.sidecar.istio.io/* or sidecar.istio.io/* annotation, an unknown template)
Other Kubernetes kinds (ConfigMap, Service, ...) and other projects' kinds are reported as not
checked and do not fail the run. Warnings never fail the run. Files that are not Kubernetes
objects are skipped with a note on stderr: Helm charts and templates, values.yaml,
Chart.yaml, kustomization.yaml, and (in directories) files without any apiVersion or kind.

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
} as const;

/** The notes for files left out, one line each. */
export function skippedNotes(command: string, skipped: readonly Skipped[]): string {
  return skipped.map((s) => `meshgate ${command}: skipped ${s.path}: ${s.reason}\n`).join('');
}

export function exitCode(entries: readonly Entry[]): number {
  if (entries.some((e) => e.status === 'unreadable')) return EXIT.usage;
  return entries.every((e) => e.valid) ? EXIT.ok : EXIT.denied;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(argv, OPTIONS, true);
  if (wantsHelp(flags)) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const format = outputFormat(flags, ['text', 'json', 'yaml', 'name'], 'text');
  const paths = inputPaths(flags);
  const { documents, skipped } = await readInputs(paths, { cwd: io.cwd, readStdin: io.readStdin, exclude: strs(flags, 'exclude') });
  io.stderr(skippedNotes('validate', skipped));
  let injector: Injector | undefined;
  if (documents.some(needsInjector)) injector = await buildInjector(flags, io, 'validate');
  const cx = {
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
