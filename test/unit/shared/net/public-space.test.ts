import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr4, parseCidr6, parseIpv6 } from '../../../../shared/net/cidr';
import { cidrsOf4 } from '../../../../shared/net/cidr-format';
import { intersect, normalize, sizeOf, sizeOfBig } from '../../../../shared/net/interval-set';
import {
  coversWorld4,
  coversWorld6,
  isPublicIpv6,
  isWorldOpen4,
  isWorldOpen6,
  NON_PUBLIC_IPV4,
  PUBLIC_IPV4,
  PUBLIC_IPV4_SIZE,
  PUBLIC_IPV6,
  publicCount4,
  publicCount6,
} from '../../../../shared/net/public-space';

const RUNS = { numRuns: 1000 };
const BLOCK = 2 ** 16;

// An oracle that shares no code with the engine: CIDRs of prefix ≤ 16 are marked on a bitmap of
// the 65 536 /16 blocks, and each block's non-public addresses come from DESIGN §4's list, parsed here.
function ownParse(cidr: string): { start: number; size: number } {
  const [address = '', prefix = ''] = cidr.split('/');
  const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(prefix));
  return { start: value - (value % size), size };
}

const NON_PUBLIC_PER_BLOCK = new Float64Array(BLOCK);
for (const cidr of NON_PUBLIC_IPV4) {
  const { start, size } = ownParse(cidr);
  if (size >= BLOCK)
    for (let b = start / BLOCK; b < (start + size) / BLOCK; b++) NON_PUBLIC_PER_BLOCK[b] = BLOCK;
  else
    NON_PUBLIC_PER_BLOCK[Math.floor(start / BLOCK)] =
      (NON_PUBLIC_PER_BLOCK[Math.floor(start / BLOCK)] ?? 0) + size;
}
const PUBLIC_TOTAL = NON_PUBLIC_PER_BLOCK.reduce((acc, n) => acc + (BLOCK - n), 0);

function oraclePublic4(cidrs: readonly string[]): number {
  const marked = new Uint8Array(BLOCK);
  for (const cidr of cidrs) {
    const { start, size } = ownParse(cidr);
    for (let b = start / BLOCK; b < (start + size) / BLOCK; b++) marked[b] = 1;
  }
  let count = 0;
  for (let b = 0; b < BLOCK; b++) if (marked[b]) count += BLOCK - (NON_PUBLIC_PER_BLOCK[b] ?? 0);
  return count;
}

const octet = fc.integer({ min: 0, max: 255 });
const cidr4 = fc
  .tuple(octet, octet, fc.integer({ min: 0, max: 16 }))
  .map(([a, b, p]) => `${a}.${b}.0.0/${p}`);

/** The world minus a few random blocks: the "blocklist" shape that must still count as world-open. */
const worldMinus = fc
  .uniqueArray(fc.tuple(octet, octet, fc.integer({ min: 8, max: 16 })), { maxLength: 4 })
  .map((blocks) => {
    const holes = normalize(
      blocks.map(([a, b, p]) => {
        const { start, size } = ownParse(`${a}.${b}.0.0/${p}`);
        return [start, start + size] as const;
      }),
    );
    const out: string[] = [];
    let at = 0;
    for (const [s, e] of holes) {
      out.push(...cidrsOf4(at, s));
      at = e;
    }
    out.push(...cidrsOf4(at, 2 ** 32));
    return out;
  });

function engineSet(cidrs: readonly string[]) {
  return normalize(
    cidrs.map((c) => {
      const r = parseCidr4(c);
      if (!r) throw new Error(c);
      return [r.start, r.end] as const;
    }),
  );
}

describe('world-open coverage (99% of public space)', () => {
  it('the public IPv4 size matches the independent count', () => {
    expect(PUBLIC_IPV4_SIZE).toBe(PUBLIC_TOTAL);
  });

  it('IPv4: public count and world-open decision equal the per-/16 bitmap oracle', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(cidr4, { maxLength: 12 }), worldMinus), (cidrs) => {
        const expected = oraclePublic4(cidrs);
        const set = engineSet(cidrs);
        expect(publicCount4(set)).toBe(expected);
        // Exact integer comparison: count / total ≥ 99/100.
        expect(isWorldOpen4(set, 0.99)).toBe(expected * 100 >= 99 * PUBLIC_TOTAL);
        expect(coversWorld4(expected, 0.99)).toBe(expected * 100 >= 99 * PUBLIC_TOTAL);
      }),
      RUNS,
    );
  });

  it('IPv4 readings of DESIGN §4', () => {
    expect(isWorldOpen4(engineSet(['0.0.0.0/0']), 0.99)).toBe(true);
    expect(isWorldOpen4(engineSet(['0.0.0.0/1', '128.0.0.0/1']), 0.99)).toBe(true);
    expect(isWorldOpen4(engineSet(['0.0.0.0/1']), 0.99)).toBe(false);
    expect(isWorldOpen4(engineSet(['81.2.69.0/24']), 0.99)).toBe(false);
    // One public /8 is ~0.45% of public space: the world minus one /8 is still world-open, minus three is not.
    const minus = (...holes: number[]) => {
      const out: string[] = [];
      let at = 0;
      for (const h of holes) {
        out.push(...cidrsOf4(at, h * 2 ** 24));
        at = (h + 1) * 2 ** 24;
      }
      return [...out, ...cidrsOf4(at, 2 ** 32)];
    };
    expect(isWorldOpen4(engineSet(minus(8)), 0.99)).toBe(true);
    expect(isWorldOpen4(engineSet(minus(8, 9, 11)), 0.99)).toBe(false);
    expect(isWorldOpen4(engineSet(minus(8, 9, 11)), 0.98)).toBe(true);
    // Removing loopback (127/8) removes no public address at all.
    expect(publicCount4(engineSet(minus(127)))).toBe(PUBLIC_IPV4_SIZE);
  });

  it('IPv6: public count and world-open decision equal a per-/16 oracle over 2000::/3', () => {
    const cidr6 = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 16 }))
      .map(([g, p]) => `${g.toString(16)}::/${p}`);
    fc.assert(
      fc.property(fc.array(cidr6, { maxLength: 12 }), (cidrs) => {
        const marked = new Uint8Array(65536);
        for (const c of cidrs) {
          const [head = '', prefix = ''] = c.split('::/');
          const size = 2 ** (16 - Number(prefix));
          const start = Number.parseInt(head, 16) - (Number.parseInt(head, 16) % size);
          for (let g = start; g < start + size; g++) marked[g] = 1;
        }
        let blocks = 0;
        for (let g = 0x2000; g < 0x4000; g++) blocks += marked[g] ?? 0;
        const expected = BigInt(blocks) << 112n;
        const set = normalize(
          cidrs.map((c) => {
            const r = parseCidr6(c);
            if (!r) throw new Error(c);
            return [r.start, r.end] as const;
          }),
        );
        expect(publicCount6(set)).toBe(expected);
        expect(isWorldOpen6(set, 0.99)).toBe(blocks * 100 >= 99 * 0x2000);
        expect(coversWorld6(expected, 0.99)).toBe(blocks * 100 >= 99 * 0x2000);
      }),
      RUNS,
    );
  });
});

