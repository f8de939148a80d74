// metadata of a custom resource, as the API server decodes and checks ObjectMeta: unknown keys
// are pruned (and reported like any unknown field), a name or generateName is required, the
// name is a DNS-1123 subdomain, the namespace a DNS label (cluster-scoped kinds drop it), and
// labels, annotations and finalizers follow the usual Kubernetes rules.
import { isDNS1123Label, isDNS1123Subdomain } from '../common/names.js';
import { fieldError, type FieldError, type Segment } from './paths.js';
import { isMapping } from '../../lib/json.js';

const OBJECT_META = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_LIMIT = 256 * 1024;

/** Keeps the ObjectMeta keys (nulls dropped), reporting the others; a cluster-scoped kind loses its namespace. */
export function decodeMetadata(value: unknown, namespaced: boolean, unknown: (segs: Segment[]) => void): unknown {
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!OBJECT_META.has(k)) unknown(['metadata', k]);
    else if (v !== null && !(k === 'namespace' && !namespaced)) out[k] = v;
  }
  return out;
}

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts[parts.length - 1] ?? '';
  if (parts.length > 2) return 'may contain at most one "/"';
  if (parts.length === 2 && !isDNS1123Subdomain(parts[0] ?? '')) return `has a prefix "${parts[0] ?? ''}" that is not a DNS subdomain (lower-case, at most 253 characters)`;
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return 'must have a name part of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

function checkStringMap(md: Record<string, unknown>, field: 'labels' | 'annotations', out: FieldError[]): void {
  const m = md[field];
  if (m === undefined) return;
  if (!isMapping(m)) return void out.push(fieldError(['metadata', field], 'must be a map of strings', true));
  let size = 0;
  for (const [k, v] of Object.entries(m)) {
    const where: Segment[] = ['metadata', field, k];
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) out.push(fieldError(where, `the key ${keyProblem}`, false));
    if (typeof v !== 'string') {
      out.push(fieldError(where, 'must be a string', true));
      continue;
    }
    size += k.length + v.length;
    if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
      out.push(fieldError(where, 'a label value must be empty or at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit', false));
    }
  }
  if (field === 'annotations' && size > ANNOTATIONS_LIMIT)
    out.push(fieldError(['metadata', 'annotations'], `the annotations total ${size} bytes; at most 262144 are allowed`, true));
}

function checkName(md: Record<string, unknown>, out: FieldError[]): void {
  const name = md['name'];
  const generate = md['generateName'];
  if ((name === undefined || name === '') && (generate === undefined || generate === '')) {
    out.push(fieldError(['metadata', 'name'], 'required: give the object a name (or a generateName)', true));
    return;
  }
  if (name !== undefined && name !== '' && (typeof name !== 'string' || !isDNS1123Subdomain(name))) {
    out.push(fieldError(['metadata', 'name'], 'must be a DNS subdomain: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit', false));
  }
}

/** ObjectMeta rules of a custom resource's metadata (after decodeMetadata). */
export function checkMetadata(metadata: unknown, out: FieldError[]): void {
  if (metadata === undefined) {
    out.push(fieldError(['metadata', 'name'], 'required: give the object a name (or a generateName)', true));
    return;
  }
  if (!isMapping(metadata)) return void out.push(fieldError(['metadata'], 'must be an object', true));
  checkName(metadata, out);
  const ns = metadata['namespace'];
  if (ns !== undefined && ns !== '' && (typeof ns !== 'string' || !isDNS1123Label(ns))) {
    out.push(fieldError(['metadata', 'namespace'], 'must be a DNS label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit', false));
  }
  checkStringMap(metadata, 'labels', out);
  checkStringMap(metadata, 'annotations', out);
  const fin = metadata['finalizers'];
  if (fin !== undefined && !(Array.isArray(fin) && fin.every((f) => typeof f === 'string'))) out.push(fieldError(['metadata', 'finalizers'], 'must be a list of strings', true));
}
