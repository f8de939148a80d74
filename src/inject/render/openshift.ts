// OpenShift platform rule: the proxy runs with the user and group OpenShift assigns to the
// Namespace, the highest of the ranges in its `openshift.io/sa.scc.uid-range` and
// `openshift.io/sa.scc.supplemental-groups` annotations ("1000620000/10000" or
// "1000620000-1000629999"), instead of 1337.

export const DEFAULT_PROXY_ID = 1337;

/** The highest ID of the first range in an annotation value; undefined when it has none. */
export function highestOfRange(value: string | undefined): number | undefined {
  const first = value?.split(',')[0]?.trim();
  if (!first) return undefined;
  const sized = /^(\d+)\/(\d+)$/.exec(first);
  if (sized) return Number(sized[1]) + Number(sized[2]) - 1;
  const span = /^(\d+)-(\d+)$/.exec(first);
  if (span) return Number(span[2]);
  return /^\d+$/.test(first) ? Number(first) : undefined;
}

/** The proxy's UID and GID on OpenShift from the Namespace annotations (1337 where absent). */
export function openshiftProxyIds(annotations: Readonly<Record<string, string>> | undefined): { uid: number; gid: number } {
  const uid = highestOfRange(annotations?.['openshift.io/sa.scc.uid-range']) ?? DEFAULT_PROXY_ID;
  const gid = highestOfRange(annotations?.['openshift.io/sa.scc.supplemental-groups']) ?? uid;
  return { uid, gid };
}
