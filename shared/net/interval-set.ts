/**
 * Sets of integers as sorted, disjoint, non-adjacent half-open intervals [start, end).
 * The same code serves IPv4 (numbers), IPv6 (128-bit bigints) and ports (numbers): it only
 * compares bounds, so it never mixes the two numeric types. Sizes are computed per type below.
 */
export type Bound = number | bigint;
export type Interval<T extends Bound> = readonly [T, T];
export type IntervalSet<T extends Bound> = readonly Interval<T>[];

/** The largest bound a port-sized pair holds as small integers (V8's 31-bit small integers). */
const SMALL = 0x3fffffff;

/**
 * A new interval [s, e]. hot: an array literal remembers, per source position, the most general
 * element kind it ever held, and the same functions build port sets (small integers) and IPv4
 * ranges (doubles past 2^30): one shared literal soon builds every port interval as an array of
 * doubles, and each read of such a bound in code not yet optimized is a fresh heap number — which,
 * stored into a port field (finding ports, segments, simulated NACL entries), turns those objects'
 * hidden classes to doubles too. Intervals of small integers get a literal of their own, whose
 * bounds stay small integers (`| 0` re-tags an integral heap number; the test keeps it exact).
 */
function pair<T extends Bound>(s: T, e: T): [T, T] {
  if (
    typeof s === 'number' &&
    typeof e === 'number' &&
    s >= 0 &&
    e <= SMALL &&
    (s | 0) === s &&
    (e | 0) === e
  )
    return [(s | 0) as T, (e | 0) as T];
  return [s, e];
}

/**
 * The intervals of the set being built, `n` of them counted by each operation; items past the
 * count are stale and never read. hot: sets are built here and copied out at exact size. A result
 * grown by `push` keeps room for 16 intervals (its first push reserves them), and most results hold
 * one or two, many of them kept for the whole evaluation (reaches, NACL world-open ports): the
 * scavenger copied the empty room with them. Not reentrant: no operation calls another while it builds.
 */
const built: Interval<Bound>[] = [];

/** The first `n` intervals built, as a set of exact size. */
function builtSet<T extends Bound>(n: number): [T, T][] {
  return built.slice(0, n) as [T, T][];
}

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
  // Each merged run is pushed once it ends (an interval is never widened in place: a pair of
  // small integers must not be handed a double, see `pair`).
  let n = 0;
  let open = false;
  let runStart = undefined as unknown as T;
  let runEnd = undefined as unknown as T;
  for (let i = 0; i < ordered.length; i++) {
    const interval = ordered[i] as Interval<T>;
    const s = interval[0];
    const e = interval[1];
    if (!(s < e)) continue;
    if (open && s <= runEnd) {
      if (e > runEnd) runEnd = e;
    } else {
      if (open) built[n++] = pair(runStart, runEnd);
      runStart = s;
      runEnd = e;
      open = true;
    }
  }
  if (open) built[n++] = pair(runStart, runEnd);
  return builtSet(n);
}

/** Union of two normalized sets: a linear merge (no sort; this runs millions of times per region). */
export function union<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  // Merged runs written as they end, as in `normalize`.
  let n = 0;
  let open = false;
  let runStart = undefined as unknown as T;
  let runEnd = undefined as unknown as T;
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
    if (open && next[0] <= runEnd) {
      if (next[1] > runEnd) runEnd = next[1];
    } else {
      if (open) built[n++] = pair(runStart, runEnd);
      runStart = next[0];
      runEnd = next[1];
      open = true;
    }
  }
  if (open) built[n++] = pair(runStart, runEnd);
  return builtSet(n);
}

/** Adds one interval to a normalized set. */
export function add<T extends Bound>(a: IntervalSet<T>, start: T, end: T): IntervalSet<T> {
  if (!(start < end)) return a;
  if (a.length === 0) return [pair(start, end)];
  return union(a, [pair(start, end)]);
}

/** Intersection of two normalized sets. */
export function intersect<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval<T>;
    const y = b[j] as Interval<T>;
    // biome-ignore lint/complexity/useMathMinMax: bounds may be bigints, which Math.max rejects
    const s = x[0] > y[0] ? x[0] : y[0];
    // biome-ignore lint/complexity/useMathMinMax: bounds may be bigints, which Math.min rejects
    const e = x[1] < y[1] ? x[1] : y[1];
    if (s < e) built[n++] = pair(s, e);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return builtSet(n);
}

/** `a` minus `b`, both normalized. */
export function subtract<T extends Bound>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  if (a.length === 0 || b.length === 0) return a;
  let n = 0;
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
      if (cut[0] > s) built[n++] = pair(s, cut[0]);
      if (cut[1] > s) s = cut[1];
      if (s >= end) break;
      k++;
    }
    if (s < end) built[n++] = pair(s, end);
  }
  return builtSet(n);
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
