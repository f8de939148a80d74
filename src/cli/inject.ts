// `meshgate inject`: injects sidecars into Pods and workloads read from a file, like
// `istioctl kube-inject`, and prints them as YAML in input order. Objects of other kinds pass
// through unchanged. Exit 0 on success, 1 when the injector denies a Pod, 2 on usage errors.
import { stringify } from 'yaml';
import { typedRoundTrip, type Injector, type JsonObject } from '../inject/index.js';
import { askedRevision, revisionGate } from '../inject/settings/revisions.js';
import type { InjectInput } from '../inject/types.js';
import { emit, OUTPUT_FLAGS, outputFormat, parseFlags, runCommand, str, strs, wantsHelp, type Parsed } from './flags.js';
import { AUTO_NATIVE_NOTE, INJECTOR_FLAGS, INJECTOR_HELP, injectorFromFlags, nativeAutoApplies, nativeMode, type NativeMode } from './injector-config.js';
import { parseYamlDocuments, readText, STDIN } from '../documents/documents.js';
import { EXIT, InputError, UsageError, type CliIO, type Command } from '../documents/io.js';
import { readNamespaceFiles, type NamespaceInfo } from './namespaces.js';
import { describeObject, podTemplateOf } from '../workloads.js';
import { isMapping } from '../lib/json.js';

export { describeObject, podTemplateOf, type PodTemplate } from '../workloads.js';

const HELP = `Usage: meshgate inject -f FILE [--values FILE] [--mesh FILE] [--injector-config FILE]
                       [--native-sidecars=auto|true|false] [--revision REV] [--tag NAME]...
                       [--namespace NS] [--namespace-labels K=V,...] [--namespace-file FILE]...
                       [--control-plane-env KEY=VALUE]... [--templates DIR] [--extra-templates DIR]
                       [-o yaml|json] [--output-file FILE]

Injects the Istio sidecar into every Pod and workload in FILE and prints the result as YAML,
in input order, the way \`istioctl kube-inject\` does. Workloads are Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and DeploymentConfig (their Pod
template is injected); a List and several \`---\` documents are read too. Objects of other
kinds are printed unchanged. Pods that must not be injected (host network, the
sidecar.istio.io/inject=false label or annotation) are printed unchanged with a note on stderr.
--revision (and --tag) say which revision this run injects for. As with istioctl kube-inject,
a Pod that asks for another revision (its istio.io/rev label, or its namespace's with
--namespace-labels or --namespace-file) is injected for this one all the same, with a warning:
in a cluster that revision's webhook would leave it alone (\`meshgate explain\` shows that).

  -f, --filename FILE     manifest to read; "-" reads standard input (required)
${INJECTOR_HELP}  --native-sidecars=MODE  true: istio-proxy runs as a Kubernetes native sidecar (an init container
                          with restartPolicy Always, Kubernetes 1.33 and newer); false: a classic
                          container; auto (default): on, since there are no cluster Nodes to look
                          at offline (the webhook decides auto from the Nodes' kubelet versions).
                          The Pod annotation sidecar.istio.io/nativeSidecar overrides it
  --revision REV          the control-plane revision to inject for ("" = default)
  --tag NAME              a revision tag pointing at --revision (repeatable): Pods labelled
                          istio.io/rev=NAME are injected for the revision
  --namespace NS          namespace of objects that do not name one
  --namespace-labels K=V  labels of the Pods' namespace (istio-injection, istio.io/rev,
                          istio.io/dataplane-mode), for the revision each Pod asks for;
                          they replace the labels of a --namespace-file Namespace
  --namespace-file FILE   a Namespace object (kubectl get namespace NS -o yaml); repeatable. Its
                          labels are used as --namespace-labels are; its annotations give the
                          proxy's user and group with values.global.platform: openshift; with one
                          Namespace, its name is the namespace of objects that name none
  --templates DIR         directory of the built-in templates (default: the package's templates/)
  --extra-templates DIR   directory of additional <name>.yaml templates; a built-in name is replaced
  -o, --output FORMAT     yaml (default) or json (one object, or a List of several)
  --output-file FILE      write the result to FILE instead of standard output
  --verbose               print stack traces of unexpected failures
  -h, --help              show this help

Exit codes: 0 success, 1 a Pod was denied (the reason is printed on stderr), 2 usage error
or unreadable input (a missing file, a YAML syntax error or duplicate key, with its line).

Example:
  meshgate inject -f deployment.yaml | kubectl apply -f -
`;

export { AUTO_NATIVE_NOTE, INJECTOR_FLAGS, nativeMode, type NativeMode };

const FLAGS = {
  ...INJECTOR_FLAGS,
  ...OUTPUT_FLAGS,
  filename: { type: 'string', short: 'f' },
  namespace: { type: 'string' },
  'namespace-file': { type: 'string', multiple: true },
  'namespace-labels': { type: 'string', multiple: true },
} as const;

type Obj = Record<string, unknown>;

interface Context {
  readonly injector: Injector;
  readonly namespace: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly io: Pick<CliIO, 'stderr'>;
  /** Namespace objects of --namespace-file: the labels and annotations of a Pod's namespace. */
  readonly namespaces: readonly NamespaceInfo[];
}

function namespaceMetaOf(cx: Context, namespace: string): Pick<InjectInput, 'namespaceMeta'> {
  const ns = cx.namespaces.find((n) => n.name === namespace);
  return ns ? { namespaceMeta: { labels: ns.labels, annotations: ns.annotations } } : {};
}

/** The labels of a Pod's namespace: --namespace-labels, else its --namespace-file Namespace's. */
function namespaceLabelsOf(cx: Context, namespace: string): Readonly<Record<string, string>> | undefined {
  return cx.namespaceLabels ?? cx.namespaces.find((n) => n.name === namespace)?.labels;
}

