// One injection: decide → render → merge → overrides → postprocess → patch. Pure: the raw Pod
// comes in, an outcome (skip, inject with patch, deny) goes out; the input is never changed.
import { ambientNote, ambientSource } from './decide/ambient.js';
import { validateAnnotations } from './decide/annotations.js';
import { decide, type Decision } from './decide/decide.js';
import { podProxyConfig, PROXY, templateData, type TemplateData } from './render/data.js';
import { InjectionDenied } from './errors.js';
import { arrayAt, copyOf, isObject, objectAt, own, sprint, stringMap, type Json, type JsonObject } from '../lib/json.js';
import { adjustInitContainerUser, reapplyOverrides, userProxy } from './render/overrides.js';
import { applyClusterEnv, applyMetadata, clusterEnv, reorder, settleProxyEnv } from './postprocess/postprocess.js';
import { rewriteProbes } from './render/probes.js';
import { applyPrometheusMerge, applySecurePort } from './render/prometheus.js';
import { createPatch } from './postprocess/patch.js';
import { parseProxyConfig } from './settings/proxyconfig.js';
import type { InjectorSettings } from './settings/settings.js';
import { mergeInto, POD_SCHEMA } from './merge/smp.js';
import { parseOverrides, parseStatus, statusAnnotation, stripInjection, type InjectionStatus, type ParsedContainers } from './render/status.js';
import { TemplateRenderError, type CompiledTemplate } from './render/template/compile.js';
import type { InjectInput, InjectOutcome } from './types.js';
import { workloadOf } from './render/workload.js';
import { CONTAINER_LISTS, containerNamed, podFromRequest, podLabels, podMetadata, podSpec } from './pod.js';

/** The Pod as received, without managedFields (large, and never ours to change). */
export function withoutManagedFields(raw: Readonly<Record<string, unknown>>): JsonObject {
  const base = podFromRequest(raw);
  if (isObject(base['metadata']) && 'managedFields' in base['metadata']) {
    const metadata = { ...base['metadata'] };
    delete metadata['managedFields'];
    base['metadata'] = metadata;
  }
  return base;
}

/**
 * The Pod the pipeline changes, as copies of the objects whose own fields the steps write (the
 * Pod, metadata, spec, the container lists and their containers); everything below is shared
 * with the request and only ever replaced (smp.ts copies what it merges into). Cheaper than a
 * deep copy, and the patch skips shared subtrees by identity, so neither grows with the Pod.
 */
function draftOf(base: JsonObject): JsonObject {
  const pod = { ...base };
  if (isObject(pod['metadata'])) pod['metadata'] = { ...pod['metadata'] };
  const spec = { ...podSpec(pod) };
  for (const list of CONTAINER_LISTS) {
    const items = spec[list];
    if (Array.isArray(items)) spec[list] = items.map((c) => (isObject(c) ? { ...c } : c));
  }
  pod['spec'] = spec;
  return pod;
}

const ownCopy = (v: Json): Json => (isObject(v) && Object.isFrozen(v) ? copyOf(v) : v);

/**
 * After the templates are merged, the draft's writable objects (see draftOf) may be template
 * constants, which land shared and frozen (smp.landed): those are replaced by the Pod's own.
 */
function ownWritableParts(pod: JsonObject): void {
  pod['metadata'] = ownCopy(pod['metadata'] as Json);
  const spec = ownCopy(pod['spec'] as Json) as JsonObject;
  for (const list of CONTAINER_LISTS) {
    const items = spec[list];
    if (Array.isArray(items) && items.some((c) => isObject(c) && Object.isFrozen(c))) spec[list] = items.map(ownCopy);
  }
  pod['spec'] = spec;
}

function checkPodShape(pod: JsonObject): void {
  const spec = pod['spec'];
  if (!isObject(spec) || !Array.isArray(spec['containers'])) throw new InjectionDenied('invalid_pod', 'the object is not a Pod: spec.containers is missing');
  if (pod['metadata'] !== undefined && !isObject(pod['metadata'])) throw new InjectionDenied('invalid_pod', 'the object is not a Pod: metadata is not an object');
}

