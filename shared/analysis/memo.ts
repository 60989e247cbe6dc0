/**
 * The value kept under two keys, computed on its first request. Callers key by the values that
 * determine the answer (shared evaluations, kept sources), so the answer never depends on call order.
 */
export function memoByTwoKeys<K1, K2, V extends object | null>(
  table: Map<K1, Map<K2, V>>,
  first: K1,
  second: K2,
  compute: () => V,
): V {
  let inner = table.get(first);
  if (!inner) {
    inner = new Map();
    table.set(first, inner);
  }
  const known = inner.get(second);
  if (known !== undefined) return known;
  const value = compute();
  inner.set(second, value);
  return value;
}
