// `meshgate explain`: why a Pod (or a workload's Pod template) would or would not be injected:
// which namespace labels apply (from the flags, a --namespace-file, or a Namespace in the input),
// which webhook entry of the revision selects the Pod, how the injector's checks decide, and
// what injection would do or why it would be denied.
import { stringify } from 'yaml';
import type { Explanation } from '../inject/index.js';
import { describeObject, podTemplateOf } from '../workloads.js';
import { readInputs } from '../documents/documents.js';
import { emit, INPUT_FLAGS, inputPaths, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp } from './flags.js';
import { buildInjector, INJECTOR_FLAGS, nativeMode, parseLabels, type NativeMode } from './inject.js';
import { EXIT, InputError, UsageError, type Command } from '../documents/io.js';
import { namespacesIn, readNamespaceFiles, type NamespaceInfo } from './namespaces.js';
import { skippedNotes } from './validate.js';

const HELP = `Usage: meshgate explain -f FILE [--namespace-labels k=v,...] [--namespace-file FILE]
                        [--namespace NS] [--revision REV] [--tag NAME]... [--values FILE] [--mesh FILE]
                        [--injector-config FILE] [--control-plane-env KEY=VALUE]...
                        [--native-sidecars=auto|true|false] [-o text|json|yaml] [--output-file FILE]

Explains, for every Pod and workload in FILE, whether meshgate would inject the sidecar and
why: the labels of the Pod's namespace and where they come from, which entry of the
revision's MutatingWebhookConfiguration selects the Pod, how the injector's own checks decide
(host network, the sidecar.istio.io/inject label or annotation, the never/always selectors,
the policy), and, when it injects, the templates used and the containers that result; when it
would deny the Pod, the reason.

  -f, --filename FILE       manifest to read (file, directory or "-" for standard input);
                            repeatable. A Namespace object in it supplies that namespace's
                            labels (kubectl kustomize output usually has one)
  --namespace-file FILE     a Namespace object (kubectl get namespace NS -o yaml); its labels
                            decide, and its name is the namespace of objects that name none;
                            its annotations give the proxy's user and group on OpenShift
  --namespace-labels K=V,…  labels of the Pods' namespace, e.g. istio-injection=enabled or
                            istio.io/rev=canary; repeatable; overrides any Namespace object
  --namespace NS            namespace of objects that do not name one
  --revision REV            the revision whose injector to emulate ("" = default); e.g. canary
  --tag NAME                a revision tag pointing at --revision (repeatable); its webhook
                            entries select Pods by istio.io/rev=NAME
  --values FILE             Istio injector values (JSON or YAML), as for meshgate inject
  --mesh FILE               Istio MeshConfig (JSON or YAML), as for meshgate inject
  --injector-config FILE    Istio's injector config or istio-sidecar-injector ConfigMap, as for
                            meshgate inject (istioctl's names work too: --injectConfigFile,
                            --valuesFile, --meshConfigFile)
  --control-plane-env K=V   an istiod environment setting that changes injection, e.g.
                            COMPLIANCE_POLICY=fips-140-3; repeatable
  --native-sidecars=MODE    native (true) or classic (false) sidecars; auto (default) means on
                            offline, where there are no Nodes to look at
  --templates DIR           directory of the built-in templates
  --extra-templates DIR     directory of additional templates
  -o, --output FORMAT       text (default), json or yaml (one entry per object)
  --output-file FILE        write the explanation to FILE instead of standard output
  --verbose                 print stack traces of unexpected failures
  -h, --help                show this help

Without any of --namespace-labels, --namespace-file or a Namespace in the input, the namespace
is taken as unlabelled, and the output says so.

Exit codes: 0 explained (injected or skipped), 1 the injector would deny a Pod, 2 usage error
or unreadable input.

Examples:
  meshgate explain -f sleep.yaml --namespace default --namespace-labels istio-injection=enabled
  kubectl kustomize overlays/prod | meshgate explain -f -
  meshgate explain -f deploy.yaml --namespace-file <(kubectl get ns shop -o yaml)
`;

const FLAGS = {
  ...INJECTOR_FLAGS,
  ...INPUT_FLAGS,
  ...OUTPUT_FLAGS,
  'namespace-labels': { type: 'string', multiple: true },
  'namespace-file': { type: 'string', multiple: true },
  namespace: { type: 'string' },
} as const;

type Obj = Record<string, unknown>;

export { parseLabels };

export interface ExplainedObject extends Explanation {
  readonly kind: string;
  readonly name: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Where the namespace labels come from (a flag, a file, the input, or nowhere). */
  readonly namespaceLabelsFrom: string;
  /** The webhook entry that would call the injector for this Pod; null when none would. */
  readonly webhook: string | null;
}