describe('public counts of arbitrary normalized sets', () => {
  // Bounds near the non-public ranges' edges, so intervals start and end inside, across and between them.
  const edges4 = NON_PUBLIC_IPV4.flatMap((c) => {
    const r = parseCidr4(c);
    return r ? [r.start, r.end] : [];
  });
  const bound4 = fc.oneof(
    fc.integer({ min: 0, max: 2 ** 32 }),
    fc
      .tuple(fc.constantFrom(...edges4), fc.integer({ min: -3, max: 3 }))
      .map(([e, d]) => Math.min(2 ** 32, Math.max(0, e + d))),
  );
  const start6 = 0x2000n << 112n;
  const end6 = 0x4000n << 112n;
  const bound6 = fc.oneof(
    fc.bigInt({ min: 0n, max: 1n << 128n }),
    fc.tuple(fc.constantFrom(start6, end6), fc.bigInt({ min: -3n, max: 3n })).map(([e, d]) => e + d),
  );

  it('publicCount4 is the size of the set intersected with public space', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(bound4, bound4), { maxLength: 12 }), (pairs) => {
        const set = normalize(pairs.map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const))));
        expect(publicCount4(set)).toBe(sizeOf(intersect(set, PUBLIC_IPV4)));
      }),
      RUNS,
    );
  });

  it('publicCount6 is the size of the set intersected with public space', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(bound6, bound6), { maxLength: 12 }), (pairs) => {
        const set = normalize(pairs.map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const))));
        expect(publicCount6(set)).toBe(sizeOfBig(intersect(set, PUBLIC_IPV6)));
      }),
      RUNS,
    );
  });
});

describe('isPublicIpv6 (2000::/3 from the first group)', () => {
  // The oracle: the whole 128-bit value's top three bits.
  const oracle = (text: string) => {
    const value = parseIpv6(text);
    return value !== undefined && value >> 125n === 1n;
  };

  it('agrees with the 128-bit value on every address and on mutated text', () => {
    const address = fc.oneof(
      fc.ipV6(),
      fc.ipV6().map((a) => a.toUpperCase()),
      fc
        .tuple(fc.integer({ min: 0, max: 0xffff }), fc.ipV6())
        .map(([g, a]) => `${g.toString(16)}:${a.split(':').slice(1).join(':')}`),
    );
    const mutated = fc
      .tuple(address, fc.nat(), fc.constantFrom('', ':', '.', 'g', '0', '::', '%eth0', '/64', ' '))
      .map(([a, at, piece]) => a.slice(0, at % (a.length + 1)) + piece + a.slice(at % (a.length + 1)));
    fc.assert(
      fc.property(fc.oneof(address, mutated, fc.string()), (text) => {
        expect(isPublicIpv6(text)).toBe(oracle(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the boundaries of 2000::/3 and the usual non-public ranges', () => {
    expect(isPublicIpv6('1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(false);
    expect(isPublicIpv6('2000::')).toBe(true);
    expect(isPublicIpv6('2600:1f18:1000:8100::1')).toBe(true);
    expect(isPublicIpv6('3FFF:FFFF::1')).toBe(true);
    expect(isPublicIpv6('4000::')).toBe(false);
    expect(isPublicIpv6('fd00::1')).toBe(false);
    expect(isPublicIpv6('fe80::1')).toBe(false);
    expect(isPublicIpv6('::ffff:1.2.3.4')).toBe(false);
    expect(isPublicIpv6('::')).toBe(false);
    expect(isPublicIpv6('20:1::')).toBe(false);
    expect(isPublicIpv6('2001:db8::1.2.3.4')).toBe(oracle('2001:db8::1.2.3.4'));
    expect(isPublicIpv6('2000::/3')).toBe(false);
  });
});