/** The templates a Pod asks for (annotation, else the defaults), aliases expanded. */
export function selectTemplates(settings: InjectorSettings, annotations: Readonly<Record<string, string>>): CompiledTemplate[] {
  const requested = annotations['inject.istio.io/templates'];
  const names = requested === undefined ? settings.config.defaultTemplates : requested.split(',').map((n) => n.trim());
  const expanded = names.flatMap((n) => own(settings.config.aliases, n) ?? [n]);
  const unknown = expanded.filter((n) => !settings.templates.has(n));
  if (unknown.length > 0) {
    const list = unknown.map((n) => `"${n}"`).join(', ');
    throw new InjectionDenied(
      'unknown_template',
      `inject.istio.io/templates asks for ${list}, which ${unknown.length > 1 ? 'are' : 'is'} not a known template (known: ${settings.templateNames.join(', ')})`,
    );
  }
  return expanded.map((n) => settings.templates.get(n) as CompiledTemplate);
}

export function nativeFor(annotations: Readonly<Record<string, string>>, global: boolean): boolean {
  const a = annotations['sidecar.istio.io/nativeSidecar'];
  return (a === undefined || a === '' ? String(global) : a) !== 'false';
}

const hasProxy = (list: unknown): boolean => Array.isArray(list) && list.some((c) => isObject(c) && c['name'] === PROXY);

/** Native sidecars: a user istio-proxy declared in containers moves to the end of initContainers. */
function moveUserProxy(pod: JsonObject, overlay: Record<string, unknown>): void {
  const spec = objectAt(pod, 'spec');
  if (!hasProxy(objectAt(overlay, 'spec')['initContainers']) || !hasProxy(spec['containers'])) return;
  const proxy = containerNamed(spec, 'containers', PROXY);
  if (proxy === undefined) return;
  spec['containers'] = arrayAt(spec, 'containers').filter((c) => c !== proxy);
  spec['initContainers'] = [...arrayAt(spec, 'initContainers'), proxy];
}

const NAMED_LISTS = ['initContainers', 'containers', 'volumes', 'imagePullSecrets'] as const;

/** What a template adds, by name only: enough for the status annotation and the override step. */
function skeleton(overlay: JsonObject): JsonObject {
  const spec = objectAt(overlay, 'spec');
  const out: JsonObject = {};
  for (const list of NAMED_LISTS) {
    if (Array.isArray(spec[list])) out[list] = spec[list].filter(isObject).map((item) => ({ name: item['name'] ?? null }));
  }
  return { spec: out };
}

/** Merges every template onto the Pod; returns the names the templates produced (Istio's templatePod). */
function mergeTemplates(pod: JsonObject, templates: readonly CompiledTemplate[], data: TemplateData): JsonObject {
  const templatePod: JsonObject = {};
  for (const t of templates) {
    const overlay = t.render(data as unknown as Record<string, unknown>) as JsonObject;
    if (data.nativeSidecar) moveUserProxy(pod, overlay);
    mergeInto(templatePod, skeleton(overlay), POD_SCHEMA);
    mergeInto(pod, overlay, POD_SCHEMA);
  }
  ownWritableParts(pod);
  return templatePod;
}

interface Prepared {
  readonly base: JsonObject;
  readonly pod: JsonObject;
  readonly namespace: string;
  readonly annotations: Record<string, string>;
  readonly decision: Decision;
}

/** Decodes and decides; the inject step runs only for Pods the decision accepts. */
export function prepare(settings: InjectorSettings, input: InjectInput): Prepared {
  if (!isObject(input.pod)) throw new InjectionDenied('invalid_pod', 'the object is not a Pod');
  const base = withoutManagedFields(input.pod);
  checkPodShape(base);
  const pod = draftOf(base);
  const metadata = podMetadata(pod);
  const namespace = sprint(metadata['namespace']) || input.namespace || '';
  const decision = decide(settings.config, pod, namespace, input.policy ? { policy: input.policy } : {});
  return { base, pod, namespace, annotations: stringMap(metadata['annotations']), decision };
}

interface Previous {
  readonly status: InjectionStatus | undefined;
  readonly overrides: ParsedContainers;
}

function previousInjection(annotations: Readonly<Record<string, string>>): Previous {
  const overrides = parseOverrides(annotations);
  if (typeof overrides === 'string') throw new InjectionDenied('invalid_overrides', overrides);
  return { status: parseStatus(annotations), overrides };
}

function checkAnnotations(annotations: Readonly<Record<string, string>>): void {
  const problems = validateAnnotations(annotations);
  if (problems.length > 0)
    throw new InjectionDenied('invalid_annotation', `invalid annotation value${problems.length > 1 ? 's' : ''}: ${problems.map((p) => p.message).join('; ')}`);
}

