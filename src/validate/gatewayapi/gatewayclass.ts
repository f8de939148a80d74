// GatewayClass: which controller implements Gateways of this class, and its parameters.
// controllerName is immutable, which only an UPDATE with the old object can check; this
// validator sees one object at a time.
import { z } from 'zod';
import type { Collector } from '../issues.js';
import type { JsonObject } from '../common/values.js';
import { controllerName, group, kind, namespace } from './types.js';
import { gatewayApiValidator } from './common.js';

const spec = z.strictObject({
  controllerName,
  parametersRef: z
    .strictObject({ group, kind, name: z.string().min(1).max(253), namespace: namespace.optional() })
    .optional(),
  description: z.string().max(64).optional(),
});

// Every GatewayClass rule is structural; the CRD's only CEL rule (immutability) needs the old object.
function rules(_s: JsonObject, _ctx: unknown, _c: Collector): void {}

export const validateGatewayClass = gatewayApiValidator({ schema: () => spec, rules });
