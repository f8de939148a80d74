// The one validator for the CLI and the webhook. An object is looked up by group and kind in
// the CRD set (the registry of which kinds and versions exist), decoded and checked by the
// CRD layer exactly as the API server would, and then checked by the kind's hand-written
// rules. A kind without a CRD is "not checked", never valid; a version its CRD does not
// serve is an error, as the API server would not store it.
import { asMapping, asString, type Mapping } from '../lib/json.js';
import type { CrdSet, ServedKind } from './crd/crd-set.js';
import { pathText, type FieldError } from './crd/paths.js';
import { DEFAULT_SETTINGS, type KindRules, type ValidationSettings } from './framework.js';
import { collector, type Issue, type Report } from './issues.js';
import { networkingRules } from './networking/index.js';
import { securityRules } from './security/index.js';
import { telemetryRules } from './telemetry/index.js';
import { extensionsRules } from './extensions/index.js';
import { gatewayApiRules } from './gatewayapi/index.js';

export type GroupKind = `${string}/${string}`;

const SEMANTIC: ReadonlyMap<string, KindRules> = new Map<string, KindRules>([
  ...Object.entries(networkingRules),
  ...Object.entries(securityRules),
  ...Object.entries(telemetryRules),
  ...Object.entries(extensionsRules),
  ...Object.entries(gatewayApiRules),
]);

/** `networking.istio.io/v1` → `networking.istio.io`; `v1` (core) → ``. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

export type Outcome =
  | { readonly checked: false; readonly group: string; readonly kind: string }
  | ({ readonly checked: true; readonly group: string; readonly kind: string } & Report);

export interface ValidationRequest {
  readonly object: unknown;
  /** The stored object, for an UPDATE. */
  readonly oldObject?: unknown;
}

export interface Validators {
  validate(request: ValidationRequest): Outcome;
  /** Which kinds and versions exist: every kind the CRDs define, with its served versions. */
  kinds(): ServedKind[];
  /** Whether a CRD defines this kind (in any version). */
  knows(group: string, kind: string): boolean;
  /** Compiles every served version now; returns how many there are. */
  precompile(): number;
  /** The versions still to compile, one step each, for a background warm-up. */
  pending(): (() => void)[];
}

/** Warnings stay under 120 characters (kubectl prints each on one line). */
function short(warning: string): string {
  return warning.length < 120 ? warning : `${warning.slice(0, 118)}…`;
}

function unique(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssue(e: FieldError): Issue {
  return { path: pathText(e.segs) || 'spec', message: e.message };
}

function runRules(rules: KindRules, decoded: Mapping, old: Mapping | undefined, version: string, settings: ValidationSettings): Report {
  const c = collector();
  const metadata = asMapping(decoded['metadata']) ?? {};
  try {
    rules({
      c,
      object: decoded,
      spec: asMapping(decoded['spec']),
      version,
      oldObject: old,
      settings,
      name: asString(metadata['name']) ?? '',
      namespace: asString(metadata['namespace']) ?? '',
      annotations: asMapping(metadata['annotations']) ?? {},
      labels: asMapping(metadata['labels']) ?? {},
    });
  } catch (e) {
    c.error('spec', `meshgate could not finish checking this object (${e instanceof Error ? e.message : String(e)}); please report this`);
  }
  return c;
}

/** The validator over a set of CRDs, with the given settings. */
export function createValidators(crds: CrdSet, settings: ValidationSettings = DEFAULT_SETTINGS): Validators {
  function validate(request: ValidationRequest): Outcome {
    const obj = asMapping(request.object) ?? {};
    const apiVersion = asString(obj['apiVersion']) ?? '';
    const kind = asString(obj['kind']) ?? '';
    const group = groupOf(apiVersion);
    const version = versionOf(apiVersion);
    const found = crds.lookup(group, kind, version);
    if (found.found === 'nothing') return { checked: false, group, kind };
    if (found.found === 'kind') {
      const message = `${kind} is served in ${found.served.map((v) => `${group}/${v}`).join(', ') || 'no version'}, not ${apiVersion || '(no apiVersion)'}`;
      return { checked: true, group, kind, errors: [{ path: 'apiVersion', message }], warnings: [] };
    }
    const old = asMapping(request.oldObject);
    const structural = found.compiled.run({ object: obj, oldObject: old, fieldValidation: settings.fieldValidation });
    const rules = SEMANTIC.get(`${group}/${kind}`);
    const oldDecoded = old ? found.compiled.run({ object: old, fieldValidation: 'Ignore' }).decoded : undefined;
    const semantic = rules ? runRules(rules, structural.decoded, oldDecoded, version, settings) : { errors: [], warnings: [] };
    const deprecation = found.compiled.version.deprecated ? [found.compiled.version.deprecationWarning ?? `${apiVersion} ${kind} is deprecated`] : [];
    return {
      checked: true,
      group,
      kind,
      errors: unique([...structural.errors.map(toIssue), ...semantic.errors]),
      warnings: [...new Set([...deprecation, ...structural.warnings, ...semantic.warnings].map(short))],
    };
  }
  const known = new Set(crds.kinds().map((k) => `${k.group}/${k.kind}`));
  return { validate, kinds: () => crds.kinds(), knows: (g, k) => known.has(`${g}/${k}`), precompile: () => crds.compileAll(), pending: () => crds.pending() };
}
