// An object's identity (metadata.name and metadata.namespace) read from raw JSON or from the
// Kubernetes client's typed objects alike: one reader instead of one per folder.
import { asMapping, asString } from './json.js';

export interface ObjectIdentity {
  readonly name: string;
  readonly namespace: string;
}

/** `metadata.name` and `metadata.namespace` as strings ('' when absent or not strings). */
export function identityOf(obj: unknown): ObjectIdentity {
  const md = asMapping(asMapping(obj)?.['metadata']);
  return { name: asString(md?.['name']) ?? '', namespace: asString(md?.['namespace']) ?? '' };
}

/** `metadata.name` ('' when absent). */
export function nameOf(obj: unknown): string {
  return identityOf(obj).name;
}

/** "namespace/name", the key a cache or a report files an object under. */
export function keyOf(obj: unknown): string {
  const { name, namespace } = identityOf(obj);
  return `${namespace}/${name}`;
}
