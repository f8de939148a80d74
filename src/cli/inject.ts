// `meshgate inject`: injects sidecars into Pods and workloads read from a file, like
// `istioctl kube-inject`, and prints them as YAML in input order. Objects of other kinds pass
// through unchanged. Exit 0 on success, 1 when the injector denies a Pod, 2 on usage errors.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { createInjector, InjectorConfigError, typedRoundTrip, type Injector, type JsonObject } from '../inject/index.js';
import { loadInjectorSettings } from '../injection-settings.js';
import { bool, parseFlags, runCommand, str, wantsHelp, type Parsed } from './flags.js';
import { parseYamlDocuments, readText } from './documents.js';
import { EXIT, UsageError, type CliIO, type Command } from './io.js';

const HELP = `Usage: meshgate inject -f FILE [--values FILE] [--mesh FILE] [--native-sidecars=true|false]
                       [--revision REV] [--namespace NS] [--templates DIR] [--extra-templates DIR]
                       [-o FILE]

Injects the Istio sidecar into every Pod and workload in FILE and prints the result as YAML,
in input order, the way \`istioctl kube-inject\` does. Workloads are Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and DeploymentConfig (their Pod
template is injected); a List and several \`---\` documents are read too. Objects of other
kinds are printed unchanged. Pods that must not be injected (host network, the
sidecar.istio.io/inject=false label or annotation) are printed unchanged with a note on stderr.

  -f, --filename FILE     manifest to read; "-" reads standard input (required)
  --values FILE           Istio injector values (JSON or YAML), merged over Istio's chart
                          defaults; an explicit null removes a default
  --mesh FILE             Istio MeshConfig (JSON or YAML) applied over the default mesh config
  --native-sidecars=BOOL  true (default): istio-proxy runs as a Kubernetes native sidecar (an
                          init container with restartPolicy Always); false: a classic container.
                          The Pod annotation sidecar.istio.io/nativeSidecar overrides it
  --revision REV          the control-plane revision to inject for ("" = default)
  --namespace NS          namespace of objects that do not name one
  --templates DIR         directory of the built-in templates (default: the package's templates/)
  --extra-templates DIR   directory of additional <name>.yaml templates; a built-in name is replaced
  -o, --output FILE       write the result to FILE instead of standard output
  -h, --help              show this help

Exit codes: 0 success, 1 a Pod was denied (the reason is printed on stderr), 2 usage error.

Example:
  meshgate inject -f deployment.yaml | kubectl apply -f -
`;

/** Flags that configure the injector, shared with `meshgate explain`. */
export const INJECTOR_FLAGS = {
  values: { type: 'string' },
  mesh: { type: 'string' },
  'native-sidecars': { type: 'string' },
  revision: { type: 'string' },
  templates: { type: 'string' },
  'extra-templates': { type: 'string' },
} as const;