function nativeText(e: ExplainedObject, mode: NativeMode): string {
  const how = mode === 'auto' ? "--native-sidecars=auto, which means on offline (the webhook decides auto from the Nodes' kubelet versions)" : `--native-sidecars=${mode}`;
  return `  native sidecar: ${e.nativeSidecars ? 'yes' : 'no'} (${how}; the Pod annotation sidecar.istio.io/nativeSidecar overrides it)`;
}

interface NamespaceSource {
  /** The namespace's labels and where they come from; its annotations when a Namespace object gave them. */
  labels(namespace: string): { labels: Record<string, string>; from: string; annotations?: Readonly<Record<string, string>> };
}

function namespaceSource(flagLabels: readonly string[], files: readonly NamespaceInfo[], input: readonly NamespaceInfo[]): NamespaceSource {
  const fromFlags = flagLabels.length > 0 ? parseLabels(flagLabels) : undefined;
  return {
    labels: (namespace) => {
      const ns = files.find((n) => n.name === namespace) ?? input.find((n) => n.name === namespace);
      const annotations = ns ? { annotations: ns.annotations } : {};
      if (fromFlags) return { labels: fromFlags, from: '--namespace-labels', ...annotations };
      if (ns) return { labels: { ...ns.labels }, from: `Namespace ${ns.name} (${ns.source})`, ...annotations };
      return { labels: {}, from: `none given: namespace ${namespace || '(unnamed)'} is taken as unlabelled (give --namespace-labels or --namespace-file)` };
    },
  };
}

const labelText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || '(none)';

function textOf(e: ExplainedObject, mode: NativeMode): string {
  const lines = [
    `${describeObject(e)}: ${e.verdict.toUpperCase()}${e.reason ? ` (${e.reason})` : ''}`,
    `  ${e.summary}`,
    `  revision: ${e.revision}${e.tag ? ` (the Pod asks for it through the revision tag ${e.tag})` : ''}`,
  ];
  lines.push(`  namespace labels: ${labelText(e.namespaceLabels)} — from ${e.namespaceLabelsFrom}`);
  lines.push(`  webhook: ${e.webhook ?? 'none of the entries selects this Pod'}`);
  if (e.nativeSidecars !== undefined) lines.push(nativeText(e, mode));
  if (e.webhooks) {
    lines.push('  webhook entries:');
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

function render(explained: readonly ExplainedObject[], format: 'text' | 'json' | 'yaml', mode: NativeMode): string {
  if (format === 'json') return `${JSON.stringify(explained, null, 2)}\n`;
  if (format === 'yaml') return stringify(explained, { lineWidth: 0 });
  return explained.map((e) => textOf(e, mode)).join('\n');
}

export const explain: Command = (argv, io) =>
  runCommand('explain', io, async () => {
    const p = parseFlags(argv, FLAGS, true);
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (strs(p, 'filename').length === 0 && p.positionals.length === 0) throw new UsageError('-f FILE is required (use -f - for standard input)');
    const format = outputFormat(p, ['text', 'json', 'yaml'], 'text');
    const mode = nativeMode(p);
    const nsFiles = await readNamespaceFiles(strs(p, 'namespace-file'), io);
    const injector = await buildInjector(p, io, 'explain');
    const { documents, skipped } = await readInputs(inputPaths(p), { cwd: io.cwd, readStdin: io.readStdin, exclude: strs(p, 'exclude') });
    io.stderr(skippedNotes('explain', skipped));
    const broken = documents.find((d) => d.error !== undefined);
    if (broken) throw new InputError(`${broken.file}:${(broken.errorAt ?? broken.position).line}:${(broken.errorAt ?? broken.position).column}: ${broken.error ?? ''}`);
    const source = namespaceSource(strs(p, 'namespace-labels'), nsFiles, namespacesIn(documents));
    const defaultNamespace = str(p, 'namespace') ?? (nsFiles.length === 1 ? (nsFiles[0]?.name ?? '') : '');
    const templates = documents.flatMap((d) => (d.object ? (podTemplateOf(d.object as Obj, defaultNamespace) ?? []) : []));
    if (templates.length === 0) throw new InputError(`${inputPaths(p).join(', ')}: no Pod or workload to explain`);
    const explained: ExplainedObject[] = templates.map((t) => {
      const ns = source.labels(t.namespace);
      const namespaceMeta = ns.annotations ? { namespaceMeta: { labels: ns.labels, annotations: ns.annotations } } : {};
      const e = injector.explain({ pod: t.pod, namespace: t.namespace, namespaceLabels: ns.labels, ...namespaceMeta, ...(t.workload ? { workload: t.workload } : {}) });
      const webhook = e.webhooks?.find((w) => w.matched)?.name ?? null;
      return { kind: t.kind, name: t.name, ...e, namespaceLabels: ns.labels, namespaceLabelsFrom: ns.from, webhook };
    });
    await emit(p, io, render(explained, format, mode));
    return explained.some((e) => e.verdict === 'deny') ? EXIT.denied : EXIT.ok;
  });
