// Memoisation of pure checks on strings. Admission requests repeat the same values (one
// destination host in every route of a VirtualService, the same regexes on every update), and
// checking them costs far more than a map lookup. The caches are bounded: at most `limit`
// entries (emptied when full) and only for strings of at most `maxLength` characters, so
// hostile input cannot make them grow.

/** `fn`, remembering its result for each string it was called with. */
export function memoized<T>(fn: (text: string) => T, limit = 4096, maxLength = 1024): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    if (text.length > maxLength) return fn(text);
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) return hit as T;
    const result = fn(text);
    if (cache.size >= limit) cache.clear();
    cache.set(text, result);
    return result;
  };
}
