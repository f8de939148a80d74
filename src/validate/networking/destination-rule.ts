// DestinationRule: the host it configures, its subsets and the traffic policies (top level and
// per subset), exportTo and the optional workload selector.
import { checkDurations } from '../common/duration-fields.js';
import { isLabel, wildcardHostProblem } from '../common/hosts.js';
import { checkExportTo, checkLabelMap, checkWorkloadSelector } from '../common/selectors.js';
import { asArray, asMapping, asString } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';
import { isSet } from './route-parts.js';
import { checkTrafficPolicy } from './traffic-policy.js';

function checkSubsets(c: Collector, value: unknown, namespace: string): void {
  const names = new Set<string>();
  asArray(value).forEach((raw, i) => {
    const path = `spec.subsets[${i}]`;
    const s = asMapping(raw);
    if (!s) return c.error(path, 'a subset may not be null');
    const name = asString(s['name']) ?? '';
    if (name === '') c.error(at(path, 'name'), 'a subset needs a name');
    else if (!isLabel(name)) c.error(at(path, 'name'), `subset name "${name}" must be a DNS label (letters, digits and inner dashes)`);
    else if (names.has(name)) c.error(at(path, 'name'), `subset "${name}" is defined more than once`);
    names.add(name);
    checkLabelMap(c, at(path, 'labels'), s['labels']);
    checkTrafficPolicy(c, at(path, 'trafficPolicy'), s['trafficPolicy'], namespace);
  });
}

function rules({ c, spec, namespace }: SpecContext): void {
  checkDurations('DestinationRule', spec, c);
  const host = asString(spec['host']);
  if (host !== undefined) {
    const problem = wildcardHostProblem(host);
    if (problem) c.error('spec.host', problem);
  }
  checkTrafficPolicy(c, 'spec.trafficPolicy', spec['trafficPolicy'], namespace);
  checkSubsets(c, spec['subsets'], namespace);
  const scoped = isSet(spec['workloadSelector']);
  checkExportTo(c, 'spec.exportTo', spec['exportTo'], namespace, { selectorScoped: scoped });
  checkWorkloadSelector(c, 'spec.workloadSelector', spec['workloadSelector'], { field: 'matchLabels', kindWord: 'workload' });
}

export const validateDestinationRule = istioKind({ rules });
