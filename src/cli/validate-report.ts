// What `meshgate validate` says about one object, and how it prints. Strict like kubectl: a
// document without apiVersion or kind, an unknown kind in a group the CRDs define or a version
// they do not serve is an error with its line; kinds the CRDs define go through the same
// validator as the webhook; Pods and workload templates get the injector's own deny checks;
// other Kubernetes kinds and kinds no CRD defines are reported as not checked, never valid.
import { stringify } from 'yaml';
import type { Injector } from '../inject/index.js';
import { lookupKind, qualifiedKind, type KindLookup } from '../validate/catalog.js';
import type { Validators } from '../validate/index.js';
import type { SourceDocument } from '../documents/documents.js';
import type { Format } from './flags.js';
import { podTemplateOf } from '../workloads.js';
import { isMapping } from '../lib/json.js';
import { identityOf } from '../lib/identity.js';

export interface EntryIssue {
  readonly path: string;
  readonly message: string;
  /** Where the field is in the file (the nearest existing parent when the field is absent). */
  readonly line?: number;
  readonly column?: number;
}

export type Status = 'valid' | 'invalid' | 'not-checked' | 'unreadable';

export interface Entry {
  readonly file: string;
  readonly index: number;
  readonly line: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status: Status;
  readonly checked: boolean;
  readonly valid: boolean;
  /** Why an object was not checked. */
  readonly note?: string;
  readonly errors: EntryIssue[];
  readonly warnings: string[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

type Identity = Pick<Entry, 'file' | 'index' | 'line' | 'apiVersion' | 'kind' | 'namespace' | 'name'>;

function identity(doc: SourceDocument): Identity {
  const o = doc.object ?? doc.partial ?? {};
  return { file: doc.file, index: doc.index, line: doc.position.line, apiVersion: text(o['apiVersion']), kind: text(o['kind']), ...identityOf(o) };
}

function issue(doc: SourceDocument, path: string, message: string): EntryIssue {
  const at = doc.locate?.(path) ?? doc.position;
  return { path, message, line: at.line, column: at.column };
}

function verdict(id: Identity, errors: EntryIssue[], warnings: string[] = []): Entry {
  const valid = errors.length === 0;
  return { ...id, status: valid ? 'valid' : 'invalid', checked: true, valid, errors, warnings };
}

function notChecked(id: Identity, note: string): Entry {
  return { ...id, status: 'not-checked', checked: false, valid: true, note, errors: [], warnings: [] };
}

/** The error of an apiVersion/kind that does not exist, or undefined. */
function kindProblem(found: KindLookup, kind: string): { path: string; message: string } | undefined {
  if (found.status === 'unknown-kind') {
    const hint = found.suggestion ? `; did you mean ${found.suggestion}?` : '';
    return { path: 'kind', message: `${found.group} has no kind "${kind}"${hint}` };
  }
  if (found.status === 'unknown-version') {
    const gone = found.by === 'crd' ? '; its CRD serves no version' : '; it is no longer served by Kubernetes';
    const served = found.served.length > 0 ? `; use ${found.served.map((v) => `${found.group ? `${found.group}/` : ''}${v}`).join(' or ')}` : gone;
    return { path: 'apiVersion', message: `${kind} does not exist in version ${found.group ? `${found.group}/` : ''}${found.version}${served}` };
  }
  return undefined;
}

/** The injector's own deny checks on a Pod or a workload's Pod template, as errors at its annotations. */
function injectionErrors(doc: SourceDocument, obj: Record<string, unknown>, injector: Injector): EntryIssue[] {
  const t = podTemplateOf(obj, '');
  if (!t) return [];
  const outcome = injector.inject({ pod: t.pod, namespace: t.namespace, policy: 'enabled', ...(t.workload ? { workload: t.workload } : {}) });
  if (outcome.kind !== 'deny') return [];
  const annotation = /\b([a-z0-9.-]+\.[a-z]+\/[A-Za-z0-9.-]+)/.exec(outcome.message)?.[1];
  const path = outcome.reason === 'invalid_pod' ? `${t.paths.spec}.containers` : `${t.paths.metadata}.annotations${annotation ? `[${JSON.stringify(annotation)}]` : ''}`;
  return [issue(doc, path, `the sidecar injector would deny this Pod: ${outcome.message}`)];
}

export interface CheckContext {
  /** The validator (and, through its CRDs, which kinds and versions exist): the webhook's. */
  readonly validators: Validators;
  /** The injector whose deny checks Pods and workloads get (built only when the input has some). */
  readonly injector: () => Injector;
}

/** Validates one document into its report entry. */
export function check(doc: SourceDocument, cx: CheckContext): Entry {
  const id = identity(doc);
  if (doc.error !== undefined) {
    const at = doc.errorAt ?? doc.position;
    return { ...id, status: 'unreadable', checked: true, valid: false, errors: [{ path: '', message: doc.error, line: at.line, column: at.column }], warnings: [] };
  }
  const o = doc.object;
  if (!isMapping(o)) return verdict(id, [issue(doc, '', 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata')]);
  const missing = (['apiVersion', 'kind'] as const).filter((k) => text(o[k]) === '');
  if (missing.length > 0)
    return verdict(
      id,
      missing.map((k) => issue(doc, k, `missing: every Kubernetes object names its ${k === 'kind' ? 'kind' : 'API group and version'} (kubectl refuses it without)`)),
    );
  const found = lookupKind(cx.validators, id.apiVersion, id.kind);
  const problem = kindProblem(found, id.kind);
  if (problem) return verdict(id, [issue(doc, problem.path, problem.message)]);
  if (isWorkload(o, found)) return verdict(id, injectionErrors(doc, o, cx.injector()));
  if (found.status === 'foreign') return notChecked(id, 'no CRD defines this kind; --crds adds CRDs');
  if (found.status === 'kubernetes') return notChecked(id, 'a Kubernetes kind meshgate has no rules for');
  const outcome = cx.validators.validate({ object: o });
  if (!outcome.checked) return notChecked(id, 'no CRD defines this kind; --crds adds CRDs');
  return verdict(
    id,
    outcome.errors.map((e) => issue(doc, e.path, e.message)),
    outcome.warnings,
  );
}

/** A Pod or a workload with a Pod template: Kubernetes' own, or OpenShift's DeploymentConfig. */
function isWorkload(o: Record<string, unknown>, found: KindLookup): boolean {
  const builtin = found.status === 'kubernetes' || (found.status === 'foreign' && found.group === 'apps.openshift.io');
  return builtin && podTemplateOf(o, '') !== undefined;
}

/** True when an object of this document is a Pod or workload (so the injector is needed). */
export function needsInjector(doc: SourceDocument, validators: Validators): boolean {
  const o = doc.object;
  return isMapping(o) && isWorkload(o, lookupKind(validators, text(o['apiVersion']), text(o['kind'])));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function who(e: Entry): string {
  const name = e.name || '(unnamed)';
  return e.namespace ? `${e.namespace}/${name}` : name;
}

function heading(e: Entry): string {
  const what = e.kind ? qualifiedKind(e.apiVersion, e.kind) : '(no kind)';
  const state = e.status === 'not-checked' ? `not checked (${e.note ?? ''})` : e.status === 'unreadable' ? 'not readable' : e.status;
  return `${e.file}:${e.line} ${what} ${who(e)}: ${state}`;
}

function issueLine(i: EntryIssue): string {
  return `    ${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`;
}

/** The closing line: `5 objects: 3 valid, 1 invalid, 1 not checked`. */
export function summary(entries: readonly Entry[]): string {
  const count = (s: Status): number => entries.filter((e) => e.status === s).length;
  const unreadable = count('unreadable');
  return `${plural(entries.length, 'object')}: ${count('valid')} valid, ${count('invalid')} invalid, ${count('not-checked')} not checked${unreadable > 0 ? `, ${unreadable} not readable` : ''}`;
}

export function renderText(entries: readonly Entry[], quiet: boolean): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (quiet && e.valid) continue;
    lines.push(heading(e));
    for (const err of e.errors) lines.push(issueLine(err));
    if (!quiet) for (const w of e.warnings) lines.push(`    warning: ${w}`);
  }
  lines.push(summary(entries));
  return `${lines.join('\n')}\n`;
}

/** `virtualservice.networking.istio.io/checkout`, as `kubectl get -o name` prints it. */
export function resourceName(apiVersion: string, kind: string, name: string): string {
  return `${qualifiedKind(apiVersion, kind).toLowerCase()}/${name}`;
}

export function render(entries: readonly Entry[], format: Format, quiet: boolean): string {
  if (format === 'json') return `${JSON.stringify(entries, null, 2)}\n`;
  if (format === 'yaml') return stringify(entries, { lineWidth: 0 });
  if (format === 'name')
    return entries
      .filter((e) => !e.valid && e.kind && e.name)
      .map((e) => `${resourceName(e.apiVersion, e.kind, e.name)}\n`)
      .join('');
  return renderText(entries, quiet);
}
