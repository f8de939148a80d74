// WorkloadGroup: the template for the WorkloadEntries of VMs joining the mesh, their metadata,
// and the readiness probe the agent on each VM runs.
import { headerNameProblem } from '../common/headers.js';
import { portNumberProblem } from '../common/ports.js';
import { checkLabelMap } from '../common/selectors.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';
import { isSet } from './route-parts.js';
import { checkEntryShape } from './workload-entry.js';

const COUNTERS = ['periodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'];
const METHODS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

function checkPort(c: Collector, path: string, method: Mapping): void {
  if (method['port'] === undefined) return; // required by the schema
  const n = asNumber(method['port']) ?? 0;
  const problem = portNumberProblem(n);
  if (problem) c.error(at(path, 'port'), problem);
}

function checkHttpGet(c: Collector, path: string, get: Mapping): void {
  checkPort(c, path, get);
  const scheme = asString(get['scheme']) ?? '';
  if (scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS') c.error(at(path, 'scheme'), `scheme must be HTTP or HTTPS, not "${scheme}"`);
  asArray(get['httpHeaders']).forEach((raw, i) => {
    const where = at(at(path, 'httpHeaders'), i);
    const header = asMapping(raw);
    if (!header) return c.error(where, 'a probe header may not be null');
    const problem = headerNameProblem(asString(header['name']) ?? '', { strict: true });
    if (problem) c.error(at(where, 'name'), problem);
  });
}

function checkProbe(c: Collector, path: string, value: unknown): void {
  const p = asMapping(value);
  if (!p) return;
  for (const key of COUNTERS) {
    if ((asNumber(p[key]) ?? 0) < 0) c.error(at(path, key), `${key} must not be negative`);
  }
  const methods = METHODS.filter((m) => isSet(p[m]));
  if (methods.length === 0) return c.error(path, 'the probe needs a method: httpGet, tcpSocket or exec');
  if (methods.length > 1) c.error(path, `set only one probe method; ${methods.join(' and ')} are set`);
  const method = methods[0] as string;
  const body = asMapping(p[method]) ?? {};
  const where = at(path, method);
  if (method === 'httpGet') checkHttpGet(c, where, body);
  else if (method === 'tcpSocket') checkPort(c, where, body);
  else if (method === 'exec') {
    if (asArray(body['command']).length === 0) c.error(at(where, 'command'), 'an exec probe needs a command');
  } else {
    checkPort(c, where, body);
    c.error(where, 'Istio does not run grpc readiness probes for WorkloadGroups; use httpGet, tcpSocket or exec');
  }
}

function rules({ c, spec }: SpecContext): void {
  const template = asMapping(spec['template']);
  if (!template) return;
  checkEntryShape(c, 'spec.template', template);
  checkLabelMap(c, 'spec.metadata.labels', asMapping(spec['metadata'])?.['labels']);
  checkProbe(c, 'spec.probe', spec['probe']);
}

export const validateWorkloadGroup = istioKind({ rules });
