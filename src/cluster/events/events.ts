// Kubernetes Events about what meshgate did (the `events` setting): leadership, certificate
// Secret changes, the validating webhook failing closed, rejected injection configuration.
// Each names the object it is about (a Lease or Secret in meshgate's namespace, Istio's injector
// ConfigMap in the Istio namespace) and is recorded in that object's namespace, so `kubectl
// describe` of that object and `kubectl get events -n <namespace>` show it. They go through the
// same aggregating, rate-limited recorder as the admission Events (event-recorder.ts): recording
// is best effort, a refused Event is logged at debug level and never holds up the work it describes.
import type { CoreV1Event } from '@kubernetes/client-node';
import type { AdmissionNotice, NoticeSink } from '../../admission/notice.js';
import { eventBody as aggregatedBody } from './event-recorder.js';

export interface EventObject {
  readonly kind: 'Lease' | 'Secret' | 'ConfigMap';
  readonly name: string;
  /** The object's namespace when it is not meshgate's own (Istio's ConfigMaps). */
  readonly namespace?: string;
}

export interface MeshgateEvent {
  readonly object: EventObject;
  /** UpperCamelCase, e.g. LeaderElected. */
  readonly reason: string;
  readonly message: string;
  readonly type?: 'Normal' | 'Warning';
}

export interface EventRecorder {
  record(event: MeshgateEvent): void;
}

/** Records nothing (the `events` setting off). */
export const NO_EVENTS: EventRecorder = { record: () => undefined };

const API_VERSIONS: Readonly<Record<EventObject['kind'], string>> = { Lease: 'coordination.k8s.io/v1', Secret: 'v1', ConfigMap: 'v1' };

/** The notice for an Event about `event.object`, in its namespace (meshgate's unless it names one). */
export function operationalNotice(defaultNamespace: string, event: MeshgateEvent): AdmissionNotice {
  // The API server takes an Event only in the namespace of the object it is about.
  const namespace = event.object.namespace ?? defaultNamespace;
  const object = { apiVersion: API_VERSIONS[event.object.kind], kind: event.object.kind, name: event.object.name, namespace };
  return { type: event.type ?? 'Normal', reason: event.reason, message: event.message, object };
}

/** The Event object for `event`, reported by `instance` (the replica's identity). */
export function eventBody(defaultNamespace: string, instance: string, event: MeshgateEvent, now = new Date()): CoreV1Event {
  const notice = operationalNotice(defaultNamespace, event);
  return aggregatedBody(notice.object, notice, instance, { first: now, last: now, count: 1 });
}

/** Operational Events through the shared recorder (`sink`). */
export function createEventRecorder(sink: NoticeSink, namespace: string): EventRecorder {
  return { record: (event) => sink.notify(operationalNotice(namespace, event)) };
}
