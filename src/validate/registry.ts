// Kinds are looked up by API group and kind, never by version: every served version of an
// Istio or Gateway API kind shares one schema for validation purposes.
import type { KubeObject, Report, Validator } from './issues.js';
import { networkingValidators } from './networking/index.js';
import { securityValidators } from './security/index.js';
import { gatewayApiValidators } from './gatewayapi/index.js';

export type GroupKind = `${string}/${string}`;

const registry: ReadonlyMap<GroupKind, Validator> = new Map<GroupKind, Validator>([
  ...Object.entries(networkingValidators),
  ...Object.entries(securityValidators),
  ...Object.entries(gatewayApiValidators),
] as [GroupKind, Validator][]);

/** `networking.istio.io/v1` → `networking.istio.io`; `v1` (core) → ``. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function lookup(group: string, kind: string): Validator | undefined {
  return registry.get(`${group}/${kind}`);
}

export function knownKinds(): GroupKind[] {
  return [...registry.keys()].sort();
}

export type Outcome =
  | { readonly checked: false; readonly group: string; readonly kind: string }
  | ({ readonly checked: true; readonly group: string; readonly kind: string } & Report);

/** Validates one object; kinds meshgate does not know come back as not checked. */
export function validateObject(obj: KubeObject): Outcome {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const group = groupOf(apiVersion);
  const validator = lookup(group, kind);
  if (!validator) return { checked: false, group, kind };
  const report = validator(obj);
  return { checked: true, group, kind, errors: report.errors, warnings: report.warnings };
}
