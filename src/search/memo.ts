/**
 * Remembers a pure function of a string for the last `maxEntries` distinct inputs of at most
 * `maxKeyLength` characters (longer inputs are computed every time: they rarely repeat, and would
 * make the memory unbounded in practice). The oldest input is forgotten first. The result is
 * shared between callers, so it must not be changed: the types say so.
 */
export function memoiseText<T>(fn: (text: string) => T, maxEntries: number, maxKeyLength: number): (text: string) => T {
  const results = new Map<string, T>();
  return (text: string) => {
    if (text.length > maxKeyLength) return fn(text);
    const known = results.get(text);
    if (known !== undefined) return known;
    const result = fn(text);
    if (results.size >= maxEntries) results.delete(results.keys().next().value as string);
    results.set(text, result);
    return result;
  };
}
