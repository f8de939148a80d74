// WorkloadEntry, and the same message used as a ServiceEntry endpoint or a WorkloadGroup
// template: an address (IP, host name or unix socket), named ports, labels.
import { fqdnProblem, isLabel } from '../common/hosts.js';
import { isIP, unixSocketProblem } from '../common/net.js';
import { checkLabelMap } from '../common/selectors.js';
import { asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';

const UNIX = 'unix://';

/** The CRD's rules for any WorkloadEntry-shaped object (also the WorkloadGroup template). */
export function checkEntryShape(c: Collector, path: string, we: Mapping): void {
  const address = asString(we['address']) ?? '';
  const ports = asMapping(we['ports']) ?? {};
  if (address.startsWith(UNIX)) {
    const problem = unixSocketProblem(address.slice(UNIX.length));
    if (problem) c.error(at(path, 'address'), problem);
    if (Object.keys(ports).length > 0) c.error(at(path, 'ports'), 'an endpoint on a unix socket has no ports; remove ports');
  }
  // Port numbers are bounded by the schema (1-65535); names must be DNS labels.
  for (const name of Object.keys(ports)) {
    if (!isLabel(name)) c.error(at(at(path, 'ports'), name), `port name "${name}" must be a DNS label (letters, digits and inner dashes)`);
  }
}

export interface EndpointOptions {
  /** The ServiceEntry's port names, when checking one of its endpoints. */
  readonly servicePorts?: ReadonlySet<string>;
  /**
   * `entry`: a WorkloadEntry (IP, host name or unix socket); `static`: a STATIC ServiceEntry
   * endpoint (IP or unix socket); `dns`: a DNS ServiceEntry endpoint (IP or host name).
   */
  readonly mode: 'entry' | 'static' | 'dns';
}

function checkAddress(c: Collector, path: string, address: string, mode: EndpointOptions['mode']): void {
  if (isIP(address)) return;
  if (mode === 'dns') {
    if (fqdnProblem(address)) c.error(at(path, 'address'), `"${address}" must be an IP address or a host name, as DNS resolution looks it up`);
  } else if (address === '' || address.startsWith(UNIX)) {
    return;
  } else if (mode === 'static') {
    c.error(at(path, 'address'), `"${address}" is not an IP address; STATIC resolution needs IP addresses (use resolution DNS for host names)`);
  } else if (fqdnProblem(address)) {
    c.error(at(path, 'address'), `"${address}" is neither an IP address nor a valid host name`);
  }
}

function checkServicePorts(c: Collector, path: string, we: Mapping, opts: EndpointOptions): void {
  if (!opts.servicePorts) return;
  for (const name of Object.keys(asMapping(we['ports']) ?? {})) {
    if (!opts.servicePorts.has(name)) c.error(at(at(path, 'ports'), name), `the ServiceEntry has no port named "${name}"`);
  }
  const address = asString(we['address']) ?? '';
  if (opts.mode === 'static' && address.startsWith(UNIX) && opts.servicePorts.size !== 1) {
    c.error(at(path, 'address'), 'a unix socket endpoint needs a ServiceEntry with exactly one port');
  }
}

/** Webhook rules for a WorkloadEntry or a ServiceEntry endpoint. */
export function checkEndpoint(c: Collector, path: string, we: Mapping, opts: EndpointOptions): void {
  const address = asString(we['address']) ?? '';
  const network = asString(we['network']) ?? '';
  checkEntryShape(c, path, we);
  if (address === '' && opts.mode !== 'dns') {
    if (network === '') {
      c.error(at(path, 'address'), 'an address is required (it may be left out only when network is set)');
      return;
    }
    c.warn(`${path}: no address, so traffic reaches it through the gateway of network "${network}"`);
  }
  checkAddress(c, path, address, opts.mode);
  checkServicePorts(c, path, we, opts);
  checkLabelMap(c, at(path, 'labels'), we['labels']);
}

function rules({ c, spec }: SpecContext): void {
  checkEndpoint(c, 'spec', spec, { mode: 'entry' });
}

export const validateWorkloadEntry = istioKind({ rules });
