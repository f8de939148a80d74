// ReferenceGrant: lets objects in other namespaces (from) refer to objects in this one (to).
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import type { JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { group, kind, namespace, objectName } from './types.js';
import { entries, gatewayApiValidator, str, type Context } from './common.js';

const spec = z.strictObject({
  from: boundedList(z.strictObject({ group, kind, namespace }), 16, 1),
  to: boundedList(z.strictObject({ group, kind, name: objectName.optional() }), 16, 1),
});

function rules(s: JsonObject, ctx: Context, c: Collector): void {
  for (const f of entries(s['from'], 'spec.from')) {
    if (ctx.namespace !== '' && str(f.o, 'namespace') === ctx.namespace) {
      c.warn(`${at(f.path, 'namespace')}: same-namespace references need no grant; this entry has no effect`);
    }
  }
}

export const validateReferenceGrant = gatewayApiValidator({ schema: () => spec, rules });
