// ProxyConfig (networking.istio.io, registered by this family): per-workload proxy settings
// (worker threads, environment, image flavour) for the selected workloads.
import { z } from 'zod';
import type { Collector } from '../issues.js';
import { checkPolicyAttachment, selectorSchema } from '../common/policy-attachment.js';
import type { JsonObject } from '../common/values.js';
import { istioKind } from './istio-kind.js';

const INT32_MAX = 2147483647;

const schema = z.strictObject({
  selector: selectorSchema.optional(),
  concurrency: z
    .number()
    .int()
    .min(0, { error: 'must be 0 or more (0 means one worker thread per CPU core)' })
    .max(INT32_MAX)
    .nullable()
    .optional(),
  environmentVariables: z.record(z.string(), z.string()).optional(),
  image: z.strictObject({ imageType: z.string().optional() }).optional(),
});

function rules(spec: JsonObject, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: false });
}

export const validateProxyConfig = istioKind({ schema, rules });
