// Type guards for walking raw JSON without trusting its shape.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The object's `metadata.name` and `metadata.namespace` as strings ('' when absent). */
export function nameOf(obj: { metadata?: unknown }): { name: string; namespace: string } {
  const md = asObject(obj.metadata) ?? {};
  return { name: asString(md['name']) ?? '', namespace: asString(md['namespace']) ?? '' };
}
