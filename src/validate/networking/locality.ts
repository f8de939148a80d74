// Locality-aware load balancing (localityLbSetting) and zone-aware load balancing
// (zoneAwareLbSetting): localities are region[/zone[/subzone]], a trailing `*` at most once.
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';

const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';

type Tree = Map<string, Map<string, Set<string>>>;

/** Go's strings.SplitN(s, "/", 3): the third part keeps any further slashes. */
function splitLocality(locality: string): string[] {
  const parts = locality.split('/');
  return parts.length <= 3 ? parts : [parts[0] as string, parts[1] as string, parts.slice(2).join('/')];
}

function zonesOf(tree: Tree, region: string): Map<string, Set<string>> {
  const zones = tree.get(region) ?? new Map<string, Set<string>>();
  tree.set(region, zones);
  return zones;
}

/** Adds region[/zone[/subzone]] to `tree`; false when an earlier entry already covers it. */
function addLocality(tree: Tree, parts: string[]): boolean {
  const [region = '', zone, subzone] = parts;
  const known = tree.get(region);
  if (tree.has('*') || (zone === undefined && known) || known?.has('*')) return false;
  const zones = zonesOf(tree, region);
  if (zone === undefined) {
    zones.set('*', new Set(['*']));
    return true;
  }
  const subzones = zones.get(zone);
  if (subzone === undefined) {
    if (subzones) return false;
    zones.set(zone, new Set(['*']));
    return true;
  }
  if (subzones && (subzones.has('*') || subzones.has(subzone))) return false;
  zones.set(zone, (subzones ?? new Set<string>()).add(subzone));
  return true;
}

/** Why `locality` is malformed or overlaps one already in `tree` (which it then joins). */
function localityProblem(locality: string, tree: Tree): string | undefined {
  const stars = locality.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `"${locality}" may use "*" only once, as its last part`;
  if (tree.has('*')) return `"${locality}" overlaps with a locality listed before it`;
  const parts = splitLocality(locality);
  if (parts.some((p) => p === '')) return `"${locality}" has an empty region, zone or subzone`;
  return addLocality(tree, parts) ? undefined : `"${locality}" overlaps with a locality listed before it`;
}

/** Istio reports the first bad locality of a list. */
function checkLocalities(c: Collector, entries: readonly [string, string][]): void {
  const tree: Tree = new Map();
  for (const [path, locality] of entries) {
    const problem = localityProblem(locality, tree);
    if (problem) {
      c.error(path, problem);
      return;
    }
  }
}

function checkDistribute(c: Collector, path: string, lb: Mapping): boolean {
  const sources: [string, string][] = [];
  for (const [i, raw] of asArray(lb['distribute']).entries()) {
    const d = asMapping(raw) ?? {};
    const where = at(path, i);
    sources.push([at(where, 'from'), asString(d['from']) ?? '']);
    const to = Object.entries(asMapping(d['to']) ?? {});
    const bad = to.find(([, w]) => (asNumber(w) ?? 0) < 1 || (asNumber(w) ?? 0) > 100);
    if (bad) {
      c.error(at(at(where, 'to'), bad[0]), 'locality weights must be between 1 and 100');
      return false;
    }
    const total = to.reduce((sum, [, w]) => sum + (asNumber(w) ?? 0), 0);
    if (total !== 100) {
      c.error(at(where, 'to'), `the weights must add up to 100; they add up to ${total}`);
      return false;
    }
    checkLocalities(
      c,
      to.map(([loc]) => [at(at(where, 'to'), loc), loc]),
    );
  }
  checkLocalities(c, sources);
  return true;
}

/** Failover pairs name regions only: different, without "/" or "*". */
function checkFailover(c: Collector, path: string, value: unknown): void {
  asArray(value).forEach((raw, i) => {
    const f = asMapping(raw) ?? {};
    const from = asString(f['from']) ?? '';
    const to = asString(f['to']) ?? '';
    const where = at(path, i);
    if (from === to) c.error(at(where, 'to'), `failover must go to a different region than "${from}"`);
    if (from.includes('/') || to.includes('/')) c.error(where, 'failover names regions only; remove the zone and subzone parts');
    if (from.includes('*') || to.includes('*')) c.error(where, 'failover regions cannot contain "*"');
  });
}

function warnWithoutOutlier(c: Collector, path: string, lb: Mapping, hasOutlier: boolean): void {
  if ((asArray(lb['failover']).length > 0 || asArray(lb['failoverPriority']).length > 0) && !hasOutlier) {
    c.warn(`${path}: failover only happens when outlierDetection is configured`);
  }
}

export function checkLocality(c: Collector, path: string, value: unknown, hasOutlier: boolean): void {
  const lb = asMapping(value);
  if (!lb) return;
  const distribute = asArray(lb['distribute']).length > 0;
  const failover = asArray(lb['failover']).length > 0;
  if (distribute && failover) {
    c.error(path, 'set either distribute or failover, not both');
    return;
  }
  if (failover) {
    const label = asArray(lb['failoverPriority']).find((l) => l === REGION || l === ZONE || l === SUBZONE);
    if (label !== undefined) {
      c.error(at(path, 'failoverPriority'), `"${String(label)}" cannot be used together with failover, which already orders by region`);
      return;
    }
  }
  if (!checkDistribute(c, at(path, 'distribute'), lb)) return;
  warnWithoutOutlier(c, path, lb, hasOutlier);
  checkFailover(c, at(path, 'failover'), lb['failover']);
}

export function checkZoneAware(c: Collector, path: string, value: unknown, hasOutlier: boolean): void {
  const lb = asMapping(value);
  if (!lb) return;
  asArray(lb['failoverPriority']).forEach((l, i) => {
    if (l === REGION || l === ZONE || l === SUBZONE) {
      c.error(at(at(path, 'failoverPriority'), i), `"${String(l)}" is handled by zone-aware load balancing itself; remove it from failoverPriority`);
    }
  });
  warnWithoutOutlier(c, path, lb, hasOutlier);
  checkFailover(c, at(path, 'failover'), lb['failover']);
}
