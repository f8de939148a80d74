// Rules every Istio kind shares, checked before the kind's own rules: a few annotations that
// only Istio itself may set, and the dry-run annotation that only AuthorizationPolicy supports.
import { at, type Collector, type KubeObject } from '../issues.js';
import { asMapping, asString } from '../../lib/json.js';

const RESERVED = ['internal.istio.io/parent-namespace', 'internal.istio.io/parents'];
export const ALWAYS_REJECT = 'internal.istio.io/webhook-always-reject';
const DRY_RUN = 'istio.io/dry-run';

/**
 * Annotation rules. `dryRunAction` is the AuthorizationPolicy action when the kind supports
 * `istio.io/dry-run`, and undefined for every other kind.
 */
export function checkIstioAnnotations(obj: KubeObject, c: Collector, dryRunAction?: string): void {
  const annotations = asMapping(asMapping(obj.metadata)?.['annotations']) ?? {};
  const base = 'metadata.annotations';
  if (ALWAYS_REJECT in annotations) {
    c.error(at(base, ALWAYS_REJECT), 'this annotation makes meshgate reject the object (it is used to probe that the webhook works)');
  }
  for (const key of RESERVED) {
    if (key in annotations) c.error(at(base, key), 'this annotation is reserved for Istio and may not be set by users');
  }
  if (!(DRY_RUN in annotations)) return;
  const path = at(base, DRY_RUN);
  if (dryRunAction === undefined) {
    c.error(path, 'only AuthorizationPolicy supports the dry-run annotation; remove it');
    return;
  }
  const value = asString(annotations[DRY_RUN]);
  if (value === undefined || !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) {
    c.error(path, `must be "true" or "false", got ${JSON.stringify(annotations[DRY_RUN])}`);
  }
  if (dryRunAction !== 'ALLOW' && dryRunAction !== 'DENY') {
    c.error(path, `dry-run works only with the ALLOW and DENY actions, not ${dryRunAction}`);
  }
}
