/**
 * Sets of integers as sorted, disjoint, non-adjacent half-open intervals [start, end).
 * The same code serves IPv4 (numbers), IPv6 (128-bit bigints) and ports (numbers): it only
 * compares bounds, so it never mixes the two numeric types. Sizes are computed per type below.
 */
export type Bound = number | bigint;
export type Interval<T extends Bound> = readonly [T, T];
export type IntervalSet<T extends Bound> = readonly Interval<T>[];

const byStart = <T extends Bound>(a: Interval<T>, b: Interval<T>) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Sorts and merges arbitrary intervals into a normalized set (empty intervals are dropped).
 * Input that is already sorted (the usual case: results of other set operations, single
 * intervals) is merged in one pass without copying and sorting.
 */
export function normalize<T extends Bound>(intervals: Iterable<Interval<T>>): IntervalSet<T> {
  const list = Array.isArray(intervals) ? (intervals as readonly Interval<T>[]) : [...intervals];
  let sorted = true;
  for (let i = 1; i < list.length; i++) {
    if ((list[i] as Interval<T>)[0] < (list[i - 1] as Interval<T>)[0]) {
      sorted = false;
      break;
    }
  }
  const ordered = sorted ? list : [...list].sort(byStart);
  const out: [T, T][] = [];
  for (let i = 0; i < ordered.length; i++) {
    const interval = ordered[i] as Interval<T>;
    const s = interval[0];
    const e = interval[1];
    if (!(s < e)) continue;
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

/** Union of two normalized sets: a linear merge (no sort; this runs millions of times per region). */
export function union<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: [T, T][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    let next: Interval<T>;
    if (y === undefined || (x !== undefined && x[0] <= y[0])) {
      next = x as Interval<T>;
      i++;
    } else {
      next = y;
      j++;
    }
    const last = out[out.length - 1];
    if (last && next[0] <= last[1]) {
      if (next[1] > last[1]) last[1] = next[1];
    } else out.push([next[0], next[1]]);
  }
  return out;
}

/** Adds one interval to a normalized set. */
export function add<T extends Bound>(a: IntervalSet<T>, start: T, end: T): IntervalSet<T> {
  if (!(start < end)) return a;
  if (a.length === 0) return [[start, end]];
  return union(a, [[start, end]]);
}

/** Intersection of two normalized sets. */
export function intersect<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  const out: [T, T][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval<T>;
    const y = b[j] as Interval<T>;
    // biome-ignore lint/complexity/useMathMinMax: bounds may be bigints, which Math.max rejects
    const s = x[0] > y[0] ? x[0] : y[0];
    // biome-ignore lint/complexity/useMathMinMax: bounds may be bigints, which Math.min rejects
    const e = x[1] < y[1] ? x[1] : y[1];
    if (s < e) out.push([s, e]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

/** `a` minus `b`, both normalized. */
export function subtract<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  if (a.length === 0 || b.length === 0) return a;
  const out: [T, T][] = [];
  let j = 0;
  // Indexed loops, no destructuring: this runs millions of times per region.
  for (let i = 0; i < a.length; i++) {
    const interval = a[i] as Interval<T>;
    const end = interval[1];
    let s = interval[0];
    while (j < b.length && (b[j] as Interval<T>)[1] <= s) j++;
    let k = j;
    while (k < b.length && (b[k] as Interval<T>)[0] < end) {
      const cut = b[k] as Interval<T>;
      if (cut[0] > s) out.push([s, cut[0]]);
      if (cut[1] > s) s = cut[1];
      if (s >= end) break;
      k++;
    }
    if (s < end) out.push([s, end]);
  }
  return out;
}

/** True when `value` lies in the set. */
export function contains<T extends Bound>(set: IntervalSet<T>, value: T): boolean {
  let lo = 0;
  let hi = set.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const interval = set[mid] as Interval<T>;
    if (value < interval[0]) hi = mid - 1;
    else if (value >= interval[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** True when every element of `a` is in `b`. */
export function isSubset<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): boolean {
  return subtract(a, b).length === 0;
}

/** Number of elements of a number-bounded set. */
export function sizeOf(set: IntervalSet<number>): number {
  let total = 0;
  for (let i = 0; i < set.length; i++) {
    const interval = set[i] as Interval<number>;
    total += interval[1] - interval[0];
  }
  return total;
}

/** Number of elements of a bigint-bounded set. */
export function sizeOfBig(set: IntervalSet<bigint>): bigint {
  let total = 0n;
  for (const [s, e] of set) total += e - s;
  return total;
}
