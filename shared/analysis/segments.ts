/** An elementary port segment [from, to] (inclusive) and the items whose ranges cover all of it. */
export interface PortSegment<T> {
  from: number;
  to: number;
  items: T[];
  /** Positions of `items` in the input, comma-joined: equal keys mean equal covering lists. */
  key: string;
}

/**
 * Splits 0–65535 into maximal segments over which the set of covering items is constant, keeping
 * only segments covered by at least one item. Items keep their input order within a segment (NACL
 * evaluation relies on it). A sweep over the sorted range endpoints that keeps the active items
 * ordered by input position: O(n log n + output), where the former per-segment scan of every item
 * was quadratic for groups with thousands of rules.
 */
export function segmentPorts<T>(
  items: readonly T[],
  range: (item: T) => readonly [number, number],
): PortSegment<T>[] {
  const n = items.length;
  if (n === 0) return [];
  if (n === 1) {
    const only = items[0] as T;
    const [from, to] = range(only);
    return [{ from, to, items: [only], key: '0' }];
  }
  // Events: (port, +1 start | -1 end at port = to + 1, item index), ends before starts at a port.
  const ports: number[] = new Array(2 * n);
  const kinds: number[] = new Array(2 * n);
  const index: number[] = new Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [from, to] = range(items[i] as T);
    ports[2 * i] = from;
    kinds[2 * i] = 1;
    index[2 * i] = i;
    ports[2 * i + 1] = to + 1;
    kinds[2 * i + 1] = -1;
    index[2 * i + 1] = i;
  }
  const order = Array.from({ length: 2 * n }, (_, k) => k).sort(
    (a, b) => (ports[a] as number) - (ports[b] as number) || (kinds[a] as number) - (kinds[b] as number),
  );
  const active: number[] = [];
  const out: PortSegment<T>[] = [];
  let k = 0;
  while (k < order.length) {
    const at = ports[order[k] as number] as number;
    // Apply every event at this port.
    while (k < order.length && ports[order[k] as number] === at) {
      const e = order[k] as number;
      const i = index[e] as number;
      if (kinds[e] === 1) active.splice(lowerBound(active, i), 0, i);
      else active.splice(lowerBound(active, i), 1);
      k++;
    }
    if (active.length === 0 || k >= order.length) continue;
    const next = ports[order[k] as number] as number;
    out.push({ from: at, to: next - 1, items: active.map((i) => items[i] as T), key: active.join(',') });
  }
  return out;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