const FLAGS = {
  ...INJECTOR_FLAGS,
  filename: { type: 'string', short: 'f' },
  namespace: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each workload kind keeps its Pod template: metadata path and spec path. */
const POD_TEMPLATES: Readonly<Record<string, { readonly metadata: readonly string[]; readonly spec: readonly string[] }>> = {
  Pod: { metadata: ['metadata'], spec: ['spec'] },
  Deployment: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  StatefulSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  DaemonSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicaSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicationController: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  Job: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  DeploymentConfig: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  // As istioctl does, a CronJob's Pod metadata is read from and written to jobTemplate.metadata.
  CronJob: { metadata: ['spec', 'jobTemplate', 'metadata'], spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

function getPath(o: Obj, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
  return cur;
}

function setPath(o: Obj, path: readonly string[], value: unknown): void {
  let cur = o;
  for (const p of path.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[path[path.length - 1] as string] = value;
}

interface Context {
  readonly injector: Injector;
  readonly namespace: string;
  readonly io: Pick<CliIO, 'stderr'>;
}

/** A denial stops the command: nothing is printed and the exit code is 1. */
class Denied extends Error {}

export interface PodTemplate {
  /** The Pod to inject: the workload's Pod template (or the Pod itself). */
  readonly pod: Obj;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** The workload, for non-Pod kinds (its name and kind feed the proxy's metadata). */
  readonly workload?: { name: string; namespace: string; kind: string; apiVersion: string };
  /** Writes an injected Pod back into a copy of the object. */
  readonly write: (pod: Obj) => Obj;
}

/** The Pod template of a Pod or workload object, or undefined for other kinds. */
export function podTemplateOf(doc: Obj, defaultNamespace: string): PodTemplate | undefined {
  const kind = String(doc['kind'] ?? '');
  const where = Object.prototype.hasOwnProperty.call(POD_TEMPLATES, kind) ? POD_TEMPLATES[kind] : undefined;
  const spec = where ? getPath(doc, where.spec) : undefined;
  if (!where || !isObj(spec)) return undefined;
  const meta = isObj(doc['metadata']) ? doc['metadata'] : {};
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : defaultNamespace;
  const podMeta = getPath(doc, where.metadata);
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const write = (pod: Obj): Obj => {
    const out = structuredClone(doc);
    setPath(out, where.metadata, pod['metadata'] ?? {});
    setPath(out, where.spec, pod['spec']);
    return out;
  };
  return {
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: isObj(podMeta) ? podMeta : {}, spec },
    namespace,
    name,
    kind,
    ...(kind === 'Pod' ? {} : { workload: { name, namespace, kind, apiVersion: String(doc['apiVersion'] ?? '') } }),
    write,
  };
}

export function describeObject(t: Pick<PodTemplate, 'kind' | 'namespace' | 'name'>): string {
  return `${t.kind} "${t.namespace ? `${t.namespace}/` : ''}${t.name}"`;
}

function injectObject(doc: Obj, cx: Context): Obj {
  const kind = String(doc['kind'] ?? '');
  if (kind.endsWith('List') && Array.isArray(doc['items'])) {
    return { ...doc, items: (doc['items'] as unknown[]).map((item) => (isObj(item) ? injectObject(item, cx) : item)) };
  }
  const t = podTemplateOf(doc, cx.namespace);
  if (!t) return doc;
  const outcome = cx.injector.inject({ pod: t.pod, namespace: t.namespace, policy: 'enabled', ...(t.workload ? { workload: t.workload } : {}) });
  const label = describeObject(t);
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
    if (d.error !== undefined) throw new UsageError(`${file}: ${d.error}`);
    return d.value;
  });
}

export type InjectedDocuments = { readonly ok: true; readonly docs: unknown[] } | { readonly ok: false; readonly message: string };

/** Injects every document as the command does; the first denied Pod stops it with its message. */
export function injectDocuments(docs: readonly unknown[], injector: Injector, namespace: string, io: Pick<CliIO, 'stderr'>): InjectedDocuments {
  const cx: Context = { injector, namespace, io };
  try {
    // Printed as Kubernetes' Go types print them, like istioctl kube-inject (src/inject/typed.ts).
    return { ok: true, docs: docs.map((d) => (isObj(d) ? typedRoundTrip(injectObject(d, cx) as JsonObject) : d)) };
  } catch (e) {
    if (!(e instanceof Denied)) throw e;
    return { ok: false, message: e.message };
  }
}

export function renderDocuments(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(d, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indentSeq: false })).join('---\n');
}

export async function buildInjector(p: Parsed, io: CliIO): Promise<Injector> {
  const path = (name: string): string | undefined => {
    const v = str(p, name);
    return v === undefined ? undefined : resolve(io.cwd, v);
  };
  const opts = { valuesFile: path('values'), meshFile: path('mesh'), templatesDir: path('templates'), extraTemplatesDir: path('extra-templates') };
  try {
    const settings = await loadInjectorSettings({
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
      nativeSidecars: bool(p, 'native-sidecars', true),
      revision: str(p, 'revision') ?? '',
    });
    return createInjector(settings);
  } catch (e) {
    if (e instanceof InjectorConfigError) throw new UsageError(e.message);
    throw e;
  }
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
    const injector = await buildInjector(p, io);
    const docs = parseDocuments(file, await readText(file, io.cwd, io.readStdin));
    const result = injectDocuments(docs, injector, str(p, 'namespace') ?? '', io);
    if (!result.ok) {
      io.stderr(result.message);
      return EXIT.denied;
    }
    const text = renderDocuments(result.docs);
    const target = str(p, 'output');
    if (target === undefined) io.stdout(text);
    else await writeFile(resolve(io.cwd, target), text);
    return EXIT.ok;
  });
