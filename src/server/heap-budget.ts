// How many bytes of admission requests may be in flight at once, derived from the heap cap.
// V8's heap_size_limit is the old generation plus the young one (three semi-spaces: 192 MiB on
// Node 24 by default, 48 MiB on Node 22, 24 MiB with --max-semi-space-size=8), but the bodies of
// requests in flight — a string, then the parsed tree — survive into the old generation, whose cap
// is --max-old-space-size. One in-flight body byte costs about 3.4 bytes of memory while it is
// decoded and injected (measured: +21 MiB of RSS per 6.2 MiB Pod); an eighth of the old
// generation keeps the in-flight share near half of it, beside what the server holds at rest.
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const MiB = 1024 * 1024;

/** The in-flight budget is this fraction of the old generation's cap. */
export const OLD_SPACE_DIVISOR = 8;

/** Never less than this, so that one Pod near the default 7 MiB body limit still fits beside small ones. */
export const MIN_BUDGET_BYTES = 8 * MiB;

export interface HeapFacts {
  /** v8.getHeapStatistics().heap_size_limit: old generation plus young generation. */
  readonly heapSizeLimit: number;
  /** --max-old-space-size in bytes, when given on the command line or in NODE_OPTIONS. */
  readonly maxOldSpace?: number;
  /** --max-semi-space-size in bytes, when given. */
  readonly maxSemiSpace?: number;
  /** The container's memory limit (cgroup memory.max), when there is one. */
  readonly cgroupLimit?: number;
}

export interface Budget {
  readonly bytes: number;
  /** The old-generation cap the budget was derived from, in bytes. */
  readonly oldSpace: number;
  /** Where the figure came from, for the start-up log line and the docs. */
  readonly source: 'configured' | 'max-old-space-size' | 'heap-size-limit' | 'memory-limit';
}

/** The value of a V8 size flag (MiB) among Node's arguments; the last one wins, as in V8. */
export function flagMiB(args: readonly string[], name: string): number | undefined {
  let found: number | undefined;
  const alt = name.replace(/-/g, '_');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const n of [name, alt]) {
      if (arg.startsWith(`--${n}=`)) found = Number(arg.slice(n.length + 3));
      else if (arg === `--${n}`) found = Number(args[i + 1]);
    }
  }
  return found !== undefined && Number.isFinite(found) && found > 0 ? found * MiB : undefined;
}

function cgroupMemoryLimit(): number | undefined {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      // cgroup v1 says "no limit" with a number near 2^63.
      if (Number.isFinite(n) && n > 0 && n < 2 ** 60) return n;
    } catch {
      // not in a cgroup with a memory controller
    }
  }
  return undefined;
}

/** The facts of this process: its heap statistics, its V8 flags and its container. */
export function heapFacts(): HeapFacts {
  const args = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter((a) => a !== '')];
  const maxOldSpace = flagMiB(args, 'max-old-space-size');
  const maxSemiSpace = flagMiB(args, 'max-semi-space-size');
  const cgroupLimit = cgroupMemoryLimit();
  return {
    heapSizeLimit: getHeapStatistics().heap_size_limit,
    ...(maxOldSpace !== undefined ? { maxOldSpace } : {}),
    ...(maxSemiSpace !== undefined ? { maxSemiSpace } : {}),
    ...(cgroupLimit !== undefined ? { cgroupLimit } : {}),
  };
}

/**
 * The old generation's cap: --max-old-space-size when given; else heap_size_limit less the
 * young generation when --max-semi-space-size says how large that is; else heap_size_limit.
 */
export function oldSpaceOf(facts: HeapFacts): { bytes: number; source: 'max-old-space-size' | 'heap-size-limit' } {
  if (facts.maxOldSpace !== undefined) return { bytes: Math.min(facts.maxOldSpace, facts.heapSizeLimit), source: 'max-old-space-size' };
  const young = facts.maxSemiSpace !== undefined ? 3 * facts.maxSemiSpace : 0;
  return { bytes: Math.max(facts.heapSizeLimit - young, facts.heapSizeLimit / 2), source: 'heap-size-limit' };
}

/**
 * The in-flight byte budget: `configured` when above 0, else an eighth of the old generation,
 * and never more than a sixteenth of a container memory limit (a heap cap left above the
 * container's limit must not let bursts reach it), nor less than MIN_BUDGET_BYTES.
 */
export function inFlightBudget(configured: number, facts: HeapFacts = heapFacts()): Budget {
  const old = oldSpaceOf(facts);
  if (configured > 0) return { bytes: configured, oldSpace: old.bytes, source: 'configured' };
  const fromHeap = old.bytes / OLD_SPACE_DIVISOR;
  const fromContainer = facts.cgroupLimit !== undefined ? facts.cgroupLimit / 16 : Infinity;
  const source = fromContainer < fromHeap ? 'memory-limit' : old.source;
  return { bytes: Math.max(MIN_BUDGET_BYTES, Math.floor(Math.min(fromHeap, fromContainer))), oldSpace: old.bytes, source };
}
