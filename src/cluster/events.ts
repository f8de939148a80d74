// Kubernetes Events about what meshgate did (the `events` setting): leadership, certificate
// Secret changes, the validating webhook failing closed, rejected injection configuration.
// Each names an object in meshgate's namespace (Lease, Secret, ConfigMap), so `kubectl describe`
// of that object and `kubectl get events -n <namespace>` show it. Recording is best effort: a
// refused Event is logged at debug level and never holds up the work it describes.
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { messageOf, type Kube } from './kube.js';

export interface EventObject {
  readonly kind: 'Lease' | 'Secret' | 'ConfigMap';
  readonly name: string;
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

/** The Event object for `event`, reported by `instance` (the replica's identity). */
export function eventBody(namespace: string, instance: string, event: MeshgateEvent, now = new Date()): CoreV1Event {
  const time = now;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${event.object.name}.`, namespace },
    involvedObject: { apiVersion: API_VERSIONS[event.object.kind], kind: event.object.kind, name: event.object.name, namespace },
    reason: event.reason,
    message: event.message.slice(0, 1024),
    type: event.type ?? 'Normal',
    source: { component: 'meshgate' },
    reportingComponent: 'meshgate',
    reportingInstance: instance.slice(0, 128),
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}

export function createEventRecorder(kube: Kube, namespace: string, instance: string, log: Logger): EventRecorder {
  return {
    record: (event) => {
      kube.core.createNamespacedEvent({ namespace, body: eventBody(namespace, instance, event) }).catch((e: unknown) => {
        log.debug({ err: messageOf(e), reason: event.reason }, 'cannot record an Event');
      });
    },
  };
}
