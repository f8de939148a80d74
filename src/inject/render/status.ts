// The `sidecar.istio.io/status` annotation (what an injection added, so that a later injection
// can recognise it) and the Pod view templates see on re-injection (§8): the containers and
// annotations of the previous injection removed, the user's own containers put back.
import { arrayAt, copyOf, isObject, objectAt, sprint, stringMap, type Json, type JsonObject } from '../../lib/json.js';

export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const OVERRIDES_ANNOTATION = 'proxy.istio.io/overrides';

export interface InjectionStatus {
  readonly initContainers: readonly string[];
  readonly containers: readonly string[];
  readonly volumes: readonly string[];
  readonly imagePullSecrets: readonly string[];
  readonly revision: string;
}

const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The previous injection's status, or undefined when absent or unparseable (= not injected). */
export function parseStatus(annotations: Readonly<Record<string, string>>): InjectionStatus | undefined {
  const text = annotations[STATUS_ANNOTATION];
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  return {
    initContainers: names(v['initContainers']),
    containers: names(v['containers']),
    volumes: names(v['volumes']),
    imagePullSecrets: names(v['imagePullSecrets']),
    revision: sprint(v['revision']),
  };
}

const namesOf = (list: readonly Json[]): string[] | null => {
  const out = list.map((x) => sprint(objectAt(x)['name'])).filter((n) => n !== '');
  return out.length > 0 ? out : null;
};

/** The status of this injection, from what the templates produced. */
export function statusAnnotation(templatePod: JsonObject, revision: string): string {
  const spec = objectAt(templatePod, 'spec');
  return JSON.stringify({
    initContainers: namesOf(arrayAt(spec, 'initContainers')),
    containers: namesOf(arrayAt(spec, 'containers')),
    volumes: namesOf(arrayAt(spec, 'volumes')),
    imagePullSecrets: namesOf(arrayAt(spec, 'imagePullSecrets')),
    revision: revision || 'default',
  });
}

export interface ParsedContainers {
  readonly containers: readonly JsonObject[];
  readonly initContainers: readonly JsonObject[];
}

const containerList = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The `proxy.istio.io/overrides` annotation; a string error when it is not valid JSON. */
export function parseOverrides(annotations: Readonly<Record<string, string>>): ParsedContainers | string {
  const text = annotations[OVERRIDES_ANNOTATION];
  if (text === undefined) return { containers: [], initContainers: [] };
  try {
    const v: unknown = JSON.parse(text);
    if (isObject(v)) return { containers: containerList(v['containers']), initContainers: containerList(v['initContainers']) };
  } catch {
    // reported below
  }
  return `annotation ${OVERRIDES_ANNOTATION} is not valid JSON ({"containers":[…],"initContainers":[…]})`;
}

const PROMETHEUS = ['prometheus.io/port', 'prometheus.io/path', 'prometheus.io/scrape'];
const PROXY = 'istio-proxy';

/**
 * The Pod as templates see it after an earlier injection: injected containers removed (but the
 * user's recorded originals put back), the status annotation and our prometheus rewrite dropped.
 * A user's own istio-proxy goes back last among containers, where users declare it (the
 * injection may have moved it first, or into initContainers for native sidecars).
 */
export function stripInjection(pod: JsonObject, status: InjectionStatus, overrides: ParsedContainers, statusPort: string): JsonObject {
  const metadata = objectAt(pod, 'metadata');
  const annotations = stringMap(metadata['annotations']);
  delete annotations[STATUS_ANNOTATION];
  if (annotations['prometheus.io/port'] === statusPort) for (const k of PROMETHEUS) delete annotations[k];
  const spec = objectAt(pod, 'spec');
  const strip = (list: Json[], injected: readonly string[], originals: readonly JsonObject[]): Json[] =>
    list.flatMap((c) => {
      const name = sprint(objectAt(c)['name']);
      if (!injected.includes(name)) return [c];
      const original = name === PROXY ? undefined : originals.find((o) => o['name'] === name);
      return original ? [original] : [];
    });
  const containers = strip(arrayAt(spec, 'containers'), status.containers, overrides.containers);
  const recorded = (list: readonly JsonObject[], injected: readonly string[]): JsonObject | undefined =>
    injected.includes(PROXY) ? list.find((o) => o['name'] === PROXY) : undefined;
  const userProxy = recorded(overrides.containers, status.containers) ?? recorded(overrides.initContainers, status.initContainers);
  if (userProxy && !containers.some((c) => objectAt(c)['name'] === PROXY)) containers.push(userProxy);
  return {
    ...pod,
    metadata: copyOf(metadata, { annotations }),
    spec: copyOf(spec, { containers, initContainers: strip(arrayAt(spec, 'initContainers'), status.initContainers, overrides.initContainers) }),
  };
}
