// ListenerSet: extra listeners that attach to an existing Gateway (which must allow them).
import { z } from 'zod';
import type { Collector } from '../issues.js';
import type { JsonObject } from '../common/values.js';
import { group, kind, namespace, objectName } from './types.js';
import { gatewayApiValidator } from './common.js';
import { checkListeners, listenerList } from './listeners.js';

const spec = z.strictObject({
  parentRef: z.strictObject({
    group: group.optional(),
    kind: kind.optional(),
    namespace: namespace.optional(),
    name: objectName,
  }),
  listeners: listenerList,
});

function rules(s: JsonObject, _ctx: unknown, c: Collector): void {
  checkListeners(s['listeners'], 'spec.listeners', c);
}

export const validateListenerSet = gatewayApiValidator({ schema: () => spec, rules });
