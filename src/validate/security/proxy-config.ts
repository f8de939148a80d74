// ProxyConfig (networking.istio.io, registered by this family): per-workload proxy settings
// (worker threads, environment, image flavour) for the selected workloads.
import type { Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import type { Mapping } from '../../lib/json.js';
import { istioKind } from '../common/istio-kind.js';

function rules(spec: Mapping, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: false });
}

export const validateProxyConfig = istioKind({ rules });
