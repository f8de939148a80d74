// Istio's injection template functions, written from their documented behaviour
// (docs/istio-templates.md §3.2). None fails: bad input gives the documented fallback.
// `env` reads the control-plane settings meshgate was given, not meshgate's own environment.
import { sprintOne } from '../fmt.js';
import { marshal } from '../gojson.js';
import { protoToJSON } from '../protojson.js';
import { formatDuration } from '../timefmt.js';
import { toYaml } from '../toyaml.js';
import { durationParts, elem, isNil, isValid, NIL, rawOf, Val, stringVal } from '../value.js';
import { T } from '../types.js';
import { bool, fromJSONValue, stringMapOf, stringMapVal, type Impl } from './util.js';
import { appendMultusNetwork } from '../../traffic.js';

const arg = (a: Val[], i: number): Val => a[i] ?? NIL;
const text = (a: Val[], i: number): string => (arg(a, i).v as string | undefined) ?? '';

function excludeInboundPort(port: Val, list: string): string {
  const p = sprintOne(port).trim();
  if (p === '' || p === '0') return list;
  const out: string[] = [];
  for (const item of list.split(',')) {
    if (item === p) return list;
    const t = item.trim();
    if (t !== '') out.push(t);
  }
  return [...out, p].join(',');
}

interface RawContainer {
  readonly name?: string;
  readonly ports?: readonly { containerPort?: number; protocol?: string }[];
}

function containerPorts(containers: Val, skipProxy: boolean): string {
  const parts: string[] = [];
  for (const c of (containers.v as RawContainer[] | null) ?? []) {
    if (skipProxy && c.name === 'istio-proxy') continue;
    for (const p of c.ports ?? []) if (p.protocol !== 'UDP' && p.protocol !== 'SCTP') parts.push(String(p.containerPort ?? 0));
  }
  return parts.join(',');
}

/** Istio's omitNil: drops nils from maps and lists; a collection that becomes empty becomes nil. */
function omitNil(raw: unknown): [unknown, boolean] {
  if (raw === null || raw === undefined) return [null, true];
  if (raw instanceof Val) return [raw, false];
  if (Array.isArray(raw)) {
    if (!raw.some((x) => omitNil(x)[1])) return [raw, false];
    const out = raw.map((x) => omitNil(x)[0]).filter((x) => x !== null);
    return [out.length === 0 ? null : out, true];
  }
  if (typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    if (!Object.values(o).some((x) => omitNil(x)[1])) return [raw, false];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const f = omitNil(x)[0];
      if (f !== null) out[k] = f;
    }
    return [Object.keys(out).length === 0 ? null : out, true];
  }
  return [raw, false];
}

function imageTagDigest(image: string): [string, string] {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  return [colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '', digest];
}

interface RawMesh {
  readonly extensionProviders?: readonly { opentelemetry?: { serviceAttributeEnrichment?: string } }[];
}

function otelResourceAttributes(a: Val[]): string {
  const mesh = isNil(arg(a, 0)) ? {} : (arg(a, 0).v as RawMesh);
  if (!(mesh.extensionProviders ?? []).some((p) => p.opentelemetry?.serviceAttributeEnrichment === 'OTEL_SEMANTIC_CONVENTIONS')) return '';
  const ann = stringMapOf(arg(a, 1));
  const labels = stringMapOf(arg(a, 2));
  const ns = text(a, 3);
  const containers = (arg(a, 4).v as { name?: string; image?: string }[] | null) ?? [];
  const attrs: string[] = [];
  const pick = (k: string): string | undefined => (ann[k] ? ann[k] : undefined);
  const nsAttr = pick('resource.opentelemetry.io/service.namespace') ?? (ns || undefined);
  if (nsAttr) attrs.push(`service.namespace=${nsAttr}`);
  let version = pick('resource.opentelemetry.io/service.version') ?? (labels['app.kubernetes.io/version'] || undefined);
  if (version === undefined && containers.length === 1) {
    const [tag, digest] = imageTagDigest(containers[0]?.image ?? '');
    version = tag && digest ? `${tag}@${digest}` : digest || tag || undefined;
  }
  if (version) attrs.push(`service.version=${version}`);
  const id = pick('resource.opentelemetry.io/service.instance.id') ?? (containers.length > 0 ? `${ns}.$(POD_NAME).${containers[0]?.name ?? ''}` : undefined);
  if (id) attrs.push(`service.instance.id=${id}`);
  return attrs.join(',');
}

