// The Pod fields the injector reads and writes, typed in one place. The pipeline walks the Pod as
// raw JSON (the patch is computed against exactly what the API server sent), and these accessors
// are where that JSON is narrowed, so that `as` casts do not spread through the steps.
import { arrayAt, isObject, objectAt, stringMap, type JsonObject } from '../lib/json.js';

/** The two lists a sidecar container can sit in. */
export const CONTAINER_LISTS = ['initContainers', 'containers'] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/**
 * The admission request's object as a JSON tree. The one cast of the injector's input: it came
 * from JSON.parse, so every value in it is JSON; the shape checks happen in the pipeline.
 */
export function podFromRequest(raw: Readonly<Record<string, unknown>>): JsonObject {
  return { ...raw } as JsonObject;
}

/** `metadata`, or {} when absent or not an object. */
export function podMetadata(pod: unknown): JsonObject {
  return objectAt(pod, 'metadata');
}

/** `spec`, or {} when absent or not an object. */
export function podSpec(pod: unknown): JsonObject {
  return objectAt(pod, 'spec');
}

/** `metadata.labels` as strings. */
export function podLabels(pod: unknown): Record<string, string> {
  return stringMap(podMetadata(pod)['labels']);
}

/** `metadata.annotations` as strings. */
export function podAnnotations(pod: unknown): Record<string, string> {
  return stringMap(podMetadata(pod)['annotations']);
}

/** The containers of one list of a Pod spec (entries that are not objects left out). */
export function containersIn(spec: unknown, list: ContainerList): JsonObject[] {
  return arrayAt(spec, list).filter(isObject);
}

/** The container of that name in one list, if any. */
export function containerNamed(spec: unknown, list: ContainerList, name: string): JsonObject | undefined {
  return containersIn(spec, list).find((c) => c['name'] === name);
}

/** A probe or hook handler's action (`httpGet`, `tcpSocket`, `grpc`), or {} when it has none of that kind. */
export function handlerAction(handler: unknown, kind: string): JsonObject {
  return objectAt(handler, kind);
}
