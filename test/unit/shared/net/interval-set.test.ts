import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  type Bound,
  contains,
  type Interval,
  type IntervalSet,
  intersect,
  isSubset,
  normalize,
  sizeOf,
  sizeOfBig,
  subtract,
  union,
} from '../../../../shared/net/interval-set';

const RUNS = { numRuns: 1000 };
const U = 64;

/** Raw (unsorted, overlapping, possibly empty) intervals over the small universe [0, U). */
const raw = fc.array(
  fc.tuple(fc.integer({ min: 0, max: U }), fc.integer({ min: 0, max: U })).map(([a, b]) => [a, b] as const),
  { maxLength: 8 },
);

/** Brute-force oracle: the members of raw intervals, as a bitmap. */
function bitmap(intervals: readonly Interval<number>[]): boolean[] {
  const bits = Array<boolean>(U).fill(false);
  for (const [s, e] of intervals) for (let x = s; x < e; x++) bits[x] = true;
  return bits;
}

function members(set: IntervalSet<number>): boolean[] {
  return Array.from({ length: U }, (_, x) => contains(set, x));
}

function isNormalized<T extends Bound>(set: IntervalSet<T>): boolean {
  for (let i = 0; i < set.length; i++) {
    const [s, e] = set[i] as Interval<T>;
    if (!(s < e)) return false;
    const next = set[i + 1];
    if (next && !(e < next[0])) return false;
  }
  return true;
}

describe('interval sets against a brute-force oracle over [0, 64)', () => {
  it('normalize keeps exactly the members, sorted, disjoint and non-adjacent', () => {
    fc.assert(
      fc.property(raw, (a) => {
        const set = normalize(a);
        expect(isNormalized(set)).toBe(true);
        expect(members(set)).toEqual(bitmap(a));
        expect(sizeOf(set)).toBe(bitmap(a).filter(Boolean).length);
      }),
      RUNS,
    );
  });

  it('union, intersect, subtract, add and isSubset agree with set algebra on bitmaps', () => {
    fc.assert(
      fc.property(
        raw,
        raw,
        fc.integer({ min: 0, max: U }),
        fc.integer({ min: 0, max: U }),
        (ra, rb, s, e) => {
          const a = normalize(ra);
          const b = normalize(rb);
          const A = bitmap(ra);
          const B = bitmap(rb);
          const u = union(a, b);
          const i = intersect(a, b);
          const d = subtract(a, b);
          for (const set of [u, i, d]) expect(isNormalized(set)).toBe(true);
          expect(members(u)).toEqual(A.map((x, k) => x || (B[k] as boolean)));
          expect(members(i)).toEqual(A.map((x, k) => x && (B[k] as boolean)));
          expect(members(d)).toEqual(A.map((x, k) => x && !B[k]));
          expect(members(add(a, s, e))).toEqual(bitmap([...ra, [s, e]]));
          expect(isSubset(a, b)).toBe(A.every((x, k) => !x || B[k]));
        },
      ),
      RUNS,
    );
  });
});

/** Interval endpoints and their neighbours (where off-by-one errors show), plus random points. */
function samples4(intervals: readonly Interval<number>[], extra: readonly number[]): number[] {
  return [...extra, ...intervals.flatMap(([s, e]) => [s - 1, s, e - 1, e])].filter((x) => x >= 0);
}

function samples6(intervals: readonly Interval<bigint>[], extra: readonly bigint[]): bigint[] {
  return [...extra, ...intervals.flatMap(([s, e]) => [s - 1n, s, e - 1n, e])].filter((x) => x >= 0n);
}

const in4 = (intervals: readonly Interval<number>[], x: number) =>
  intervals.some(([s, e]) => s <= x && x < e);
const in6 = (intervals: readonly Interval<bigint>[], x: bigint) =>
  intervals.some(([s, e]) => s <= x && x < e);

