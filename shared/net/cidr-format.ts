import { formatIpv4 } from './cidr';
import type { IntervalSet } from './interval-set';

/** Formats a 128-bit value in the RFC 5952 canonical form (lower case, longest zero run as `::`). */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((n) => n.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/**
 * The minimal list of CIDR blocks covering the half-open IPv4 interval [start, end), as strings.
 * `limit` caps the output (peers are shown as samples in evidence, never all of them).
 */
export function cidrsOf4(start: number, end: number, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let s = start;
  while (s < end && out.length < limit) {
    let size = 1;
    // Grow the block while it stays aligned on `s` and inside the interval.
    while (s % (size * 2) === 0 && s + size * 2 <= end && size * 2 <= 2 ** 32) size *= 2;
    out.push(`${formatIpv4(s)}/${32 - Math.log2(size)}`);
    s += size;
  }
  return out;
}

/** Number of trailing zero bits of a 128-bit value (128 for zero). */
function trailingZeros(value: bigint): number {
  if (value === 0n) return 128;
  return (value & -value).toString(2).length - 1;
}

/** The minimal list of IPv6 CIDR blocks covering [start, end), capped at `limit`. */
export function cidrsOf6(start: bigint, end: bigint, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let s = start;
  while (s < end && out.length < limit) {
    // The largest block aligned on `s` that fits: bounded by s's alignment and by the room left.
    const bits = Math.min(trailingZeros(s), (end - s).toString(2).length - 1);
    out.push(`${formatIpv6(s)}/${128 - bits}`);
    s += 1n << BigInt(bits);
  }
  return out;
}

/** CIDR strings of an interval set, at most `limit` of them (`cidrsOf` covers one interval). */
function formatSet<T extends number | bigint>(
  set: IntervalSet<T>,
  limit: number,
  cidrsOf: (start: T, end: T, limit: number) => string[],
): string[] {
  const out: string[] = [];
  for (const [s, e] of set) {
    if (out.length >= limit) break;
    out.push(...cidrsOf(s, e, limit - out.length));
  }
  return out;
}

/** CIDR strings of an IPv4 set, at most `limit` of them. */
export function formatSet4(set: IntervalSet<number>, limit: number): string[] {
  return formatSet(set, limit, cidrsOf4);
}

/** CIDR strings of an IPv6 set, at most `limit` of them. */
export function formatSet6(set: IntervalSet<bigint>, limit: number): string[] {
  return formatSet(set, limit, cidrsOf6);
}
