// `meshgate analyze`: what no single-object check can see, over every object of the input at
// once — references that do not resolve, conflicts between objects, selectors that select
// nothing — for Istio and Gateway API alike. The analysis itself is src/analyze (pure).
import { stringify } from 'yaml';
import { analyze as analyzeObjects, atOrAbove, codeList, type Finding, type FindingObject, type Severity } from '../analyze/index.js';
import { qualifiedKind } from '../validate/catalog.js';
import { readInputs, type SourceDocument } from '../documents/documents.js';
import { emit, INPUT_FLAGS, inputPaths, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp, type Parsed } from './flags.js';
import { EXIT, UsageError, type CliIO, type Command } from '../documents/io.js';
import { resourceName } from './validate-report.js';
import { skippedNotes } from './validate.js';

const HELP = `Usage: meshgate analyze -f PATH... [--exclude GLOB]... [-o text|json|yaml|name]
                        [--failure-threshold error|warning|info] [--namespace NS]

Analyses every object of the input together, Istio and Gateway API alike, and reports what
no single-object check (meshgate validate, the API server, istiod's webhook) can see:
references that do not resolve, objects that conflict, and selectors that select nothing.

  -f, --filename PATH         a file, a directory (recursive) or "-" for standard input;
                              repeatable. Analyse what you apply together, e.g. the output of
                              kubectl kustomize or helm template
  --exclude GLOB              leave out matching files and directories; repeatable
  -o, --output FORMAT         text (default), json or yaml (an array of findings), or name
                              (the objects with findings, as kind.group/name)
  --output-file FILE          write the report to FILE instead of standard output
  --failure-threshold LEVEL   exit 1 when a finding is at least this severe: error (default),
                              warning or info
  --output-threshold LEVEL    report only findings at least this severe (default info)
  --namespace NS              namespace of objects that name none (default "default")
  --root-namespace NS         Istio's root namespace, whose selectors apply mesh-wide
                              (default istio-system)
  --verbose                   print stack traces of unexpected failures
  -h, --help                  show this help

A reference is reported missing only where the input describes the target: a VirtualService's
Gateway when the input has Istio Gateways in that namespace, a route's host when it has
Services in the host's namespace (or ServiceEntries, for other hosts), a selector when it has
workloads in the namespace. So analysing one team's directory does not report what lives
elsewhere, and analysing everything that is applied together reports every dangling reference.

Findings (code, name, severity, meaning):
${codeList()}

Each finding names the object and field with the problem (file:line), the other objects
involved, and how to fix it. JSON: [{"code", "name", "severity", "message", "fix",
"objects": [{"file", "line", "apiVersion", "kind", "namespace", "name", "path"}]}].

Exit codes: 0 no finding at or above the failure threshold, 1 at least one, 2 usage error or
unreadable input.

Examples:
  meshgate analyze -f k8s/
  kubectl kustomize overlays/prod | meshgate analyze -f - --failure-threshold warning
`;

const OPTIONS = {
  ...INPUT_FLAGS,
  ...OUTPUT_FLAGS,
  'failure-threshold': { type: 'string' },
  'output-threshold': { type: 'string' },
  namespace: { type: 'string' },
  'root-namespace': { type: 'string' },
} as const;

const LEVELS: readonly Severity[] = ['error', 'warning', 'info'];

function level(p: Parsed, flag: string, fallback: Severity): Severity {
  const v = str(p, flag) ?? fallback;
  if (!(LEVELS as readonly string[]).includes(v)) throw new UsageError(`--${flag} must be error, warning or info; got "${v}"`);
  return v as Severity;
}

interface Located extends FindingObject {
  readonly file?: string;
  readonly line?: number;
}

function locate(o: FindingObject, docs: readonly SourceDocument[]): Located {
  const doc = o.index === undefined ? undefined : docs[o.index];
  if (!doc) return o;
  const at = doc.locate?.(o.path) ?? doc.position;
  return { file: doc.file, line: at.line, ...o };
}

function objectText(o: Located): string {
  const where = o.file ? ` (${o.file}:${o.line ?? 0})` : '';
  return `${qualifiedKind(o.apiVersion, o.kind)} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${where}`;
}

function findingText(f: Finding, docs: readonly SourceDocument[]): string {
  const [first, ...others] = f.objects.map((o) => locate(o, docs));
  const lines = [`${f.severity} ${f.code} ${first ? objectText(first) : ''}`, `    ${f.message}`, `    fix: ${f.fix}`];
  for (const o of others) lines.push(`    see: ${objectText(o)}${o.path ? ` ${o.path}` : ''}`);
  return lines.join('\n');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(findings: readonly Finding[], objects: number, threshold: Severity): string {
  if (findings.length === 0) return `no findings in ${plural(objects, 'object')}`;
  const counts = LEVELS.map((l) => [l, findings.filter((f) => f.severity === l).length] as const).filter(([, n]) => n > 0);
  return `${plural(findings.length, 'finding')} (${counts.map(([l, n]) => plural(n, l)).join(', ')}) in ${plural(objects, 'object')}; failure threshold: ${threshold}`;
}

function render(findings: readonly Finding[], docs: readonly SourceDocument[], format: string, threshold: Severity): string {
  const located = findings.map((f) => ({ ...f, objects: f.objects.map((o) => locate(o, docs)) }));
  if (format === 'json') return `${JSON.stringify(located, null, 2)}\n`;
  if (format === 'yaml') return stringify(located, { lineWidth: 0 });
  if (format === 'name')
    return [...new Set(findings.flatMap((f) => (f.objects[0] ? [resourceName(f.objects[0].apiVersion, f.objects[0].kind, f.objects[0].name)] : [])))].map((n) => `${n}\n`).join('');
  const objects = docs.filter((d) => d.object !== undefined).length;
  return `${[...findings.map((f) => findingText(f, docs)), summary(findings, objects, threshold)].join('\n')}\n`;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseFlags(argv, OPTIONS, true);
  if (wantsHelp(p)) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const format = outputFormat(p, ['text', 'json', 'yaml', 'name'], 'text');
  const failAt = level(p, 'failure-threshold', 'error');
  const showAt = level(p, 'output-threshold', 'info');
  const { documents, skipped } = await readInputs(inputPaths(p), { cwd: io.cwd, readStdin: io.readStdin, exclude: strs(p, 'exclude') });
  io.stderr(skippedNotes('analyze', skipped));
  const broken = documents.filter((d) => d.error !== undefined);
  for (const d of broken)
    io.stderr(`meshgate analyze: ${d.file}:${(d.errorAt ?? d.position).line}:${(d.errorAt ?? d.position).column}: ${d.error ?? ''} (this document is left out)\n`);
  const findings = analyzeObjects(
    documents.map((d) => d.object),
    {
      defaultNamespace: str(p, 'namespace') ?? 'default',
      rootNamespace: str(p, 'root-namespace') ?? 'istio-system',
    },
  );
  await emit(p, io, render(atOrAbove(findings, showAt), documents, format, failAt));
  if (broken.length > 0) return EXIT.usage;
  return atOrAbove(findings, failAt).length > 0 ? EXIT.denied : EXIT.ok;
}

export const analyze: Command = (argv, io) => runCommand('analyze', io, () => run(argv, io));
