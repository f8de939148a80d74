// User overrides of injected containers (§3.4): a container the user declared under a name a
// template produces (istio-proxy with `image: auto`, or an app container a template extends)
// is merged back on top, so the user's fields win; on first injection the user's originals are
// recorded in `proxy.istio.io/overrides` so that a re-injection can apply them again.
import { arrayAt, clone, copyOf, isObject, objectAt, sprint, type Json, type JsonObject } from '../../lib/json.js';
import { mergeInto, POD_SCHEMA } from '../merge/smp.js';
import { asGoType } from '../merge/typed.js';
import { OVERRIDES_ANNOTATION, type InjectionStatus, type ParsedContainers } from './status.js';

/** corev1.Container fields in Go's order, so the annotation reads like Istio's. */
const CONTAINER_FIELDS = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
];

/** The container as Istio records it: Go's encoding (no empty fields, canonical quantities), in Go's field order. */
function goOrder(container: JsonObject): JsonObject {
  const c = asGoType(container, 'core/v1.Container');
  const out: JsonObject = {};
  // Go always writes resources (a struct, not a pointer), in its place among the fields.
  for (const f of CONTAINER_FIELDS) if (c[f] !== undefined || f === 'resources') out[f] = (c[f] ?? {}) as Json;
  for (const [k, v] of Object.entries(c)) if (!(k in out)) out[k] = v;
  return out;
}

const byName = (list: readonly Json[], name: string): JsonObject | undefined => list.find((c): c is JsonObject => isObject(c) && c['name'] === name);

type ListName = 'containers' | 'initContainers';

interface Lookup {
  readonly list: ListName;
  /** Where a user's container of that name may be found on the original Pod. */
  readonly searchIn: readonly ListName[];
}

const LOOKUPS: readonly Lookup[] = [
  { list: 'containers', searchIn: ['containers'] },
  { list: 'initContainers', searchIn: ['initContainers', 'containers'] },
];

export interface OverrideInput {
  readonly pod: JsonObject;
  readonly original: JsonObject;
  readonly templatePod: JsonObject;
  readonly status: InjectionStatus | undefined;
  readonly overrides: ParsedContainers;
}

/**
 * Re-applies user containers over the merged Pod. On re-injection a container the previous
 * injection added is taken from the recorded overrides only, so the new template wins unless the
 * user had overridden it (which keeps re-injection a no-op).
 */
export function reapplyOverrides(input: OverrideInput): void {
  const { pod, original, templatePod, status, overrides } = input;
  const found: Record<ListName, JsonObject[]> = { containers: [], initContainers: [] };
  for (const { list, searchIn } of LOOKUPS) {
    for (const t of arrayAt(templatePod, 'spec', list)) {
      const name = sprint(objectAt(t)['name']);
      const recorded = byName(overrides[list], name);
      const previous = status?.[list].includes(name) ?? false;
      const match = previous ? recorded : (recorded ?? searchIn.map((l) => byName(arrayAt(original, 'spec', l), name)).find((c) => c));
      if (!match) continue;
      // Istio merges the container as Go decoded it: empty fields (args: []) change nothing.
      const overlay = asGoType(clone(match), 'core/v1.Container');
      if (overlay['image'] === 'auto') delete overlay['image'];
      if (isObject(overlay['resources']) && Object.keys(overlay['resources']).length === 0) delete overlay['resources'];
      found[list].push(overlay);
      mergeInto(pod, { spec: { [list]: [overlay] } }, POD_SCHEMA);
    }
  }
  if (!status && (found.containers.length > 0 || found.initContainers.length > 0)) {
    const record: JsonObject = {};
    if (found.containers.length > 0) record['containers'] = found.containers.map(goOrder);
    if (found.initContainers.length > 0) record['initContainers'] = found.initContainers.map(goOrder);
    const metadata = objectAt(pod, 'metadata');
    metadata['annotations'] = copyOf(objectAt(metadata, 'annotations'), { [OVERRIDES_ANNOTATION]: JSON.stringify(record) });
    pod['metadata'] = metadata;
  }
}

function findContainer(pod: JsonObject, name: string): JsonObject | undefined {
  return byName(arrayAt(pod, 'spec', 'containers'), name) ?? byName(arrayAt(pod, 'spec', 'initContainers'), name);
}

/** Sets fields of a container's securityContext, which is copied (it may be the request's). */
function setSecurity(c: JsonObject, fields: JsonObject): void {
  c['securityContext'] = copyOf(objectAt(c, 'securityContext'), fields);
}

/**
 * The istio-proxy the user declared: on first injection the Pod's own, on re-injection the one
 * recorded in the overrides annotation (the Pod's current one is the injected one).
 */
export function userProxy(original: JsonObject, status: InjectionStatus | undefined, overrides: ParsedContainers): JsonObject | undefined {
  if (!status) return findContainer(original, 'istio-proxy');
  return byName(overrides.initContainers, 'istio-proxy') ?? byName(overrides.containers, 'istio-proxy');
}

/** When the user's istio-proxy sets its user or group, the init containers follow it (§3.4). */
export function adjustInitContainerUser(pod: JsonObject, user: JsonObject | undefined, interceptionMode: string): void {
  const sc = user ? objectAt(user, 'securityContext') : {};
  const runAsUser = sc['runAsUser'];
  const runAsGroup = sc['runAsGroup'];
  if (runAsUser === undefined && runAsGroup === undefined) return;
  const inits = arrayAt(pod, 'spec', 'initContainers');
  // Without the traffic set-up container (a gateway, grpc-agent, NONE) there is nothing to align.
  const init = byName(inits, 'istio-init') ?? byName(inits, 'istio-validation');
  if (!init) return;
  const tproxy = interceptionMode === 'TPROXY';
  // In TPROXY mode the proxy must run as root whatever the user asked.
  const proxy = findContainer(pod, 'istio-proxy');
  if (tproxy && runAsUser !== undefined && proxy) setSecurity(proxy, { runAsUser: 0 });
  if (!tproxy && init['name'] === 'istio-validation') {
    setSecurity(init, {
      ...(runAsUser !== undefined ? { runAsUser } : {}),
      ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    });
  }
  // iptables exempts the user the proxy really runs as (the user's, in TPROXY mode too).
  if (typeof runAsUser !== 'number' || runAsUser === 0) return;
  const args = init['args'];
  const i = Array.isArray(args) ? args.indexOf('-u') : -1;
  if (Array.isArray(args) && i >= 0 && i + 1 < args.length) init['args'] = args.with(i + 1, String(runAsUser));
}
