import { IPV4_SPACE, ipv6FirstGroup, parseCidr4 } from './cidr';
import { type Interval, type IntervalSet, normalize, sizeOf, sizeOfBig, subtract } from './interval-set';

/** IPv4 ranges that are not public (DESIGN §4). */
export const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
] as const;

function excluded(): IntervalSet<number> {
  return normalize(
    NON_PUBLIC_IPV4.map((c) => {
      const r = parseCidr4(c);
      if (!r) throw new Error(`bad built-in CIDR ${c}`);
      return [r.start, r.end] as const;
    }),
  );
}

/** Public IPv4 space. */
export const PUBLIC_IPV4: IntervalSet<number> = subtract([[0, IPV4_SPACE]], excluded());
export const PUBLIC_IPV4_SIZE = sizeOf(PUBLIC_IPV4);

/** Public IPv6 space: 2000::/3 (global unicast). */
const PUBLIC_START6 = 0x2000n << 112n;
const PUBLIC_END6 = 0x4000n << 112n;
export const PUBLIC_IPV6: IntervalSet<bigint> = [[PUBLIC_START6, PUBLIC_END6]];
export const PUBLIC_IPV6_SIZE = sizeOfBig(PUBLIC_IPV6);

/** A source set this large (in public addresses) is "broad" (DESIGN §5 `sg-broad-public-source`). */
export const BROAD_IPV4 = 2 ** 24;
export const BROAD_IPV6 = 1n << 96n;

/** Number of public IPv4 addresses in a set. */
export function publicCount4(set: IntervalSet<number>): number {
  // The whole space (0.0.0.0/0, or what first-match leaves after it) is the common case.
  const only = set.length === 1 ? set[0] : undefined;
  if (only && only[0] === 0 && only[1] === IPV4_SPACE) return PUBLIC_IPV4_SIZE;
  // hot: the size of the intersection, summed as `intersect` would walk it, without building it.
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < set.length && j < PUBLIC_IPV4.length) {
    const x = set[i] as Interval<number>;
    const y = PUBLIC_IPV4[j] as Interval<number>;
    const s = Math.max(x[0], y[0]);
    const e = Math.min(x[1], y[1]);
    if (s < e) count += e - s;
    if (x[1] < y[1]) i++;
    else j++;
  }
  return count;
}

/** Number of public IPv6 addresses in a set. */
export function publicCount6(set: IntervalSet<bigint>): bigint {
  const only = set.length === 1 ? set[0] : undefined;
  if (only && only[0] <= PUBLIC_START6 && only[1] >= PUBLIC_END6) return PUBLIC_IPV6_SIZE;
  // Public space is one interval: the sum of each interval's overlap with it, nothing built.
  let count = 0n;
  for (let i = 0; i < set.length; i++) {
    const x = set[i] as Interval<bigint>;
    const s = x[0] > PUBLIC_START6 ? x[0] : PUBLIC_START6;
    const e = x[1] < PUBLIC_END6 ? x[1] : PUBLIC_END6;
    if (s < e) count += e - s;
  }
  return count;
}

/** The least public counts that cover a share of each family's public space. */
interface WorldThresholds {
  readonly coverage: number;
  readonly v4: number;
  readonly v6: bigint;
}

let lastThresholds: WorldThresholds | undefined;

/**
 * The least number of public addresses of each family that covers `coverage` of its public space:
 * ceil(coverage × size), computed exactly from the decimal the fraction is written as (`0.99` is
 * 99/100, not the binary double nearest it), so "at least 99 %" holds at the boundary address and
 * a fraction with more than six decimals (`0.9999996`, `0.0000001`) is not rounded to another.
 * A pure function of `coverage`; the last answer is kept, since a run uses one coverage throughout.
 */
export function worldThresholds(coverage: number): WorldThresholds {
  if (lastThresholds?.coverage === coverage) return lastThresholds;
  // toExponential() writes the shortest decimal that reads back as this number: "9.9e-1", "1e-7".
  const [digits = '', exponent = '0'] = coverage.toExponential().split('e');
  const [whole = '', fraction = ''] = digits.split('.');
  const scale = fraction.length - Number(exponent);
  let numerator = BigInt(whole + fraction);
  let denominator = 1n;
  if (scale >= 0) denominator = 10n ** BigInt(scale);
  else numerator *= 10n ** BigInt(-scale);
  const least = (size: bigint) => (numerator * size + denominator - 1n) / denominator;
  lastThresholds = { coverage, v4: Number(least(BigInt(PUBLIC_IPV4_SIZE))), v6: least(PUBLIC_IPV6_SIZE) };
  return lastThresholds;
}

/** True when `count` public IPv4 addresses cover at least `coverage` of the public space (exact). */
export function coversWorld4(count: number, coverage: number): boolean {
  return count >= worldThresholds(coverage).v4;
}

/** True when `count` public IPv6 addresses cover at least `coverage` of the public space (exact). */
export function coversWorld6(count: bigint, coverage: number): boolean {
  return count >= worldThresholds(coverage).v6;
}

/** World-open test of an IPv4 source set. */
export function isWorldOpen4(set: IntervalSet<number>, coverage: number): boolean {
  return coversWorld4(publicCount4(set), coverage);
}

/** World-open test of an IPv6 source set. */
export function isWorldOpen6(set: IntervalSet<bigint>, coverage: number): boolean {
  return coversWorld6(publicCount6(set), coverage);
}

/** The decimal number in text[from, to), or -1 when it is empty or holds a non-digit. */
function decimalAt(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

/**
 * True when an IPv4 CIDR, as written, lies inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 —
 * read from the text alone, without allocating. Most security-group sources are VPC ranges; this
 * lets a scan of half a million rules skip them without a parse or a cache lookup. False means
 * "not known to be private", never "public".
 */
export function isRfc1918Text(cidr: string): boolean {
  const dot1 = cidr.indexOf('.');
  const dot2 = cidr.indexOf('.', dot1 + 1);
  const slash = cidr.indexOf('/', dot2 + 1);
  if (dot1 < 0 || dot2 < 0 || slash < 0) return false;
  const first = decimalAt(cidr, 0, dot1);
  const second = decimalAt(cidr, dot1 + 1, dot2);
  const prefix = decimalAt(cidr, slash + 1, cidr.length);
  if (second < 0 || prefix < 0 || prefix > 32) return false;
  if (first === 10) return prefix >= 8;
  if (first === 172) return second >= 16 && second <= 31 && prefix >= 12;
  if (first === 192) return second === 168 && prefix >= 16;
  return false;
}

/**
 * True for an IPv6 address in public space (2000::/3, DESIGN §4); unique-local `fd00::/8` is not.
 * Hot (every interface address of a region): the top three bits are those of the first group.
 */
export function isPublicIpv6(address: string): boolean {
  return ipv6FirstGroup(address) >> 13 === 1;
}
