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
 *
 * No range can corrupt the sweep: ends are clamped to 0–65535 and a range whose start lies past its
 * end covers no port (validation refuses such input; this keeps one bad item from shifting the
 * segments of every other, as an inverted `tcp 100..20` once did).
 */
export function segmentPorts<T>(
  items: readonly T[],
  range: (item: T) => readonly [number, number],
): PortSegment<T>[] {
  const n = items.length;
  if (n === 0) return [];
  // Events: (port, +1 start | -1 end at port = to + 1, item index), ends before starts at a port.
  const ports: number[] = [];
  const kinds: number[] = [];
  const index: number[] = [];
  for (let i = 0; i < n; i++) {
    // Read by index: destructuring steps an array iterator in code not yet optimized.
    const raw = range(items[i] as T);
    const from = Math.max(0, raw[0]);
    const to = Math.min(MAX_PORT, raw[1]);
    if (!(from <= to)) continue; // inverted or NaN: covers no port
    ports.push(from, to + 1);
    kinds.push(1, -1);
    index.push(i, i);
  }
  if (ports.length === 0) return [];
  if (ports.length === 2) {
    const i = index[0] as number;
    return [
      { from: ports[0] as number, to: (ports[1] as number) - 1, items: [items[i] as T], key: String(i) },
    ];
  }
  const order = Array.from({ length: ports.length }, (_, k) => k).sort(
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

const MAX_PORT = 65535;

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
