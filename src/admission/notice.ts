// What an admission decision wants people to see besides the answer itself: a Kubernetes Event
// on the object a person applied (for a Pod, the workload that owns it, once resolved). Pure
// data; cluster mode records it (aggregated and rate-limited), anywhere else it is dropped.

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** The object under review, as far as the request tells it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  /** The name, or the generateName prefix followed by `*` when the name is not known yet. */
  readonly name: string;
  /** Known for objects that already exist (UPDATE), never for a Pod being created. */
  readonly uid?: string;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface AdmissionNotice {
  readonly type: 'Normal' | 'Warning';
  /** UpperCamelCase, e.g. SidecarInjectionSkipped. */
  readonly reason: string;
  /** What happened and why; it names no Pod, so the Events of a workload's Pods aggregate. */
  readonly message: string;
  readonly object: ObjectRef;
}

export interface NoticeSink {
  /** Never blocks and never throws: recording happens later, off the request path. */
  notify(notice: AdmissionNotice): void;
}

export const NO_NOTICES: NoticeSink = { notify: () => undefined };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function owners(v: unknown): OwnerReference[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.flatMap((o: unknown) => {
    const r = o as Record<string, unknown> | null;
    const apiVersion = str(r?.['apiVersion']);
    const kind = str(r?.['kind']);
    const name = str(r?.['name']);
    const uid = str(r?.['uid']);
    if (!apiVersion || !kind || !name || !uid) return [];
    return [{ apiVersion, kind, name, uid, ...(r?.['controller'] === true ? { controller: true } : {}) }];
  });
  return out.length > 0 ? out : undefined;
}

/** The reference of a raw object from a review; `fallback` fills what the object leaves out. */
export function objectRef(obj: unknown, fallback: { apiVersion: string; kind: string; namespace: string; name: string }): ObjectRef {
  const o = (obj !== null && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  const md = (o['metadata'] !== null && typeof o['metadata'] === 'object' ? o['metadata'] : {}) as Record<string, unknown>;
  const uid = str(md['uid']);
  const refs = owners(md['ownerReferences']);
  return {
    apiVersion: str(o['apiVersion']) ?? fallback.apiVersion,
    kind: str(o['kind']) ?? fallback.kind,
    namespace: str(md['namespace']) ?? fallback.namespace,
    name: fallback.name,
    ...(uid ? { uid } : {}),
    ...(refs ? { ownerReferences: refs } : {}),
  };
}
