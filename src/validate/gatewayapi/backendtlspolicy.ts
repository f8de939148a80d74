// BackendTLSPolicy: how a Gateway verifies the TLS certificate of a backend it connects to.
// v1alpha2 had a different shape (one targetRef, settings under tls); later versions use
// targetRefs and validation.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { asObject, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { absoluteURI, annotationValue, boundedMap, group, hostname, kind, localObjectRef, namespace, objectName, preciseHostname, sectionName } from './types.js';
import { eachDuplicate, entries, gatewayApiValidator, has, rel, str, type Context, type Entry } from './common.js';
import { checkAnnotationKeys } from './maps.js';

const wellKnown = z.enum(['System']);

const validation = z.strictObject({
  caCertificateRefs: boundedList(localObjectRef, 8).optional(),
  wellKnownCACertificates: wellKnown.optional(),
  hostname: preciseHostname,
  subjectAltNames: boundedList(
    z.strictObject({ type: z.enum(['Hostname', 'URI']), hostname: hostname.optional(), uri: absoluteURI.optional() }),
    5,
  ).optional(),
});

const spec = z.strictObject({
  targetRefs: boundedList(z.strictObject({ group, kind, name: objectName, sectionName: sectionName.optional() }), 16, 1),
  validation,
  options: boundedMap(annotationValue, 16).optional(),
});

const legacySpec = z.strictObject({
  targetRef: z.strictObject({ group, kind, name: objectName, namespace: namespace.optional(), sectionName: sectionName.optional() }),
  tls: z.strictObject({
    caCertRefs: boundedList(localObjectRef, 8).optional(),
    wellKnownCACerts: wellKnown.optional(),
    hostname: preciseHostname,
  }),
});

const isLegacy = (version: string): boolean => version === 'v1alpha2';

function rules(s: JsonObject, ctx: Context, c: Collector): void {
  if (isLegacy(ctx.version)) {
    checkTrustSource(asObject(s['tls']), 'spec.tls', ['caCertRefs', 'wellKnownCACerts'], c);
    return;
  }
  checkTargetRefs(s['targetRefs'], 'spec.targetRefs', c);
  const v = asObject(s['validation']);
  checkTrustSource(v, 'spec.validation', ['caCertificateRefs', 'wellKnownCACertificates'], c);
  for (const san of entries(v?.['subjectAltNames'], 'spec.validation.subjectAltNames')) checkSAN(san, c);
  checkAnnotationKeys(s['options'], 'spec.options', 'option', c);
}

/** Exactly one source of trust anchors: CA certificate references or the well-known set. */
function checkTrustSource(v: JsonObject | undefined, path: string, [refs, wellKnownField]: readonly [string, string], c: Collector): void {
  if (!v) return;
  const hasRefs = Array.isArray(v[refs]) && v[refs].length > 0;
  const hasWellKnown = (str(v, wellKnownField) ?? '') !== '';
  if (hasRefs && hasWellKnown) {
    c.error(at(path, wellKnownField), `set either ${refs} or ${wellKnownField}, not both: they are alternative sources of trusted CAs`);
  } else if (!hasRefs && !hasWellKnown) {
    c.error(at(path, refs), `the backend certificate cannot be verified without trusted CAs: set ${refs} or ${wellKnownField}: System`);
  }
}

/** Several targetRefs to the same object must each name a different sectionName. */
function checkTargetRefs(list: unknown, path: string, c: Collector): void {
  const items = entries(list, path);
  const target = (e: Entry): string => `${str(e.o, 'group') ?? ''}/${str(e.o, 'kind') ?? ''}/${str(e.o, 'name') ?? ''}`;
  for (const [idx, e] of items.entries()) {
    const earlier = items.slice(0, idx).filter((p) => target(p) === target(e));
    const first = earlier[0];
    if (!first) continue;
    if (has(first.o, 'sectionName') !== has(e.o, 'sectionName')) {
      c.error(at(e.path, 'sectionName'), `${rel(first.path)} targets the same object; when an object is targeted more than once, every entry must set sectionName`);
    }
  }
  eachDuplicate(items, (e) => `${target(e)}#${str(e.o, 'sectionName') ?? ''}`, (later, first) => {
    c.error(later.path, `duplicates ${rel(first.path)}: same target and sectionName`);
  });
}

function checkSAN(san: Entry, c: Collector): void {
  const type = str(san.o, 'type');
  for (const [field, owner] of [['hostname', 'Hostname'], ['uri', 'URI']] as const) {
    const set = (str(san.o, field) ?? '') !== '';
    if (type === owner && !set) c.error(at(san.path, field), `required when type is ${owner}`);
    if (type !== undefined && type !== owner && set) c.error(at(san.path, field), `only allowed when type is ${owner}; this entry has type ${type}`);
  }
}

export const validateBackendTLSPolicy = gatewayApiValidator({
  schema: (version) => (isLegacy(version) ? legacySpec : spec),
  rules,
});
