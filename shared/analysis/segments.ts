/** An elementary port segment [from, to] (inclusive) and the items whose ranges cover all of it. */
export interface PortSegment<T> {
  from: number;
  to: number;
  items: T[];
}

/**
 * Splits 0–65535 into maximal segments over which the set of covering items is constant, keeping
 * only segments covered by at least one item. Items keep their input order within a segment (NACL
 * evaluation relies on it). Linear sweep over the range endpoints.
 */
export function segmentPorts<T>(
  items: readonly T[],
  range: (item: T) => readonly [number, number],
): PortSegment<T>[] {
  if (items.length === 0) return [];
  if (items.length === 1) {
    const only = items[0] as T;
    const [from, to] = range(only);
    return [{ from, to, items: [only] }];
  }
  const cuts = new Set<number>();
  for (const item of items) {
    const [from, to] = range(item);
    cuts.add(from);
    cuts.add(to + 1);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: PortSegment<T>[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = (points[i + 1] as number) - 1;
    const covering: T[] = [];
    for (const item of items) {
      const [f, t] = range(item);
      if (f <= from && t >= to) covering.push(item);
    }
    if (covering.length > 0) out.push({ from, to, items: covering });
  }
  return out;
}