function buildData(settings: InjectorSettings, p: Prepared, input: InjectInput, previous: Previous): TemplateData {
  const { config } = settings;
  const pcAnnotation = p.annotations['proxy.istio.io/config'];
  const parsed = pcAnnotation === undefined ? undefined : (parseProxyConfig(pcAnnotation) as JsonObject);
  const proxyConfig = podProxyConfig(config, parsed);
  const meshStatusPort = sprint(objectAt(config.mesh, 'defaultConfig')['statusPort'] ?? 15020);
  const view = previous.status ? stripInjection(p.pod, previous.status, previous.overrides, meshStatusPort) : p.pod;
  const workload = input.workload ? { ...input.workload, namespace: input.workload.namespace || p.namespace } : workloadOf(p.pod, p.namespace);
  const namespaceAnnotations = input.namespaceMeta?.annotations;
  return templateData({
    config,
    pod: view,
    workload,
    proxyConfig,
    nativeSidecar: nativeFor(p.annotations, input.nativeSidecars ?? config.nativeSidecars),
    ...(namespaceAnnotations ? { namespaceAnnotations } : {}),
  });
}

function postprocess(settings: InjectorSettings, p: Prepared, input: InjectInput, data: TemplateData, templatePod: JsonObject, reinjection: boolean): void {
  const { config } = settings;
  const env = clusterEnv(config.values, input.pathEnv ?? {}, podLabels(p.pod));
  applyClusterEnv(p.pod, env);
  applyPrometheusMerge(p.pod, config.mesh);
  applySecurePort(p.pod);
  rewriteProbes(p.pod, config, reinjection);
  settleProxyEnv(p.pod, Object.keys(env));
  applyMetadata(p.pod, env['ISTIO_META_NETWORK'] ?? '', statusAnnotation(templatePod, config.revision), config.injectedAnnotations);
  reorder(p.pod, data.istio.holdApplication);
}

/** Renders, merges and post-processes an accepted Pod; throws InjectionDenied or TemplateRenderError. */
export function injectAccepted(settings: InjectorSettings, p: Prepared, input: InjectInput): InjectOutcome {
  checkAnnotations(p.annotations);
  const templates = selectTemplates(settings, p.annotations);
  const previous = previousInjection(p.annotations);
  const data = buildData(settings, p, input, previous);
  const templatePod = mergeTemplates(p.pod, templates, data);
  reapplyOverrides({ pod: p.pod, original: p.base, templatePod, ...previous });
  adjustInitContainerUser(p.pod, userProxy(p.base, previous.status, previous.overrides), data.istio.interceptionMode);
  postprocess(settings, p, input, data, templatePod, previous.status !== undefined);
  const ambient = ambientSource(podLabels(p.base), input.namespaceLabels);
  const warnings = ambient ? [...p.decision.warnings, ambientNote(ambient)] : [...p.decision.warnings];
  return { kind: 'inject', pod: p.pod, patch: createPatch(p.base, p.pod), warnings };
}

/** Turns the core's typed failures into deny outcomes; anything else is a bug and propagates. */
export function denyOnError(run: () => InjectOutcome): InjectOutcome {
  try {
    return run();
  } catch (e) {
    if (e instanceof InjectionDenied) return { kind: 'deny', reason: e.reason, message: e.message };
    if (e instanceof TemplateRenderError) return { kind: 'deny', reason: 'template_error', message: `failed to render the injection template: ${e.message}` };
    throw e;
  }
}

/**
 * kube-inject (a forced policy) reads proxy.istio.io/config before it asks whether the Pod is
 * injected at all, so a bad value refuses even a Pod that is not injected (host networking aside).
 */
function checkProxyConfigFirst(p: Prepared, input: InjectInput): void {
  const text = p.annotations['proxy.istio.io/config'];
  if (input.policy === undefined || p.decision.reason === 'host_network' || text === undefined) return;
  const parsed = parseProxyConfig(text);
  if (typeof parsed === 'string') throw new InjectionDenied('invalid_annotation', `annotation proxy.istio.io/config ${parsed}`);
}

export function runInjection(settings: InjectorSettings, input: InjectInput): InjectOutcome {
  return denyOnError(() => {
    const p = prepare(settings, input);
    if (!p.decision.inject) {
      checkProxyConfigFirst(p, input);
      return { kind: 'skip', reason: p.decision.reason ?? 'policy_disabled', message: p.decision.message };
    }
    return injectAccepted(settings, p, input);
  });
}
