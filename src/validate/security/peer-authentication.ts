// PeerAuthentication (security.istio.io): the mTLS mode of the selected workloads, optionally
// per port. Port-level settings only make sense for a policy that selects specific workloads.
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import { asMapping, type Mapping } from '../../lib/json.js';
import { istioKind } from '../common/istio-kind.js';

function rules(spec: Mapping, c: Collector): void {
  checkPolicyAttachment(spec, c, { targetRefs: false });
  checkPortLevelMtls(spec, c);
}

function checkPortLevelMtls(spec: Mapping, c: Collector): void {
  const ports = asMapping(spec['portLevelMtls']);
  if (!ports) return;
  const path = 'spec.portLevelMtls';
  const keys = Object.keys(ports);
  if (keys.length === 0) c.error(path, 'must list at least one port when present; remove it to use the workload-wide mode');
  if (keys.length > 0 && !hasLabels(spec)) {
    c.error(path, 'port-level mTLS needs a selector with matchLabels; a namespace- or mesh-wide policy cannot set it');
  }
  for (const key of keys) {
    const port = /^\d+$/.test(key) ? Number(key) : NaN;
    if (Number.isNaN(port)) c.error(at(path, key), `port "${key}" is not a number`);
    else if (port < 1 || port > 65535) c.error(at(path, key), `port ${port} is outside 1-65535`);
  }
}

function hasLabels(spec: Mapping): boolean {
  const labels = asMapping(asMapping(spec['selector'])?.['matchLabels']);
  return labels !== undefined && Object.keys(labels).length > 0;
}

export const validatePeerAuthentication = istioKind({ rules });
