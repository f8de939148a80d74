// One AuthorizationPolicy rule: its `from` sources, `to` operations and `when` conditions.
import { at, type Collector } from '../issues.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { conditionKey, ipProblem, pathProblem, portProblem, serviceAccountProblem, trustDomainProblem, type ValueCheck } from './authorization-values.js';

/** Source fields and the grammar of their values (undefined: any non-empty string). */
export const SOURCE_FIELDS: Readonly<Record<string, ValueCheck | undefined>> = {
  principals: undefined,
  notPrincipals: undefined,
  requestPrincipals: undefined,
  notRequestPrincipals: undefined,
  namespaces: undefined,
  notNamespaces: undefined,
  serviceAccounts: serviceAccountProblem,
  notServiceAccounts: serviceAccountProblem,
  ipBlocks: ipProblem,
  notIpBlocks: ipProblem,
  remoteIpBlocks: ipProblem,
  notRemoteIpBlocks: ipProblem,
  trustDomains: trustDomainProblem,
  notTrustDomains: trustDomainProblem,
};

export const OPERATION_FIELDS: Readonly<Record<string, ValueCheck | undefined>> = {
  hosts: undefined,
  notHosts: undefined,
  ports: portProblem,
  notPorts: portProblem,
  methods: undefined,
  notMethods: undefined,
  paths: pathProblem,
  notPaths: pathProblem,
};

/** Source fields that come from the peer's identity or address, so they work on plain TCP too. */
const TCP_SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
];
const TCP_OPERATION_FIELDS = ['ports', 'notPorts'];
const SA_CONFLICTS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];
const MAX_SERVICE_ACCOUNTS = 16;

/** What a rule uses, for the DENY-rule warning. */
interface RuleShape {
  readonly from: boolean;
  readonly to: boolean;
  readonly tcpFrom: boolean;
  readonly tcpTo: boolean;
}

/** Checks one rule; returns whether a DENY of it would also cut plain TCP traffic. */
export function checkRule(rule: Mapping, path: string, c: Collector): boolean {
  const sources = clauses(rule, 'from', 'source', path, c);
  const operations = clauses(rule, 'to', 'operation', path, c);
  sources.forEach(([src, p]) => checkFields(src, p, SOURCE_FIELDS, c));
  sources.forEach(([src, p]) => checkServiceAccounts(src, p, c));
  operations.forEach(([op, p]) => checkFields(op, p, OPERATION_FIELDS, c));
  asArray(rule['when']).forEach((cond, i) => checkCondition(asMapping(cond), at(at(path, 'when'), i), c));
  return httpOnly({
    from: sources.length > 0,
    to: operations.length > 0,
    tcpFrom: sources.some(([src]) => TCP_SOURCE_FIELDS.some((f) => src[f] !== undefined)),
    tcpTo: operations.some(([op]) => TCP_OPERATION_FIELDS.some((f) => op[f] !== undefined)),
  });
}

function httpOnly(s: RuleShape): boolean {
  return (s.from && !s.to && !s.tcpFrom) || (s.to && !s.tcpTo);
}

/** The `source`/`operation` objects of `from`/`to`, with their paths; reports empty or missing ones. */
function clauses(rule: Mapping, list: string, field: string, path: string, c: Collector): [Mapping, string][] {
  const items = rule[list];
  const listPath = at(path, list);
  // istiod reads an empty list as an absent one (protobuf has no difference), so it is accepted.
  if (Array.isArray(items) && items.length === 0) c.warn(`${listPath}: an empty list is the same as none: this rule matches any ${field}`);
  const found: [Mapping, string][] = [];
  asArray(items).forEach((item, i) => {
    const entry = asMapping(item);
    if (!entry) return;
    const p = at(at(listPath, i), field);
    if (entry[field] === undefined) c.error(p, `is required: each entry of ${list} needs a ${field}`);
    const clause = asMapping(entry[field]);
    if (clause) found.push([clause, p]);
  });
  return found;
}

/** At least one field set; no empty values; each value in its field's grammar. */
function checkFields(clause: Mapping, path: string, fields: Readonly<Record<string, ValueCheck | undefined>>, c: Collector): void {
  const names = Object.keys(fields);
  if (!names.some((f) => asArray(clause[f]).length > 0)) {
    const examples = names
      .filter((n) => !n.startsWith('not'))
      .slice(0, 3)
      .join(', ');
    c.error(path, `is empty; set at least one of its fields, such as ${examples}`);
  }
  for (const name of names) checkValues(clause[name], at(path, name), fields[name], c);
}

function checkValues(list: unknown, path: string, check: ValueCheck | undefined, c: Collector): void {
  asArray(list).forEach((v, i) => {
    const value = asString(v);
    if (value === undefined) return;
    const why = value === '' ? 'must not be empty' : check?.(value);
    if (why) c.error(at(path, i), why);
  });
}

function checkServiceAccounts(src: Mapping, path: string, c: Collector): void {
  for (const field of ['serviceAccounts', 'notServiceAccounts']) {
    if (src[field] === undefined) continue;
    const clash = SA_CONFLICTS.filter((f) => src[f] !== undefined);
    if (clash.length > 0) {
      c.error(at(path, field), `cannot be combined with ${clash.join(' or ')} in the same source; use separate from entries`);
    }
  }
}

function checkCondition(cond: Mapping | undefined, path: string, c: Collector): void {
  if (!cond) return;
  const key = asString(cond['key']);
  if (key === undefined) return;
  if (key === '') {
    c.error(at(path, 'key'), 'must not be empty');
    return;
  }
  if (asArray(cond['values']).length === 0 && asArray(cond['notValues']).length === 0) {
    c.error(at(path, 'values'), `condition on "${key}" must set values, notValues, or both`);
  }
  const verdict = conditionKey(key);
  if (verdict.problem) c.error(at(path, 'key'), verdict.problem);
  for (const field of ['values', 'notValues']) {
    checkValues(cond[field], at(path, field), verdict.values, c);
    if (key === 'source.serviceAccount') checkCount(cond[field], at(path, field), c);
  }
}

function checkCount(list: unknown, path: string, c: Collector): void {
  const n = asArray(list).length;
  if (n > MAX_SERVICE_ACCOUNTS) c.error(path, `may list at most ${MAX_SERVICE_ACCOUNTS} service accounts; it lists ${n}`);
}