describe('interval sets over IPv4 and IPv6 address space, checked at sampled points', () => {
  const v4 = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 2 ** 32 })), {
      maxLength: 6,
    })
    .map((list) => list.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const));
  const big = fc.bigInt({ min: 0n, max: 1n << 128n });
  const v6 = fc
    .array(fc.tuple(big, big), { maxLength: 6 })
    .map((list) => list.map(([a, b]) => (a < b ? ([a, b] as const) : ([b, a] as const))));

  it('IPv4: membership of normalize, union, intersect and subtract at every endpoint and random points', () => {
    fc.assert(
      fc.property(
        v4,
        v4,
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 10 }),
        (ra, rb, extra) => {
          const a = normalize(ra);
          const b = normalize(rb);
          const [u, i, d] = [union(a, b), intersect(a, b), subtract(a, b)];
          expect(isNormalized(u) && isNormalized(i) && isNormalized(d)).toBe(true);
          for (const x of samples4([...ra, ...rb], extra)) {
            const [A, B] = [in4(ra, x), in4(rb, x)];
            expect(contains(a, x)).toBe(A);
            expect(contains(u, x)).toBe(A || B);
            expect(contains(i, x)).toBe(A && B);
            expect(contains(d, x)).toBe(A && !B);
          }
        },
      ),
      RUNS,
    );
  });

  it('keeps bounds exact across the small-integer limit (2^30), where intervals switch representation', () => {
    const bound = fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 2 ** 30 - 4, max: 2 ** 30 + 4 }),
      fc.integer({ min: 0, max: 2 ** 32 }),
    );
    const mixed = fc
      .array(fc.tuple(bound, bound), { maxLength: 6 })
      .map((list) => list.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const));
    fc.assert(
      fc.property(mixed, mixed, (ra, rb) => {
        const a = normalize(ra);
        const b = normalize(rb);
        const sets = [a, b, union(a, b), intersect(a, b), subtract(a, b), add(a, 2 ** 30 - 1, 2 ** 30 + 1)];
        for (const set of sets) expect(isNormalized(set)).toBe(true);
        for (const x of samples4([...ra, ...rb], [2 ** 30 - 1, 2 ** 30, 2 ** 30 + 1])) {
          const [A, B] = [in4(ra, x), in4(rb, x)];
          expect([a, b, union(a, b), intersect(a, b), subtract(a, b)].map((set) => contains(set, x))).toEqual(
            [A, B, A || B, A && B, A && !B],
          );
          expect(contains(add(a, 2 ** 30 - 1, 2 ** 30 + 1), x)).toBe(A || x === 2 ** 30 - 1 || x === 2 ** 30);
        }
        // Every bound is one of the inputs' own bounds, unchanged.
        const inputs = new Set([...ra, ...rb].flat());
        for (const [s, e] of [...union(a, b), ...intersect(a, b), ...subtract(a, b)])
          expect(inputs.has(s) && inputs.has(e)).toBe(true);
      }),
      RUNS,
    );
  });

  it('IPv6 (128-bit bigints): membership and sizes at every endpoint and random points', () => {
    fc.assert(
      fc.property(
        v6,
        v6,
        fc.array(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), { maxLength: 10 }),
        (ra, rb, extra) => {
          const a = normalize(ra);
          const b = normalize(rb);
          const [u, i, d] = [union(a, b), intersect(a, b), subtract(a, b)];
          expect(isNormalized(u) && isNormalized(i) && isNormalized(d)).toBe(true);
          // |A ∪ B| = |A| + |B| − |A ∩ B| and |A − B| = |A| − |A ∩ B|: exact in bigint arithmetic.
          expect(sizeOfBig(u)).toBe(sizeOfBig(a) + sizeOfBig(b) - sizeOfBig(i));
          expect(sizeOfBig(d)).toBe(sizeOfBig(a) - sizeOfBig(i));
          for (const x of samples6([...ra, ...rb], extra)) {
            const [A, B] = [in6(ra, x), in6(rb, x)];
            expect(contains(a, x)).toBe(A);
            expect(contains(u, x)).toBe(A || B);
            expect(contains(i, x)).toBe(A && B);
            expect(contains(d, x)).toBe(A && !B);
          }
        },
      ),
      RUNS,
    );
  });
});
