// The shape of a CustomResourceDefinition as meshgate reads it: the OpenAPI v3 schema nodes
// (JSONSchemaProps) with the Kubernetes extensions, and the served versions of each kind.
// CRDs arrive as untrusted JSON (a file, the cluster); readCrd checks only what we rely on.
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { nameOf } from '../../lib/identity.js';

export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** One schema node. Only the keywords the API server evaluates are typed. */
export interface SchemaNode {
  readonly type?: string;
  readonly format?: string;
  readonly nullable?: boolean;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly required?: readonly string[];
  readonly allOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly not?: SchemaNode;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[];
  readonly [keyword: string]: unknown;
}

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  readonly schema: SchemaNode;
  readonly hasStatus: boolean;
}

export interface Crd {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly versions: readonly CrdVersion[];
}

/** Why a CRD object cannot be used, as an Error with a one-line message. */
export class CrdError extends Error {
  override readonly name = 'CrdError';
}

function readVersion(v: unknown, crdName: string): CrdVersion {
  const o = asMapping(v) ?? {};
  const name = asString(o['name']);
  if (!name) throw new CrdError(`CRD ${crdName}: a version has no name`);
  const schema = asMapping(asMapping(o['schema'])?.['openAPIV3Schema']);
  if (!schema) throw new CrdError(`CRD ${crdName} version ${name}: no schema.openAPIV3Schema`);
  const warning = asString(o['deprecationWarning']);
  return {
    name,
    served: o['served'] === true,
    storage: o['storage'] === true,
    deprecated: o['deprecated'] === true,
    ...(warning === undefined ? {} : { deprecationWarning: warning }),
    schema: schema as SchemaNode,
    hasStatus: asMapping(asMapping(o['subresources'])?.['status']) !== undefined,
  };
}

/** Reads an apiextensions.k8s.io/v1 CustomResourceDefinition; throws CrdError when it is not one. */
export function readCrd(obj: unknown): Crd {
  const o = asMapping(obj);
  if (o?.['kind'] !== 'CustomResourceDefinition') throw new CrdError('not a CustomResourceDefinition');
  const name = nameOf(o) || '(unnamed)';
  const spec: Mapping = asMapping(o['spec']) ?? {};
  const names = asMapping(spec['names']) ?? {};
  const group = asString(spec['group']);
  const kind = asString(names['kind']);
  if (!group || !kind) throw new CrdError(`CRD ${name}: spec.group and spec.names.kind are required`);
  return {
    name,
    group,
    kind,
    plural: asString(names['plural']) ?? kind.toLowerCase(),
    namespaced: spec['scope'] !== 'Cluster',
    versions: asArray(spec['versions']).map((v) => readVersion(v, name)),
  };
}

/** Whether `v` is a CustomResourceDefinition object (any apiextensions version). */
export function isCrdObject(v: unknown): boolean {
  const o = asMapping(v);
  return o !== undefined && o['kind'] === 'CustomResourceDefinition' && String(o['apiVersion'] ?? '').startsWith('apiextensions.k8s.io/');
}
