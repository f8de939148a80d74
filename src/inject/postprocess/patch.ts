// RFC 6902 patch from the Pod as received to the injected Pod. The same walk as fast-json-patch's
// `compare` (objects key by key, arrays index by index, removals from the end), but values are
// not deep-copied through JSON: the operations share subtrees with the injected Pod, which is
// never changed after the patch is made. Applying the patch to the received Pod yields the
// injected Pod. The injected Pod shares what the injection left alone with the received one
// (pipeline.ts), and identical subtrees are skipped before their path is even built, so the
// cost follows what changed, not the size of the Pod.
import type { Operation } from 'fast-json-patch';

const escapePointer = (key: string): string => (key.includes('/') || key.includes('~') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null;

function diffArrays(from: unknown[], to: unknown[], path: string, ops: Operation[]): void {
  const common = Math.min(from.length, to.length);
  for (let i = from.length - 1; i >= to.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
  for (let i = 0; i < common; i++) if (from[i] !== to[i]) diffValue(from[i], to[i], `${path}/${i}`, ops);
  for (let i = from.length; i < to.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
}

function diffObjects(from: Record<string, unknown>, to: Record<string, unknown>, path: string, ops: Operation[]): void {
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key) || to[key] === undefined) {
      if (from[key] !== undefined) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
    } else if (from[key] !== to[key]) diffValue(from[key], to[key], `${path}/${escapePointer(key)}`, ops);
  }
  for (const key of Object.keys(to)) {
    if (to[key] !== undefined && (!Object.hasOwn(from, key) || from[key] === undefined)) {
      ops.push({ op: 'add', path: `${path}/${escapePointer(key)}`, value: to[key] });
    }
  }
}

function diffValue(from: unknown, to: unknown, path: string, ops: Operation[]): void {
  if (from === to) return;
  if (isContainer(from) && isContainer(to) && Array.isArray(from) === Array.isArray(to)) {
    if (Array.isArray(from)) diffArrays(from, to as unknown[], path, ops);
    else diffObjects(from as Record<string, unknown>, to as Record<string, unknown>, path, ops);
    return;
  }
  ops.push({ op: 'replace', path, value: to });
}

/** The operations that turn `from` into `to` (both JSON values; `from` is not changed). */
export function createPatch(from: unknown, to: unknown): Operation[] {
  const ops: Operation[] = [];
  diffValue(from, to, '', ops);
  return ops;
}
