import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HASH_SEED, mixHash } from '../../../../shared/net/small-hash';

describe('mixHash', () => {
  it('keeps every step a non-negative integer below 2^30 (a small integer, never a heap number)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 30 - 1 }),
        fc.integer({ min: 0, max: 2 ** 28 - 1 }),
        (h, x) => {
          const before = (h & 0x7fff) * 20021 + (h >>> 15) * 7 + x;
          // The sum before the mask is itself below 2^30: no intermediate leaves the small range.
          expect(before).toBeLessThan(2 ** 30);
          const out = mixHash(h, x);
          expect(Number.isInteger(out)).toBe(true);
          expect(out).toBeGreaterThanOrEqual(0);
          expect(out).toBeLessThan(2 ** 30);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('starts below 2^30 and depends on the order of its inputs', () => {
    expect(HASH_SEED).toBeLessThan(2 ** 30);
    expect(mixHash(mixHash(HASH_SEED, 1), 2)).not.toBe(mixHash(mixHash(HASH_SEED, 2), 1));
  });
});