function merged(a: Val[]): Record<string, string> | null {
  if (a.length === 0) return null;
  return Object.assign({}, ...a.map(stringMapOf)) as Record<string, string>;
}

function safe(f: () => string, fallback: string): string {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** Istio's functions; `env` reads the given control-plane environment. */
export function istioFunctions(env: Readonly<Record<string, string>>): Record<string, Impl> {
  return {
    annotation: (a) => {
      const ann = (arg(a, 0).v as { annotations?: Record<string, string> } | null)?.annotations;
      const name = text(a, 1);
      return stringVal(ann && Object.hasOwn(ann, name) ? (ann[name] as string) : sprintOne(arg(a, 2)));
    },
    isset: (a) => bool(Object.hasOwn(stringMapOf(arg(a, 0)), text(a, 1))),
    valueOrDefault: (a) => {
      const v = arg(a, 0);
      return v === NIL || !isValid(v) || (v.t === T.string && v.v === '') ? arg(a, 1) : v;
    },
    excludeInboundPort: (a) => stringVal(excludeInboundPort(arg(a, 0), text(a, 1))),
    includeInboundPorts: (a) => stringVal(containerPorts(arg(a, 0), false)),
    applicationPorts: (a) => stringVal(containerPorts(arg(a, 0), true)),
    kubevirtInterfaces: (a) => stringVal(text(a, 0)),
    excludeInterfaces: (a) => stringVal(text(a, 0)),
    toJSON: (a) => stringVal(isNil(arg(a, 0)) ? '{}' : marshal(arg(a, 0))),
    fromJSON: (a) => {
      try {
        return fromJSONValue(JSON.parse(text(a, 0)));
      } catch {
        return stringVal('{}');
      }
    },
    structToJSON: (a) => stringVal(arg(a, 0) === NIL ? '{}' : safe(() => marshal(arg(a, 0)), '{}')),
    protoToJSON: (a) => stringVal(safe(() => protoToJSON(arg(a, 0)), '{}')),
    toYaml: (a) => stringVal(safe(() => toYaml(arg(a, 0)), '')),
    indent: (a) =>
      stringVal(
        text(a, 1)
          .split('\n')
          .map((l, i) => (i === 0 ? l : ' '.repeat(Math.max(arg(a, 0).v as number, 0)) + l))
          .join('\n'),
      ),
    directory: (a) => stringVal(text(a, 0).slice(0, text(a, 0).lastIndexOf('/') + 1)),
    contains: (a) => bool(text(a, 1).includes(text(a, 0))),
    toLower: (a) => stringVal(text(a, 0).toLowerCase()),
    appendMultusNetwork: (a) => stringVal(appendMultusNetwork(text(a, 0), text(a, 1))),
    env: (a) => stringVal(env[text(a, 0)] || text(a, 1)),
    formatDuration: (a) => {
      const d = arg(a, 0);
      if (isNil(d)) return stringVal('0s');
      const [s, n] = durationParts(elem(d).v);
      return stringVal(formatDuration(BigInt(s) * 1_000_000_000n + BigInt(n)));
    },
    omit: (a) => {
      const drop = new Set(a.slice(1).map((k) => k.v as string));
      return stringMapVal(Object.fromEntries(Object.entries(stringMapOf(arg(a, 0))).filter(([k]) => !drop.has(k))));
    },
    strdict: (a) => {
      const out: Record<string, string> = {};
      for (let i = 0; i < a.length; i += 2) out[a[i]?.v as string] = (a[i + 1]?.v as string | undefined) ?? '';
      return stringMapVal(out);
    },
    mergeMaps: (a) => stringMapVal(merged(a)),
    toJsonMap: (a) => stringVal(marshal(stringMapVal(merged(a)))),
    omitNil: (a) => {
      const v = arg(a, 0);
      const [out] = omitNil(rawOf(v));
      return out === null ? NIL : out instanceof Val ? out : fromJSONValue(out);
    },
    otelResourceAttributes: (a) => stringVal(otelResourceAttributes(a)),
  };
}
