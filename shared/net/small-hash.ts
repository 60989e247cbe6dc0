/**
 * One step of a 30-bit multiplicative hash: `x` (a non-negative integer below 2^28) folded into
 * `h`. Every intermediate stays a small integer (below 2^30), so even code not yet optimized (the
 * first evaluation of a large snapshot runs the content hashes unoptimized, hundreds of thousands
 * of steps) boxes no heap number, as the 32-bit results of `Math.imul` would. Equal inputs hash
 * equally; callers settle collisions by comparing contents. Hot loops write the step out (the
 * expression below, verbatim): a call per step costs in unoptimized code.
 */
export function mixHash(h: number, x: number): number {
  return ((h & 0x7fff) * 20021 + (h >>> 15) * 7 + x) & 0x3fffffff;
}

/** The start of a hash. */
export const HASH_SEED = 0x2c9dc5;
