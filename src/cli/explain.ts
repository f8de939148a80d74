// `meshgate explain`: why a Pod (or a workload's Pod template) would or would not be injected:
// which webhook entries of the revision select it given its namespace's labels, how the
// injector's checks decide, and what injection would do or why it would be denied.
import type { Explanation } from '../inject/index.js';
import { parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { readManifests } from './documents.js';
import { buildInjector, describeObject, INJECTOR_FLAGS, nativeMode, podTemplateOf, type NativeMode } from './inject.js';
import { EXIT, UsageError, type Command } from './io.js';

const HELP = `Usage: meshgate explain -f FILE [--namespace-labels k=v,...] [--namespace NS] [--revision REV]
                        [--tag NAME]... [--values FILE] [--mesh FILE]
                        [--native-sidecars=auto|true|false] [-o json]

Explains, for every Pod and workload in FILE, whether meshgate would inject the sidecar and
why: which entries of the revision's MutatingWebhookConfiguration select the Pod (from the
namespace's labels and the Pod's labels), how the injector's own checks decide (host
network, the sidecar.istio.io/inject label or annotation, the never/always selectors, the
policy), and, when it injects, the templates used and the containers that result; when it
would deny the Pod, the reason.

  -f, --filename FILE       manifest to read; "-" reads standard input (required)
  --namespace-labels K=V,…  labels of the Pod's namespace, e.g. istio-injection=enabled or
                            istio.io/rev=canary; repeatable; none means an unlabelled namespace
  --namespace NS            namespace of objects that do not name one
  --revision REV            the revision whose injector to emulate ("" = default); e.g. canary
  --tag NAME                a revision tag pointing at --revision (repeatable); its webhook
                            entries select Pods by istio.io/rev=NAME
  --values FILE             Istio injector values (JSON or YAML), as for meshgate inject
  --mesh FILE               Istio MeshConfig (JSON or YAML), as for meshgate inject
  --native-sidecars=MODE    native (true) or classic (false) sidecars; auto (default) means on
                            offline, where there are no Nodes to look at
  --templates DIR           directory of the built-in templates
  --extra-templates DIR     directory of additional templates
  -o, --output FORMAT       "json" prints a JSON array, one entry per object; default: text
  -h, --help                show this help

Exit codes: 0 explained, 2 usage error.

Example:
  meshgate explain -f sleep.yaml --namespace default --namespace-labels istio-injection=enabled
`;

const FLAGS = {
  ...INJECTOR_FLAGS,
  filename: { type: 'string', short: 'f' },
  'namespace-labels': { type: 'string', multiple: true },
  namespace: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

type Obj = Record<string, unknown>;

/** Parses `k=v,k2=v2` (repeatable) into labels. */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--namespace-labels expects key=value pairs, got "${pair}"`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

export interface ExplainedObject extends Explanation {
  readonly kind: string;
  readonly name: string;
}

function nativeText(e: ExplainedObject, mode: NativeMode): string {
  const how = mode === 'auto' ? '--native-sidecars=auto, which means on offline (the webhook decides auto from the Nodes\' kubelet versions)' : `--native-sidecars=${mode}`;
  return `  native sidecar: ${e.nativeSidecars ? 'yes' : 'no'} (${how}; the Pod annotation sidecar.istio.io/nativeSidecar overrides it)`;
}

function textOf(e: ExplainedObject, labelsGiven: boolean, mode: NativeMode): string {
  const lines = [`${describeObject(e)}: ${e.verdict.toUpperCase()}${e.reason ? ` (${e.reason})` : ''}`, `  ${e.summary}`, `  revision: ${e.revision}${e.tag ? ` (the Pod asks for it through the revision tag ${e.tag})` : ''}`];
  if (e.nativeSidecars !== undefined) lines.push(nativeText(e, mode));
  if (e.webhooks) {
    lines.push(`  webhook entries${labelsGiven ? '' : ' (no --namespace-labels: the namespace is assumed unlabelled)'}:`);
    for (const w of e.webhooks) lines.push(`    ${w.matched ? 'selects' : 'no     '} ${w.name}: ${w.detail}`);
  }
  if (e.steps.length > 0) {
    lines.push('  injector checks:');
    for (const s of e.steps) lines.push(`    ${s.result.padEnd(6)} ${s.rule}: ${s.detail}`);
  }
  if (e.templates.length > 0) lines.push(`  templates: ${e.templates.join(', ')}`);
  if (e.changes) {
    lines.push(`  initContainers: ${e.changes.initContainers.join(', ') || '(none)'}`);
    lines.push(`  containers: ${e.changes.containers.join(', ') || '(none)'}`);
    lines.push(`  patch: ${e.changes.patchOperations} operations`);
  }
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export const explain: Command = (argv, io) =>
  runCommand('explain', io, async () => {
    const p = parseFlags(argv, FLAGS);
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const file = str(p, 'filename');
    if (file === undefined) throw new UsageError('-f FILE is required (use -f - for standard input)');
    const format = str(p, 'output') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`-o must be json or text, got "${format}"`);
    const labelFlags = strs(p, 'namespace-labels');
    const mode = nativeMode(p);
    const namespaceLabels = parseLabels(labelFlags);
    const injector = await buildInjector(p, io);
    const docs = await readManifests(file, io.cwd, io.readStdin);
    const broken = docs.find((d) => d.error !== undefined);
    if (broken) throw new UsageError(`${file}: not valid YAML: ${broken.error ?? ''}`);
    const objects = docs.flatMap((d) => (d.object && typeof d.object === 'object' ? [d.object as Obj] : []));
    const templates = objects.flatMap((d) => podTemplateOf(d, str(p, 'namespace') ?? '') ?? []);
    if (templates.length === 0) throw new UsageError(`${file}: no Pod or workload to explain`);
    const explained: ExplainedObject[] = templates.map((t) => ({
      kind: t.kind,
      name: t.name,
      ...injector.explain({ pod: t.pod, namespace: t.namespace, namespaceLabels, ...(t.workload ? { workload: t.workload } : {}) }),
    }));
    io.stdout(format === 'json' ? `${JSON.stringify(explained, null, 2)}\n` : explained.map((e) => textOf(e, labelFlags.length > 0, mode)).join('\n'));
    return EXIT.ok;
  });
