/**
 * One step of a 30-bit rotate-xor hash: `x` (a small non-negative integer, or -1) folded into `h`.
 * Every intermediate stays a small integer, so even code not yet optimized (the first evaluation
 * of a large snapshot runs the content hashes interpreted, hundreds of thousands of steps) boxes
 * no heap number, as the 32-bit results of `Math.imul` would. Equal inputs hash equally; callers
 * settle collisions by comparing contents.
 */
export function mixHash(h: number, x: number): number {
  return ((((h & 0x1ffffff) << 5) | (h >>> 25)) ^ x) & 0x3fffffff;
}

/** The start of a hash. */
export const HASH_SEED = 0x2c9dc5;
