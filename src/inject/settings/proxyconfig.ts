// The effective ProxyConfig of a Pod (mesh defaultConfig plus the `proxy.istio.io/config`
// annotation) and its PROXY_CONFIG rendering: protobuf JSON with the fields that equal Istio's
// defaults left out.
import { parse as parseYaml } from 'yaml';
import { PROXY_CONFIG_DEFAULTS } from './defaults.js';
import { deepEqual, isObject, own, setOwn, stringMap, type Json, type JsonObject } from '../../lib/json.js';
import { checkPort, protoDuration } from './syntax.js';
import { durationSeconds } from '../../lib/duration.js';

const DURATIONS = new Set(['drainDuration', 'terminationDrainDuration', 'parentShutdownDuration', 'discoveryRefreshDelay', 'fileFlushInterval']);
/** Wrapper (optional) fields: set to their zero value, they are still printed. */
const WRAPPERS = new Set(['concurrency', 'holdApplicationUntilProxyStarts']);
/** Enum fields whose zero value protobuf JSON leaves out. */
const ENUM_ZERO: Readonly<Record<string, string>> = { interceptionMode: 'REDIRECT', controlPlaneAuthPolicy: 'NONE' };

type FieldCheck = (v: Json) => string | undefined;

const port: FieldCheck = (v) => (typeof v === 'number' || typeof v === 'string' ? checkPort(String(v)) : 'must be a port number');
const nonNegativeInt: FieldCheck = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : 'must be a non-negative integer');
const duration: FieldCheck = (v) => (typeof v === 'string' && durationSeconds(v) !== undefined ? undefined : 'must be a duration such as 5s or 1m30s');
const bool: FieldCheck = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const enumOf =
  (...allowed: string[]): FieldCheck =>
  (v) =>
    allowed.includes(String(v)) ? undefined : `must be one of ${allowed.join(', ')}`;
const hostPort: FieldCheck = (v) => (typeof v === 'string' && /^[^\s:]+:[0-9]{1,5}$|^\[[0-9a-fA-F:.]+\]:[0-9]{1,5}$/.test(v) ? undefined : 'must be host:port');
const metadata: FieldCheck = (v) => (isObject(v) && Object.values(v).every((x) => typeof x === 'string') ? undefined : 'must map names to strings');

/** The ProxyConfig fields the agent validates, with their checks; other fields pass through. */
const FIELD_CHECKS: Readonly<Record<string, FieldCheck>> = {
  discoveryAddress: hostPort,
  proxyAdminPort: port,
  statusPort: port,
  statNameLength: nonNegativeInt,
  concurrency: nonNegativeInt,
  interceptionMode: enumOf('REDIRECT', 'TPROXY', 'NONE'),
  controlPlaneAuthPolicy: enumOf('NONE', 'MUTUAL_TLS', 'INHERIT'),
  holdApplicationUntilProxyStarts: bool,
  proxyMetadata: metadata,
  drainDuration: duration,
  terminationDrainDuration: duration,
  parentShutdownDuration: duration,
};

const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Parses and checks a `proxy.istio.io/config` value (YAML or JSON); returns the config or an error. */
export function parseProxyConfig(text: string): JsonObject | string {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    return `is not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`;
  }
  if (raw === null) return {};
  if (!isObject(raw)) return 'must be a ProxyConfig mapping';
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = camel(k);
    const problem = v === null ? undefined : own(FIELD_CHECKS, name)?.(v);
    if (problem) return `field ${name} ${problem}, got ${JSON.stringify(v)}`;
    if (v !== null) setOwn(out, name, DURATIONS.has(name) && typeof v === 'string' ? protoDuration(durationSeconds(v) ?? 0) : v);
  }
  return out;
}

function mergeObjects(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(overlay)) setOwn(out, k, isObject(v) && isObject(own(out, k)) ? mergeObjects(out[k] as JsonObject, v) : v);
  return out;
}

/** Mesh defaultConfig with the annotation applied on top; proxyMetadata merges key by key. */
export function effectiveProxyConfig(meshDefault: JsonObject, annotation: JsonObject | undefined): JsonObject {
  const base: JsonObject = {};
  for (const [k, v] of Object.entries(meshDefault)) base[k] = DURATIONS.has(k) && typeof v === 'string' ? protoDuration(durationSeconds(v) ?? 0) : v;
  const merged = annotation ? mergeObjects(base, annotation) : base;
  merged['proxyMetadata'] = { ...stringMap(meshDefault['proxyMetadata']), ...stringMap(annotation?.['proxyMetadata']) };
  return merged;
}

function isZero(k: string, v: Json): boolean {
  if (WRAPPERS.has(k)) return false;
  if (own(ENUM_ZERO, k) === v) return true;
  if (v === '' || v === 0 || v === false) return true;
  return (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** PROXY_CONFIG: the effective config as protobuf JSON without default-valued fields, plus "\n". */
export function proxyConfigEnv(pc: JsonObject): string {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(pc)) {
    if (v === null || isZero(k, v)) continue;
    if (Object.hasOwn(PROXY_CONFIG_DEFAULTS, k) && deepEqual(PROXY_CONFIG_DEFAULTS[k], v)) continue;
    setOwn(out, k, v);
  }
  return `${JSON.stringify(out)}\n`;
}
