// Namespaces the offline commands know about: Namespace objects from --namespace-file and
// from the input itself (kustomize output usually carries one), with where each came from,
// so a decision can say which labels it used and why.
import { readManifests, type SourceDocument } from '../documents/documents.js';
import { InputError, type CliIO } from '../documents/io.js';
import { isMapping } from '../lib/json.js';

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where it was read: `ns.yaml:1`. */
  readonly source: string;
}

function strings(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(isMapping(v) ? v : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The Namespace objects among the documents, in order. */
export function namespacesIn(docs: readonly SourceDocument[]): NamespaceInfo[] {
  return docs.flatMap((d) => {
    const o = d.object;
    if (!isMapping(o) || o['kind'] !== 'Namespace' || o['apiVersion'] !== 'v1') return [];
    const md = isMapping(o['metadata']) ? o['metadata'] : {};
    const name = typeof md['name'] === 'string' ? md['name'] : '';
    return name ? [{ name, labels: strings(md['labels']), annotations: strings(md['annotations']), source: `${d.file}:${d.position.line}` }] : [];
  });
}

/** The Namespaces of a --namespace-file (a Namespace, as `kubectl get ns NAME -o yaml` prints it). */
export async function readNamespaceFile(file: string, io: CliIO): Promise<NamespaceInfo[]> {
  const docs = await readManifests(file, io.cwd, io.readStdin);
  const broken = docs.find((d) => d.error !== undefined);
  if (broken) throw new InputError(`--namespace-file ${file}:${(broken.errorAt ?? broken.position).line}: ${broken.error ?? ''}`);
  const found = namespacesIn(docs);
  if (found.length === 0)
    throw new InputError(`--namespace-file ${file} holds no Namespace object (apiVersion: v1, kind: Namespace); save one with kubectl get namespace NAME -o yaml`);
  return found;
}

/** The Namespaces of every --namespace-file, in order. */
export async function readNamespaceFiles(files: readonly string[], io: CliIO): Promise<NamespaceInfo[]> {
  const out: NamespaceInfo[] = [];
  for (const f of files) out.push(...(await readNamespaceFile(f, io)));
  return out;
}