/** A denial stops the command: nothing is printed and the exit code is 1. */
class Denied extends Error {}

function injectObject(doc: Obj, cx: Context): Obj {
  const kind = String(doc['kind'] ?? '');
  if (kind.endsWith('List') && Array.isArray(doc['items'])) {
    return { ...doc, items: (doc['items'] as unknown[]).map((item) => (isMapping(item) ? injectObject(item, cx) : item)) };
  }
  const t = podTemplateOf(doc, cx.namespace);
  if (!t) return doc;
  const label = describeObject(t);
  const podLabels = (t.pod['metadata'] as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  const nsLabels = namespaceLabelsOf(cx, t.namespace);
  const gate = revisionGate(cx.injector.settings.config, askedRevision(nsLabels, podLabels));
  // Like istioctl kube-inject, the command injects for the revision it was given whatever the
  // Pod asks for; the webhook of that revision would leave the Pod alone, so say so.
  if (gate.skip)
    cx.io.stderr(
      `meshgate inject: warning: ${label}: ${gate.skip.message} (injected all the same, as istioctl kube-inject does; in a cluster this revision's webhook skips it: ${gate.skip.reason})\n`,
    );
  const ns = nsLabels ? { namespaceLabels: nsLabels } : {};
  const outcome = cx.injector.inject({
    pod: t.pod,
    namespace: t.namespace,
    policy: 'enabled',
    ...ns,
    ...(t.workload ? { workload: t.workload } : {}),
    ...namespaceMetaOf(cx, t.namespace),
  });
  if (outcome.kind === 'deny') throw new Denied(`meshgate inject: ${label} was denied: ${outcome.message}\n`);
  if (outcome.kind === 'skip') {
    cx.io.stderr(`meshgate inject: not injecting ${label}: ${outcome.message}\n`);
    return doc;
  }
  for (const w of outcome.warnings) cx.io.stderr(`meshgate inject: warning: ${label}: ${w}\n`);
  return t.write(outcome.pod);
}

/**
 * Documents in input order; null documents (a trailing `---`) are dropped. Unlike the shared
 * reader (documents.ts), a List stays a List, so the output has the input's shape.
 */
export function parseDocuments(file: string, text: string): unknown[] {
  return parseYamlDocuments(text).map((d) => {
    if (d.error !== undefined) throw new InputError(`${file}:${d.at.line}:${d.at.column}: ${d.error}`);
    return d.value;
  });
}

export type InjectedDocuments = { readonly ok: true; readonly docs: unknown[] } | { readonly ok: false; readonly message: string };

/**
 * Injects every document as the command does; the first denied Pod stops it with its message.
 * `namespaces` are the --namespace-file objects (their labels and annotations reach the Pod's
 * injection); `namespaceLabels` (--namespace-labels) replace their labels. Whatever made the Pod (built-in templates or Istio's Go templates), the result is
 * printed as Kubernetes' Go types print it, like istioctl kube-inject (src/inject/merge/typed.ts).
 */
export function injectDocuments(
  docs: readonly unknown[],
  injector: Injector,
  namespace: string,
  io: Pick<CliIO, 'stderr'>,
  namespaces: readonly NamespaceInfo[] = [],
  namespaceLabels?: Readonly<Record<string, string>>,
): InjectedDocuments {
  const cx: Context = { injector, namespace, io, namespaces, ...(namespaceLabels ? { namespaceLabels } : {}) };
  try {
    return { ok: true, docs: docs.map((d) => (isMapping(d) ? typedRoundTrip(injectObject(d, cx) as JsonObject) : d)) };
  } catch (e) {
    if (!(e instanceof Denied)) throw e;
    return { ok: false, message: e.message };
  }
}

export function renderDocuments(docs: readonly unknown[], format: 'yaml' | 'json' = 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(docs.length === 1 ? docs[0] : { apiVersion: 'v1', kind: 'List', items: docs }, null, 2)}\n`;
  return docs.map((d) => stringify(d, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indentSeq: false })).join('---\n');
}

/** The injector the injection flags describe; `command` names the command in notes on stderr. */
export async function buildInjector(p: Parsed, io: CliIO, command = 'inject'): Promise<Injector> {
  return injectorFromFlags(p, io, command);
}

/** Parses `k=v,k2=v2` (repeatable) into labels. */
export function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of values
    .flatMap((v) => v.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--namespace-labels expects key=value pairs, got "${pair}"`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

export const inject: Command = (argv, io) =>
  runCommand('inject', io, async () => {
    const p = parseFlags(argv, FLAGS);
    if (wantsHelp(p)) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const file = str(p, 'filename');
    if (file === undefined) throw new UsageError('-f FILE is required (use -f - for standard input)');
    const format = outputFormat(p, ['yaml', 'json'], 'yaml');
    const injector = await buildInjector(p, io);
    const docs = parseDocuments(file === '-' ? STDIN : file, await readText(file, io.cwd, io.readStdin));
    const namespaces = await readNamespaceFiles(strs(p, 'namespace-file'), io);
    const labelFlags = strs(p, 'namespace-labels');
    const namespace = str(p, 'namespace') ?? (namespaces.length === 1 ? (namespaces[0]?.name ?? '') : '');
    if (nativeAutoApplies(p)) io.stderr(`meshgate inject: ${AUTO_NATIVE_NOTE}\n`);
    const result = injectDocuments(docs, injector, namespace, io, namespaces, labelFlags.length > 0 ? parseLabels(labelFlags) : undefined);
    if (!result.ok) {
      io.stderr(result.message);
      return EXIT.denied;
    }
    await emit(p, io, renderDocuments(result.docs, format));
    return EXIT.ok;
  });
